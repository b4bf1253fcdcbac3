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
}
