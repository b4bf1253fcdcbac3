/// A batch of SQS messages, as an event-source mapping delivers it.
///
/// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
public struct SQSEvent: Codable, Sendable {
    public var records: [Message]

    enum CodingKeys: String, CodingKey { case records = "Records" }

    public init(records: [Message]) { self.records = records }

    public struct Message: Codable, Sendable {
        public var messageId: String
        public var receiptHandle: String
        public var body: String
        /// `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, `ApproximateFirstReceiveTimestamp`, …
        public var attributes: [String: String]
        public var messageAttributes: [String: MessageAttribute]
        public var md5OfBody: String
        public var eventSource: String
        public var eventSourceARN: String
        public var awsRegion: String

        public init(
            messageId: String, receiptHandle: String, body: String, attributes: [String: String],
            messageAttributes: [String: MessageAttribute] = [:], md5OfBody: String,
            eventSource: String = "aws:sqs", eventSourceARN: String, awsRegion: String
        ) {
            self.messageId = messageId
            self.receiptHandle = receiptHandle
            self.body = body
            self.attributes = attributes
            self.messageAttributes = messageAttributes
            self.md5OfBody = md5OfBody
            self.eventSource = eventSource
            self.eventSourceARN = eventSourceARN
            self.awsRegion = awsRegion
        }

        /// How many times the message has been received, this delivery included.
        public var approximateReceiveCount: Int {
            attributes["ApproximateReceiveCount"].flatMap(Int.init) ?? 1
        }
    }

    public struct MessageAttribute: Codable, Sendable, Equatable {
        public var stringValue: String?
        public var binaryValue: String?
        public var stringListValues: [String]
        public var binaryListValues: [String]
        public var dataType: String

        public init(
            stringValue: String? = nil, binaryValue: String? = nil, stringListValues: [String] = [],
            binaryListValues: [String] = [], dataType: String
        ) {
            self.stringValue = stringValue
            self.binaryValue = binaryValue
            self.stringListValues = stringListValues
            self.binaryListValues = binaryListValues
            self.dataType = dataType
        }
    }
}

/// The partial-batch response of an SQS handler (`ReportBatchItemFailures`): the messages listed
/// return to the queue; the rest are deleted.
public struct SQSBatchResponse: Codable, Sendable, Equatable {
    public struct ItemFailure: Codable, Sendable, Equatable {
        public var itemIdentifier: String
        public init(itemIdentifier: String) { self.itemIdentifier = itemIdentifier }
    }

    public var batchItemFailures: [ItemFailure]

    public init(batchItemFailures: [ItemFailure] = []) { self.batchItemFailures = batchItemFailures }

    public init(failedMessageIDs: [String]) {
        self.batchItemFailures = failedMessageIDs.map(ItemFailure.init(itemIdentifier:))
    }
}
