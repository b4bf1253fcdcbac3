/// An SQS queue the emulator serves (`AWS::SQS::Queue`).
public struct QueueDefinition: Sendable, Equatable {
    /// The queue's logical ID.
    public var logicalID: String
    /// The physical name: `QueueName` resolved, else `<stack>-<LogicalId>` (`.fifo` added for FIFO queues).
    public var name: String
    /// `<awsEndpoint>/<accountID>/<name>`, which is also what `Ref` returns.
    public var url: String
    /// `arn:aws:sqs:<region>:<account>:<name>`.
    public var arn: String
    /// `VisibilityTimeout`, 30 by default.
    public var visibilityTimeoutSeconds: Int
    /// `MessageRetentionPeriod`, 4 days by default.
    public var messageRetentionSeconds: Int
    /// `DelaySeconds`, 0 by default.
    public var delaySeconds: Int
    /// `ReceiveMessageWaitTimeSeconds`, 0 by default.
    public var receiveMessageWaitTimeSeconds: Int
    /// `RedrivePolicy`: where messages go after `maxReceiveCount` receives.
    public var redrive: RedrivePolicy?
    /// `FifoQueue`.
    public var fifo: Bool
    /// `ContentBasedDeduplication` (FIFO queues only): the body's SHA-256 stands in for a missing
    /// `MessageDeduplicationId`.
    public var contentBasedDeduplication: Bool

    public init(
        logicalID: String, name: String, url: String, arn: String, visibilityTimeoutSeconds: Int = 30,
        messageRetentionSeconds: Int = 345_600, delaySeconds: Int = 0, receiveMessageWaitTimeSeconds: Int = 0,
        redrive: RedrivePolicy? = nil, fifo: Bool = false, contentBasedDeduplication: Bool = false
    ) {
        self.logicalID = logicalID
        self.name = name
        self.url = url
        self.arn = arn
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        self.messageRetentionSeconds = messageRetentionSeconds
        self.delaySeconds = delaySeconds
        self.receiveMessageWaitTimeSeconds = receiveMessageWaitTimeSeconds
        self.redrive = redrive
        self.fifo = fifo
        self.contentBasedDeduplication = contentBasedDeduplication
    }
}

/// A queue's dead-letter queue.
public struct RedrivePolicy: Sendable, Equatable {
    /// The logical ID of the dead-letter queue.
    public var deadLetterQueue: String
    /// How many receives a message gets before it moves there.
    public var maxReceiveCount: Int

    public init(deadLetterQueue: String, maxReceiveCount: Int) {
        self.deadLetterQueue = deadLetterQueue
        self.maxReceiveCount = maxReceiveCount
    }
}

extension QueueDefinition {
    /// Reads a queue from its resolved properties.
    init(logicalID: String, name: String, properties: PropertyReader, resolver: Resolver) throws {
        let fifo = try properties["FifoQueue"].boolean() ?? false
        guard fifo == name.hasSuffix(".fifo") else {
            throw try properties["QueueName"].error(
                .invalidValue, "a FIFO queue's name ends in .fifo, and only a FIFO queue's does ('\(name)')")
        }
        let contentBased = try properties["ContentBasedDeduplication"].boolean() ?? false
        if contentBased && !fifo {
            throw try properties["ContentBasedDeduplication"].error(
                .invalidValue, "ContentBasedDeduplication is for FIFO queues only")
        }
        var redrive: RedrivePolicy?
        let policy = try properties["RedrivePolicy"]
        if policy.isPresent {
            let target = try policy["deadLetterTargetArn"]
            let value = try target.requiredText()
            guard let deadLetterQueue = resolver.logicalID(of: .queue, named: value) else {
                throw target.error(
                    .unknownReference, "'\(value)' is not an AWS::SQS::Queue of the template; use !GetAtt Queue.Arn")
            }
            let count = try policy["maxReceiveCount"]
            guard let maxReceiveCount = try count.integer(in: 1...1000) else {
                throw count.error(.missingProperty, "a redrive policy sets maxReceiveCount")
            }
            redrive = RedrivePolicy(deadLetterQueue: deadLetterQueue, maxReceiveCount: maxReceiveCount)
        }
        self.init(
            logicalID: logicalID, name: name, url: resolver.queueURL(name), arn: resolver.queueARN(name),
            visibilityTimeoutSeconds: try properties["VisibilityTimeout"].integer(in: 0...43_200) ?? 30,
            messageRetentionSeconds: try properties["MessageRetentionPeriod"].integer(in: 60...1_209_600) ?? 345_600,
            delaySeconds: try properties["DelaySeconds"].integer(in: 0...900) ?? 0,
            receiveMessageWaitTimeSeconds: try properties["ReceiveMessageWaitTimeSeconds"].integer(in: 0...20) ?? 0,
            redrive: redrive, fifo: fifo, contentBasedDeduplication: contentBased)
    }
}
