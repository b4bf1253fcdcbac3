import Foundation
import LocalSQS
import LocalStore
import Testing

/// The AWS JSON 1.0 protocol, operation by operation.
@Suite struct SQSJSONProtocolTests {
    @Test func unknownQueueIsAnAWSErrorWithTheQueryErrorHeader() async throws {
        let store = try makeStore()
        let answer = try await call(store, "GetQueueUrl", ["QueueName": "missing"])
        #expect(answer.status == 400)
        #expect(answer.errorType == "com.amazonaws.sqs#QueueDoesNotExist")
        #expect(answer.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender")
        #expect((answer.body["message"] as? String)?.contains("missing") == true)
    }

    @Test func listQueuesFiltersByPrefix() async throws {
        let store = try makeStore(queues: [
            QueueConfig(name: "jobs"), QueueConfig(name: "jobs-dlq"), QueueConfig(name: "mail"),
        ])
        let all = try await call(store, "ListQueues")
        #expect((all.body["QueueUrls"] as? [String])?.count == 3)
        let jobs = try await call(store, "ListQueues", ["QueueNamePrefix": "jobs"])
        #expect(jobs.body["QueueUrls"] as? [String] == [jobsURL, jobsURL + "-dlq"])
        let paged = try await call(store, "ListQueues", ["MaxResults": 2])
        #expect((paged.body["QueueUrls"] as? [String])?.count == 2)
        let rest = try await call(
            store, "ListQueues", ["MaxResults": 2, "NextToken": try #require(paged.body["NextToken"])])
        #expect(rest.body["QueueUrls"] as? [String] == ["http://127.0.0.1:4566/000000000000/mail"])
        #expect(rest.body["NextToken"] == nil)
        #expect(try await call(store, "ListQueues", ["QueueNamePrefix": "zzz"]).body.isEmpty)
    }

    @Test func getQueueUrlAnswersTheEndpointAccountAndName() async throws {
        let store = try makeStore()
        let answer = try await call(store, "GetQueueUrl", ["QueueName": "jobs"])
        #expect(answer.status == 200)
        #expect(answer.body["QueueUrl"] as? String == jobsURL)
    }

    @Test func createQueueIsIdempotentForTheSameAttributesOnly() async throws {
        let store = try makeStore()
        let created = try await call(
            store, "CreateQueue", ["QueueName": "fetch", "Attributes": ["VisibilityTimeout": "60"]])
        #expect(created.body["QueueUrl"] as? String == "http://127.0.0.1:4566/000000000000/fetch")
        let same = try await call(
            store, "CreateQueue", ["QueueName": "fetch", "Attributes": ["VisibilityTimeout": "60"]])
        #expect(same.status == 200)
        let different = try await call(
            store, "CreateQueue", ["QueueName": "fetch", "Attributes": ["VisibilityTimeout": "61"]])
        #expect(different.errorType == "com.amazonaws.sqs#QueueAlreadyExists")
        let invalid = try await call(store, "CreateQueue", ["QueueName": "bad", "Attributes": ["DelaySeconds": "901"]])
        #expect(invalid.errorType == "com.amazonaws.sqs#InvalidAttributeValue")
        let unknown = try await call(store, "CreateQueue", ["QueueName": "bad", "Attributes": ["Colour": "red"]])
        #expect(unknown.errorType == "com.amazonaws.sqs#InvalidAttributeName")
        let badName = try await call(store, "CreateQueue", ["QueueName": "no spaces"])
        #expect(badName.errorType == "com.amazonaws.sqs#InvalidParameterValue")
        #expect(store.queueNames == ["fetch", "jobs"])
    }

    @Test func deleteQueueRemovesItAndItsMessages() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "gone")
        #expect(try await call(store, "DeleteQueue", ["QueueUrl": jobsURL]).status == 200)
        #expect(store.queueNames.isEmpty)
        #expect(
            try await call(store, "DeleteQueue", ["QueueUrl": jobsURL]).errorType
                == "com.amazonaws.sqs#QueueDoesNotExist")
        _ = try await call(store, "CreateQueue", ["QueueName": "jobs"])
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
    }

    @Test func getQueueAttributesReportsSettingsCountsAndRedrivePolicy() async throws {
        let store = try makeStore(queues: [
            QueueConfig(name: "failures"),
            QueueConfig(
                name: "jobs", visibilityTimeoutSeconds: 120, receiveWaitSeconds: 5,
                redrive: (deadLetterQueue: "failures", maxReceiveCount: 3)),
        ])
        try store.send(queue: "jobs", body: "a")
        try store.send(queue: "jobs", body: "b")
        try store.send(queue: "jobs", body: "c", delaySeconds: 60)
        _ = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        let answer = try await call(store, "GetQueueAttributes", ["QueueUrl": jobsURL, "AttributeNames": ["All"]])
        let attributes = try #require(answer.body["Attributes"] as? [String: String])
        #expect(attributes["VisibilityTimeout"] == "120")
        #expect(attributes["MessageRetentionPeriod"] == "345600")
        #expect(attributes["DelaySeconds"] == "0")
        #expect(attributes["ReceiveMessageWaitTimeSeconds"] == "5")
        #expect(attributes["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:jobs")
        #expect(attributes["ApproximateNumberOfMessages"] == "1")
        #expect(attributes["ApproximateNumberOfMessagesNotVisible"] == "1")
        #expect(attributes["ApproximateNumberOfMessagesDelayed"] == "1")
        #expect(attributes["CreatedTimestamp"].flatMap(Int.init) != nil)
        let policy = try #require(attributes["RedrivePolicy"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(policy.utf8)) as? [String: Any])
        #expect(object["deadLetterTargetArn"] as? String == "arn:aws:sqs:us-east-1:000000000000:failures")
        #expect(object["maxReceiveCount"] as? Int == 3)

        let some = try await call(store, "GetQueueAttributes", ["QueueUrl": jobsURL, "AttributeNames": ["QueueArn"]])
        #expect(some.body["Attributes"] as? [String: String] == ["QueueArn": "arn:aws:sqs:us-east-1:000000000000:jobs"])
        let wrong = try await call(store, "GetQueueAttributes", ["QueueUrl": jobsURL, "AttributeNames": ["Nope"]])
        #expect(wrong.errorType == "com.amazonaws.sqs#InvalidAttributeName")
    }

    @Test func setQueueAttributesChangesSettingsAndRedrive() async throws {
        let store = try makeStore(queues: [QueueConfig(name: "jobs"), QueueConfig(name: "failures")])
        let policy = #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:failures","maxReceiveCount":"1"}"#
        let set = try await call(
            store, "SetQueueAttributes",
            ["QueueUrl": jobsURL, "Attributes": ["VisibilityTimeout": "5", "RedrivePolicy": policy]])
        #expect(set.status == 200)
        let answer = try await call(store, "GetQueueAttributes", ["QueueUrl": jobsURL, "AttributeNames": ["All"]])
        let attributes = try #require(answer.body["Attributes"] as? [String: String])
        #expect(attributes["VisibilityTimeout"] == "5")
        #expect(attributes["RedrivePolicy"]?.contains("\"maxReceiveCount\":1") == true)
        let missingTarget = try await call(
            store, "SetQueueAttributes",
            [
                "QueueUrl": jobsURL,
                "Attributes": [
                    "RedrivePolicy":
                        #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:x","maxReceiveCount":1}"#
                ],
            ])
        #expect(missingTarget.errorType == "com.amazonaws.sqs#InvalidAttributeValue")
    }

    @Test func sendMessageAnswersTheIdAndDigests() async throws {
        let store = try makeStore()
        let answer = try await call(
            store, "SendMessage",
            [
                "QueueUrl": jobsURL, "MessageBody": "hello",
                "MessageAttributes": ["a": ["DataType": "String", "StringValue": "b"]],
            ])
        #expect(answer.status == 200)
        #expect((answer.body["MessageId"] as? String)?.count == 36)
        #expect(answer.body["MD5OfMessageBody"] as? String == "5d41402abc4b2a76b9719d911017c592")
        #expect(answer.body["MD5OfMessageAttributes"] as? String == "bef8bf215374a0a228d67533b1a488be")
        let tooLate = try await call(
            store, "SendMessage", ["QueueUrl": jobsURL, "MessageBody": "x", "DelaySeconds": 901])
        #expect(tooLate.errorType == "com.amazonaws.sqs#InvalidParameterValue")
        let received = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        #expect(received.first?.attributes["SenderId"] == "local")
        let noBody = try await call(store, "SendMessage", ["QueueUrl": jobsURL])
        #expect(noBody.errorType == "com.amazonaws.sqs#MissingParameter")
    }

    @Test func queueCanBeNamedByTheURLPath() async throws {
        let store = try makeStore()
        let answer = try await call(store, "SendMessage", ["QueueUrl": "/000000000000/jobs", "MessageBody": "by path"])
        #expect(answer.status == 200)
        #expect(try store.depth(queue: "jobs").visible == 1)
    }

    @Test func sendMessageBatchReportsEachFailedEntry() async throws {
        let store = try makeStore()
        let answer = try await call(
            store, "SendMessageBatch",
            [
                "QueueUrl": jobsURL,
                "Entries": [
                    ["Id": "ok-1", "MessageBody": "one"],
                    ["Id": "late", "MessageBody": "two", "DelaySeconds": 901],
                    ["Id": "ok-2", "MessageBody": "three"],
                ],
            ])
        #expect(answer.status == 200)
        let successful = try #require(answer.body["Successful"] as? [[String: Any]])
        #expect(successful.compactMap { $0["Id"] as? String } == ["ok-1", "ok-2"])
        #expect(successful.first?["MD5OfMessageBody"] as? String == "f97c5d29941bfb1b2fdab0874906ab82")
        let failed = try #require(answer.body["Failed"] as? [[String: Any]])
        #expect(failed.count == 1)
        #expect(failed.first?["Id"] as? String == "late")
        #expect(failed.first?["Code"] as? String == "InvalidParameterValue")
        #expect(failed.first?["SenderFault"] as? Bool == true)
        #expect(try store.depth(queue: "jobs").visible == 2)
    }

    @Test func malformedBatchesFailTheWholeCall() async throws {
        let store = try makeStore()
        let duplicate = try await call(
            store, "SendMessageBatch",
            ["QueueUrl": jobsURL, "Entries": [["Id": "a", "MessageBody": "1"], ["Id": "a", "MessageBody": "2"]]])
        #expect(duplicate.errorType == "com.amazonaws.sqs#BatchEntryIdsNotDistinct")
        #expect(duplicate.header("x-amzn-query-error") == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct;Sender")
        let eleven = (0..<11).map { ["Id": "m\($0)", "MessageBody": "x"] }
        let tooMany = try await call(store, "SendMessageBatch", ["QueueUrl": jobsURL, "Entries": eleven])
        #expect(tooMany.errorType == "com.amazonaws.sqs#TooManyEntriesInBatchRequest")
        let empty = try await call(store, "SendMessageBatch", ["QueueUrl": jobsURL, "Entries": [[String: Any]]()])
        #expect(empty.errorType == "com.amazonaws.sqs#EmptyBatchRequest")
        let badID = try await call(
            store, "SendMessageBatch", ["QueueUrl": jobsURL, "Entries": [["Id": "a b", "MessageBody": "1"]]])
        #expect(badID.errorType == "com.amazonaws.sqs#InvalidBatchEntryId")
        #expect(try store.depth(queue: "jobs").visible == 0)
    }

    @Test func receiveMessageReturnsOnlyTheRequestedAttributes() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "hello", attributes: ["job.id": .string("j-1"), "other": .string("x")])
        let answer = try await call(
            store, "ReceiveMessage",
            [
                "QueueUrl": jobsURL, "MaxNumberOfMessages": 10,
                "MessageSystemAttributeNames": ["ApproximateReceiveCount"],
                "MessageAttributeNames": ["job.*"],
            ])
        let message = try #require((answer.body["Messages"] as? [[String: Any]])?.first)
        #expect(message["Body"] as? String == "hello")
        #expect(message["MD5OfBody"] as? String == "5d41402abc4b2a76b9719d911017c592")
        #expect(message["ReceiptHandle"] is String)
        #expect(message["Attributes"] as? [String: String] == ["ApproximateReceiveCount": "1"])
        let attributes = try #require(message["MessageAttributes"] as? [String: [String: String]])
        #expect(attributes == ["job.id": ["DataType": "String", "StringValue": "j-1"]])
        #expect(message["MD5OfMessageAttributes"] as? String == SQSStore.md5(of: ["job.id": .string("j-1")]))

        _ = try await call(
            store, "ChangeMessageVisibility",
            [
                "QueueUrl": jobsURL, "ReceiptHandle": message["ReceiptHandle"]!, "VisibilityTimeout": 0,
            ])
        let all = try await call(store, "ReceiveMessage", ["QueueUrl": jobsURL, "AttributeNames": ["All"]])
        let again = try #require((all.body["Messages"] as? [[String: Any]])?.first)
        #expect(
            (again["Attributes"] as? [String: String])?.keys.sorted() == [
                "ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp",
            ])
        // Sent in process, so from the account rather than an access key.
        #expect((again["Attributes"] as? [String: String])?["SenderId"] == "000000000000")
        #expect(again["MessageAttributes"] == nil)
    }

    @Test func receiveMessageChecksItsLimits() async throws {
        let store = try makeStore()
        let tooMany = try await call(store, "ReceiveMessage", ["QueueUrl": jobsURL, "MaxNumberOfMessages": 11])
        #expect(tooMany.errorType == "com.amazonaws.sqs#InvalidParameterValue")
        let tooLong = try await call(store, "ReceiveMessage", ["QueueUrl": jobsURL, "WaitTimeSeconds": 21])
        #expect(tooLong.errorType == "com.amazonaws.sqs#InvalidParameterValue")
        let empty = try await call(store, "ReceiveMessage", ["QueueUrl": jobsURL])
        #expect(empty.status == 200)
        #expect(empty.body.isEmpty)
    }

    @Test func deleteMessageRefusesTheStaleHandleOfARedeliveredMessage() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "x")
        let first = try await receiveOne(store, visibility: 0)
        let second = try await receiveOne(store, visibility: 30)
        let stale = try await call(store, "DeleteMessage", ["QueueUrl": jobsURL, "ReceiptHandle": first])
        #expect(stale.errorType == "com.amazonaws.sqs#ReceiptHandleIsInvalid")
        #expect(try await call(store, "DeleteMessage", ["QueueUrl": jobsURL, "ReceiptHandle": second]).status == 200)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
    }

    @Test func deleteMessageBatchDeletesValidEntriesAndReportsTheRest() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "1")
        try store.send(queue: "jobs", body: "2")
        let received = try await store.receive(queue: "jobs", max: 2, visibilityTimeoutSeconds: 30, waitSeconds: 0)
        let answer = try await call(
            store, "DeleteMessageBatch",
            [
                "QueueUrl": jobsURL,
                "Entries": received.enumerated().map {
                    ["Id": "e\($0.offset)", "ReceiptHandle": $0.element.receiptHandle]
                }
                    + [["Id": "bad", "ReceiptHandle": "not-a-handle"]],
            ])
        #expect((answer.body["Successful"] as? [[String: Any]])?.compactMap { $0["Id"] as? String } == ["e0", "e1"])
        let failed = try #require(answer.body["Failed"] as? [[String: Any]])
        #expect(failed.first?["Id"] as? String == "bad")
        #expect(failed.first?["Code"] as? String == "ReceiptHandleIsInvalid")
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
    }

    @Test func changeMessageVisibilityBatchRetimesEachEntry() async throws {
        let store = try makeStore(scale: 1)
        try store.send(queue: "jobs", body: "1")
        try store.send(queue: "jobs", body: "2")
        let received = try await store.receive(queue: "jobs", max: 2, visibilityTimeoutSeconds: 600, waitSeconds: 0)
        let answer = try await call(
            store, "ChangeMessageVisibilityBatch",
            [
                "QueueUrl": jobsURL,
                "Entries": [
                    ["Id": "now", "ReceiptHandle": received[0].receiptHandle, "VisibilityTimeout": 0],
                    ["Id": "huge", "ReceiptHandle": received[1].receiptHandle, "VisibilityTimeout": 50_000],
                ],
            ])
        #expect((answer.body["Successful"] as? [[String: Any]])?.first?["Id"] as? String == "now")
        #expect((answer.body["Failed"] as? [[String: Any]])?.first?["Code"] as? String == "InvalidParameterValue")
        #expect(try store.depth(queue: "jobs") == (visible: 1, inFlight: 1, delayed: 0))
    }

    @Test func changeMessageVisibilityRequiresATimeout() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "1")
        let handle = try await receiveOne(store, visibility: 30)
        let missing = try await call(store, "ChangeMessageVisibility", ["QueueUrl": jobsURL, "ReceiptHandle": handle])
        #expect(missing.errorType == "com.amazonaws.sqs#MissingParameter")
    }

    @Test func purgeQueueEmptiesIt() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "1")
        #expect(try await call(store, "PurgeQueue", ["QueueUrl": jobsURL]).status == 200)
        #expect(try store.depth(queue: "jobs").visible == 0)
    }

    @Test func unknownOperationAndMalformedBodyAreSenderErrors() async throws {
        let store = try makeStore()
        #expect(try await call(store, "TeleportMessage").errorType == "com.amazonaws.sqs#InvalidAction")
        let request = ServiceRequest(
            method: "POST", rawPath: "/", query: [], headers: [("X-Amz-Target", "AmazonSQS.ListQueues")],
            body: .bytes(Array("not json".utf8)), accessKeyID: "local")
        #expect(await store.handle(request).status == 400)
    }

    private func receiveOne(_ store: SQSStore, visibility: Int) async throws -> String {
        let answer = try await call(store, "ReceiveMessage", ["QueueUrl": jobsURL, "VisibilityTimeout": visibility])
        let message = try #require((answer.body["Messages"] as? [[String: Any]])?.first)
        return try #require(message["ReceiptHandle"] as? String)
    }
}
