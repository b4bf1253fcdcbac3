/// A queue's settings, in AWS seconds (the store scales them by its `TimeScale`).
public struct QueueConfig: Sendable {
    public var name: String
    public var visibilityTimeoutSeconds: Int
    public var messageRetentionSeconds: Int
    public var delaySeconds: Int
    public var receiveWaitSeconds: Int
    /// Where a message goes once it has been received `maxReceiveCount` times without being deleted.
    public var redrive: (deadLetterQueue: String, maxReceiveCount: Int)?
    /// A FIFO queue (its name ends in `.fifo`): messages of a message group come out in the order they
    /// were sent, one group's next message only once the one before is deleted, and sends repeated
    /// within five minutes (by `MessageDeduplicationId`) are accepted once.
    public var fifo: Bool
    /// A FIFO queue's `ContentBasedDeduplication`: the body's SHA-256 is the deduplication id when
    /// the sender gives none.
    public var contentBasedDeduplication: Bool

    public init(
        name: String, visibilityTimeoutSeconds: Int = 30, messageRetentionSeconds: Int = 345_600, delaySeconds: Int = 0,
        receiveWaitSeconds: Int = 0, redrive: (deadLetterQueue: String, maxReceiveCount: Int)? = nil,
        fifo: Bool = false,
        contentBasedDeduplication: Bool = false
    ) {
        self.name = name
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        self.messageRetentionSeconds = messageRetentionSeconds
        self.delaySeconds = delaySeconds
        self.receiveWaitSeconds = receiveWaitSeconds
        self.redrive = redrive
        self.fifo = fifo
        self.contentBasedDeduplication = contentBasedDeduplication
    }
}

/// A queue as the store keeps it: its settings, when it was made, and attributes it only echoes.
struct QueueRecord: Sendable {
    var config: QueueConfig
    /// Seconds since the epoch.
    var createdAt: Int64
    var modifiedAt: Int64
    /// Accepted attributes the emulator does not act on (`Policy`, `MaximumMessageSize`, …).
    var passive: [String: String]

    /// The JSON kept in the `sqs_queues` table.
    struct Stored: Codable {
        var visibilityTimeout: Int
        var retention: Int
        var delay: Int
        var wait: Int
        var deadLetterQueue: String?
        var maxReceiveCount: Int?
        var fifo: Bool
        /// Absent in records written before FIFO deduplication existed.
        var contentBasedDeduplication: Bool?
        var createdAt: Int64
        var modifiedAt: Int64
        var passive: [String: String]
    }

    init(config: QueueConfig, createdAt: Int64, passive: [String: String] = [:]) {
        self.config = config
        self.createdAt = createdAt
        self.modifiedAt = createdAt
        self.passive = passive
    }

    init(name: String, stored: Stored) {
        config = QueueConfig(
            name: name, visibilityTimeoutSeconds: stored.visibilityTimeout, messageRetentionSeconds: stored.retention,
            delaySeconds: stored.delay, receiveWaitSeconds: stored.wait,
            redrive: stored.deadLetterQueue.map { ($0, stored.maxReceiveCount ?? 1) }, fifo: stored.fifo,
            contentBasedDeduplication: stored.contentBasedDeduplication ?? false)
        createdAt = stored.createdAt
        modifiedAt = stored.modifiedAt
        passive = stored.passive
    }

    var stored: Stored {
        Stored(
            visibilityTimeout: config.visibilityTimeoutSeconds, retention: config.messageRetentionSeconds,
            delay: config.delaySeconds, wait: config.receiveWaitSeconds,
            deadLetterQueue: config.redrive?.deadLetterQueue,
            maxReceiveCount: config.redrive?.maxReceiveCount, fifo: config.fifo,
            contentBasedDeduplication: config.contentBasedDeduplication, createdAt: createdAt,
            modifiedAt: modifiedAt, passive: passive)
    }
}
