import HTTP
import Runtime

/// Amazon SQS over its JSON protocol.
///
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
public final class SQSClient {
    let transport: AWSTransport

    public init(configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        transport = try AWSTransport(service: .sqs, configuration: configuration, http: http)
    }

    private func call<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, idempotent: Bool
    ) throws -> Output {
        try transport.jsonCall(targetPrefix: "AmazonSQS", operation: operation, input: input, idempotent: idempotent)
    }

    // MARK: Queues

    public func getQueueURL(name: String) throws -> String {
        struct Input: Encodable { var QueueName: String }
        struct Output: Decodable { var QueueUrl: String }
        let output: Output = try call("GetQueueUrl", Input(QueueName: name), idempotent: true)
        return output.QueueUrl
    }

    /// Creates a queue (or returns the existing one with the same attributes).
    public func createQueue(name: String, attributes: [String: String] = [:]) throws -> String {
        struct Input: Encodable { var QueueName: String; var Attributes: [String: String] }
        struct Output: Decodable { var QueueUrl: String }
        let output: Output = try call("CreateQueue", Input(QueueName: name, Attributes: attributes), idempotent: true)
        return output.QueueUrl
    }

    public func deleteQueue(url: String) throws {
        struct Input: Encodable { var QueueUrl: String }
        let _: Empty = try call("DeleteQueue", Input(QueueUrl: url), idempotent: true)
    }

    /// Attributes by name (`ApproximateNumberOfMessages`, `VisibilityTimeout`, `RedrivePolicy`, …); `["All"]` for all.
    public func getQueueAttributes(url: String, names: [String] = ["All"]) throws -> [String: String] {
        struct Input: Encodable { var QueueUrl: String; var AttributeNames: [String] }
        struct Output: Decodable { var Attributes: [String: String]? }
        let output: Output = try call(
            "GetQueueAttributes", Input(QueueUrl: url, AttributeNames: names), idempotent: true)
        return output.Attributes ?? [:]
    }

    // MARK: Messages

    public struct SentMessage: Decodable, Sendable, Equatable {
        public var messageID: String
        public var md5OfMessageBody: String
        /// FIFO queues: the message's place in the queue.
        public var sequenceNumber: String?
        enum CodingKeys: String, CodingKey {
            case messageID = "MessageId", md5OfMessageBody = "MD5OfMessageBody", sequenceNumber = "SequenceNumber"
        }
    }

    /// Sends a message. FIFO queues take a `messageGroupID` (the unit of ordering) and a
    /// `deduplicationID` (a repeat within five minutes is accepted but not queued again) unless the
    /// queue deduplicates by content; they refuse a per-message delay.
    public func sendMessage(
        queueURL: String, body: String, delaySeconds: Int? = nil,
        attributes: [String: MessageAttributeValue] = [:], messageGroupID: String? = nil,
        deduplicationID: String? = nil
    ) throws -> SentMessage {
        struct Input: Encodable {
            var QueueUrl: String
            var MessageBody: String
            var DelaySeconds: Int?
            var MessageAttributes: [String: MessageAttributeValue]?
            var MessageGroupId: String?
            var MessageDeduplicationId: String?
        }
        return try call(
            "SendMessage",
            Input(
                QueueUrl: queueURL, MessageBody: body, DelaySeconds: delaySeconds,
                MessageAttributes: attributes.isEmpty ? nil : attributes, MessageGroupId: messageGroupID,
                MessageDeduplicationId: deduplicationID),
            // A FIFO send with a deduplication id is safe to repeat: the queue keeps it once.
            idempotent: deduplicationID != nil)
    }

    public struct BatchEntry: Encodable, Sendable {
        public var id: String
        public var body: String
        public var delaySeconds: Int?
        public init(id: String, body: String, delaySeconds: Int? = nil) {
            self.id = id
            self.body = body
            self.delaySeconds = delaySeconds
        }
        enum CodingKeys: String, CodingKey { case id = "Id", body = "MessageBody", delaySeconds = "DelaySeconds" }
    }

    public struct BatchResult: Decodable, Sendable {
        public struct Success: Decodable, Sendable {
            public var id: String
            public var messageID: String?
            enum CodingKeys: String, CodingKey { case id = "Id", messageID = "MessageId" }
        }
        public struct Failure: Decodable, Sendable {
            public var id: String
            public var senderFault: Bool
            public var code: String
            public var message: String?
            enum CodingKeys: String, CodingKey {
                case id = "Id", senderFault = "SenderFault", code = "Code", message = "Message"
            }

            public init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                id = try container.decode(String.self, forKey: .id)
                code = try container.decode(String.self, forKey: .code)
                message = try container.decodeIfPresent(String.self, forKey: .message)
                // AWS sends a boolean; moto 5.2 sends the string "true".
                if let flag = try? container.decode(Bool.self, forKey: .senderFault) {
                    senderFault = flag
                } else {
                    senderFault = try container.decode(String.self, forKey: .senderFault) == "true"
                }
            }
        }
        public var successful: [Success]
        public var failed: [Failure]
        enum CodingKeys: String, CodingKey { case successful = "Successful", failed = "Failed" }
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            successful = try container.decodeIfPresent([Success].self, forKey: .successful) ?? []
            failed = try container.decodeIfPresent([Failure].self, forKey: .failed) ?? []
        }
    }

    /// Sends up to 10 messages; entries that fail are listed in `failed` (the call itself succeeds).
    public func sendMessageBatch(queueURL: String, entries: [BatchEntry]) throws -> BatchResult {
        precondition((1...10).contains(entries.count), "SendMessageBatch takes 1 to 10 entries")
        struct Input: Encodable { var QueueUrl: String; var Entries: [BatchEntry] }
        return try call("SendMessageBatch", Input(QueueUrl: queueURL, Entries: entries), idempotent: false)
    }

    public struct Message: Decodable, Sendable {
        public var messageID: String
        public var receiptHandle: String
        public var body: String
        public var md5OfBody: String
        public var attributes: [String: String]
        public var messageAttributes: [String: MessageAttributeValue]

        enum CodingKeys: String, CodingKey {
            case messageID = "MessageId", receiptHandle = "ReceiptHandle", body = "Body", md5OfBody = "MD5OfBody",
                attributes = "Attributes", messageAttributes = "MessageAttributes"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            messageID = try container.decode(String.self, forKey: .messageID)
            receiptHandle = try container.decode(String.self, forKey: .receiptHandle)
            body = try container.decode(String.self, forKey: .body)
            md5OfBody = try container.decode(String.self, forKey: .md5OfBody)
            attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
            messageAttributes =
                try container.decodeIfPresent([String: MessageAttributeValue].self, forKey: .messageAttributes) ?? [:]
        }

        public var receiveCount: Int { attributes["ApproximateReceiveCount"].flatMap(Int.init) ?? 0 }
    }

    /// Receives up to `maxMessages` (1–10), waiting up to `waitSeconds` (0–20) for one to arrive.
    public func receiveMessages(
        queueURL: String, maxMessages: Int = 1, waitSeconds: Int = 0,
        visibilityTimeout: Int? = nil
    ) throws -> [Message] {
        struct Input: Encodable {
            var QueueUrl: String
            var MaxNumberOfMessages: Int
            var WaitTimeSeconds: Int
            var VisibilityTimeout: Int?
            var AttributeNames = ["All"]
            var MessageSystemAttributeNames = ["All"]
            var MessageAttributeNames = ["All"]
        }
        struct Output: Decodable { var Messages: [Message]? }
        let output: Output = try call(
            "ReceiveMessage",
            Input(
                QueueUrl: queueURL, MaxNumberOfMessages: maxMessages, WaitTimeSeconds: waitSeconds,
                VisibilityTimeout: visibilityTimeout),
            idempotent: true)
        return output.Messages ?? []
    }

    public func deleteMessage(queueURL: String, receiptHandle: String) throws {
        struct Input: Encodable { var QueueUrl: String; var ReceiptHandle: String }
        let _: Empty = try call(
            "DeleteMessage", Input(QueueUrl: queueURL, ReceiptHandle: receiptHandle), idempotent: true)
    }

    public func changeMessageVisibility(queueURL: String, receiptHandle: String, timeout: Int) throws {
        struct Input: Encodable { var QueueUrl: String; var ReceiptHandle: String; var VisibilityTimeout: Int }
        let _: Empty = try call(
            "ChangeMessageVisibility",
            Input(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: timeout), idempotent: true)
    }
}

/// A message attribute (`String`, `Number` or `Binary`).
public struct MessageAttributeValue: Codable, Sendable, Equatable {
    public var dataType: String
    public var stringValue: String?
    public var binaryValue: String?

    public init(string: String) {
        dataType = "String"
        stringValue = string
    }

    enum CodingKeys: String, CodingKey {
        case dataType = "DataType", stringValue = "StringValue", binaryValue = "BinaryValue"
    }
}

/// An operation's empty output.
struct Empty: Codable {}
