import Foundation
import Testing

@testable import Cloud

/// The SQS client against moto server and the emulator.
@Suite struct SQSClientTests {

    @Test(arguments: Backend.allCases)
    func sendReceiveDeleteCarriesBodyAttributesAndReceiveCount(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(name: uniqueName("fetch"), attributes: ["VisibilityTimeout": "30"])

        let sent = try sqs.sendMessage(
            queueURL: queueURL, body: #"{"jobId":"j1"}"#, attributes: ["stage": .init(string: "fetch")])
        #expect(sent.md5OfMessageBody == "c50e6ee4a29a63d6d0b8d93f0e0ac83a" || sent.md5OfMessageBody.count == 32)
        let messages = try sqs.receiveMessages(queueURL: queueURL, maxMessages: 10, waitSeconds: 1)
        try #require(messages.count == 1)
        #expect(messages[0].messageID == sent.messageID)
        #expect(messages[0].body == #"{"jobId":"j1"}"#)
        #expect(messages[0].receiveCount == 1)
        #expect(messages[0].messageAttributes["stage"]?.stringValue == "fetch")
        try sqs.deleteMessage(queueURL: queueURL, receiptHandle: messages[0].receiptHandle)
        #expect(try sqs.receiveMessages(queueURL: queueURL, waitSeconds: 0).isEmpty)
    }

    @Test(arguments: Backend.allCases)
    func visibilityChangeRedeliversWithARisingReceiveCount(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(name: uniqueName("fetch"), attributes: ["VisibilityTimeout": "30"])

        _ = try sqs.sendMessage(queueURL: queueURL, body: "again")
        let first = try #require(try sqs.receiveMessages(queueURL: queueURL).first)
        try sqs.changeMessageVisibility(queueURL: queueURL, receiptHandle: first.receiptHandle, timeout: 0)
        let second = try #require(try sqs.receiveMessages(queueURL: queueURL, waitSeconds: 1).first)
        #expect(second.messageID == first.messageID)
        #expect(second.receiveCount == 2)
    }

    @Test(arguments: Backend.allCases)
    func batchSendReportsPartialFailures(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(name: uniqueName("fetch"), attributes: ["VisibilityTimeout": "30"])

        let result = try sqs.sendMessageBatch(
            queueURL: queueURL,
            entries: [
                .init(id: "ok-1", body: "one"), .init(id: "too-late", body: "two", delaySeconds: 1000),
                .init(id: "ok-2", body: "three"),
            ])
        #expect(Set(result.successful.map(\.id)) == ["ok-1", "ok-2"])
        try #require(result.failed.count == 1)
        #expect(result.failed[0].id == "too-late")
        #expect(result.failed[0].senderFault)
    }

    @Test(arguments: Backend.allCases)
    func queueURLAndAttributesAndMissingQueueError(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(name: uniqueName("fetch"), attributes: ["VisibilityTimeout": "30"])

        let name = String(queueURL.split(separator: "/").last!)
        #expect(try sqs.getQueueURL(name: name) == queueURL)
        let attributes = try sqs.getQueueAttributes(url: queueURL)
        #expect(attributes["VisibilityTimeout"] == "30")
        #expect(attributes["ApproximateNumberOfMessages"] != nil)
        #expect { try sqs.getQueueURL(name: uniqueName("absent")) } throws: {
            let error = $0 as? AWSError
            return error?.code == "QueueDoesNotExist" || error?.code == "AWS.SimpleQueueService.NonExistentQueue"
        }
    }

    @Test(arguments: Backend.allCases)
    func fifoQueueHandsOutEachGroupInOrderOneMessageAtATime(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(
            name: uniqueName("jobs") + ".fifo", attributes: ["FifoQueue": "true", "VisibilityTimeout": "30"])
        for (group, body) in [("a", "a1"), ("a", "a2"), ("b", "b1")] {
            _ = try sqs.sendMessage(queueURL: queueURL, body: body, messageGroupID: group, deduplicationID: body)
        }
        let first = try #require(try sqs.receiveMessages(queueURL: queueURL).first)
        #expect(first.body == "a1")
        #expect(first.attributes["MessageGroupId"] == "a")
        // Group a waits for a1; group b goes on.
        let second = try #require(try sqs.receiveMessages(queueURL: queueURL).first)
        #expect(second.body == "b1")
        #expect(try sqs.receiveMessages(queueURL: queueURL).isEmpty)
        try sqs.deleteMessage(queueURL: queueURL, receiptHandle: first.receiptHandle)
        #expect(try sqs.receiveMessages(queueURL: queueURL).first?.body == "a2")
    }

    @Test(arguments: Backend.allCases)
    func fifoQueueAcceptsARepeatedSendOnce(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(
            name: uniqueName("jobs") + ".fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
        let sent = try sqs.sendMessage(queueURL: queueURL, body: "job-1", messageGroupID: "u1", deduplicationID: "d1")
        let again = try sqs.sendMessage(
            queueURL: queueURL, body: "job-1 again", messageGroupID: "u1", deduplicationID: "d1")
        // AWS answers a duplicate with the first message's id; moto 5 makes up a new one (and queues
        // nothing), so only the emulator is held to it.
        if backend == .emulator { #expect(again.messageID == sent.messageID) }
        #expect(sent.sequenceNumber?.isEmpty == false)
        // By content: the same body twice is one message.
        let byContent = try sqs.sendMessage(queueURL: queueURL, body: "job-2", messageGroupID: "u2")
        let sameContent = try sqs.sendMessage(queueURL: queueURL, body: "job-2", messageGroupID: "u2")
        if backend == .emulator { #expect(sameContent.messageID == byContent.messageID) }
        let received = try sqs.receiveMessages(queueURL: queueURL, maxMessages: 10)
        #expect(received.map(\.body).sorted() == ["job-1", "job-2"])
        #expect(Set(received.map(\.messageID)) == [sent.messageID, byContent.messageID])
    }

    @Test(arguments: Backend.allCases)
    func fifoSendsWithoutTheirIdsAreRefused(_ backend: Backend) throws {
        let sqs = try SQSClient(configuration: backend.configuration())
        let queueURL = try sqs.createQueue(name: uniqueName("jobs") + ".fifo", attributes: ["FifoQueue": "true"])
        #expect(throws: AWSError.self) { try sqs.sendMessage(queueURL: queueURL, body: "x", deduplicationID: "d") }
        #expect(throws: AWSError.self) { try sqs.sendMessage(queueURL: queueURL, body: "x", messageGroupID: "g") }
        // AWS refuses a deduplication id on a standard queue (InvalidParameterValue); moto 5 accepts it.
        if backend == .emulator {
            let standard = try sqs.createQueue(name: uniqueName("jobs"))
            #expect(throws: AWSError.self) {
                try sqs.sendMessage(queueURL: standard, body: "x", deduplicationID: "d")
            }
        }
    }
}
