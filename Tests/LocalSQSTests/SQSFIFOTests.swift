import Foundation
import LocalSQS
import LocalStore
import Testing

/// FIFO queues: message groups handed out in order, one message of a group in flight at a time, and
/// deduplication within a five-minute window (AWS seconds, scaled like every other timer).
@Suite struct SQSFIFOTests {
    static let queue = "jobs.fifo"

    func store(
        visibility: Int = 30, contentBased: Bool = false, redrive: (String, Int)? = nil, scale: Double = 0.01,
        path: String? = nil
    ) throws -> SQSStore {
        var queues = [
            QueueConfig(
                name: Self.queue, visibilityTimeoutSeconds: visibility, redrive: redrive, fifo: true,
                contentBasedDeduplication: contentBased)
        ]
        if let redrive { queues.append(QueueConfig(name: redrive.0, fifo: true)) }
        return try makeStore(queues: queues, scale: scale, path: path)
    }

    func receive(_ store: SQSStore, max: Int = 1, queue: String = queue) async throws -> [SQSStore.Message] {
        try await store.receive(queue: queue, max: max, visibilityTimeoutSeconds: nil, waitSeconds: 0)
    }

    @Test func aGroupWaitsForItsMessageInFlightWhileOtherGroupsGoOn() async throws {
        let store = try store()
        for (group, body) in [("a", "a1"), ("b", "b1"), ("a", "a2"), ("b", "b2"), ("c", "c1")] {
            try store.send(queue: Self.queue, body: body, groupID: group, deduplicationID: body)
        }
        let a1 = try #require(try await receive(store).first)
        #expect(a1.body == "a1")
        #expect(a1.attributes["MessageGroupId"] == "a")
        #expect(a1.attributes["MessageDeduplicationId"] == "a1")
        // Several at once come in send order, skipping the groups that wait.
        let more = try await receive(store, max: 10)
        #expect(more.map(\.body) == ["b1", "b2", "c1"])
        #expect(try await receive(store, max: 10).isEmpty)
        try store.delete(queue: Self.queue, receiptHandle: a1.receiptHandle)
        #expect(try await receive(store, max: 10).map(\.body) == ["a2"])
    }

    @Test func aMessageBackFromItsVisibilityTimeoutComesBeforeTheRestOfItsGroup() async throws {
        // 30 AWS seconds last 0.3 s at this scale.
        let store = try store(visibility: 30)
        try store.send(queue: Self.queue, body: "first", groupID: "g", deduplicationID: "1")
        try store.send(queue: Self.queue, body: "second", groupID: "g", deduplicationID: "2")
        let first = try #require(try await receive(store).first)
        #expect(try await receive(store).isEmpty)
        try await pause(0.4)
        let again = try #require(try await receive(store).first)
        #expect(again.messageID == first.messageID)
        #expect(again.receiveCount == 2)
    }

    @Test func sequenceNumbersIncreaseInSendOrder() async throws {
        let store = try store()
        for index in 0..<12 {
            try store.send(queue: Self.queue, body: "m\(index)", groupID: "g\(index % 3)", deduplicationID: "m\(index)")
        }
        var numbers: [String] = []
        while true {
            let batch = try await receive(store, max: 10)
            if batch.isEmpty { break }
            for message in batch {
                numbers.append(try #require(message.attributes["SequenceNumber"]))
                try store.delete(queue: Self.queue, receiptHandle: message.receiptHandle)
            }
        }
        #expect(numbers.count == 12)
        #expect(numbers.allSatisfy { $0.count == 20 })
        #expect(numbers == numbers.sorted())
    }

    @Test func aRepeatedSendWithinTheWindowIsAcceptedOnceAndQueuedAgainAfterIt() async throws {
        // The five-minute window lasts 0.3 s at this scale.
        let store = try store(scale: 0.001)
        let first = try store.send(queue: Self.queue, body: "one", groupID: "g", deduplicationID: "job-1")
        let repeated = try store.send(queue: Self.queue, body: "one, again", groupID: "g", deduplicationID: "job-1")
        #expect(repeated == first)
        #expect(try store.depth(queue: Self.queue).visible == 1)
        try await pause(0.4)
        let later = try store.send(queue: Self.queue, body: "one, later", groupID: "g", deduplicationID: "job-1")
        #expect(later != first)
        #expect(try store.depth(queue: Self.queue).visible == 2)
    }

    @Test func contentBasedDeduplicationUsesTheBody() async throws {
        let store = try store(contentBased: true)
        let first = try store.send(queue: Self.queue, body: "same", groupID: "g")
        #expect(try store.send(queue: Self.queue, body: "same", groupID: "h") == first)
        #expect(try store.send(queue: Self.queue, body: "other", groupID: "g") != first)
        // An explicit id wins over the content.
        #expect(try store.send(queue: Self.queue, body: "same", groupID: "g", deduplicationID: "explicit") != first)
        #expect(try store.depth(queue: Self.queue).visible == 3)
    }

    @Test func deduplicationScopedToTheMessageGroupKeepsEachGroupsCopy() async throws {
        let store = try store()
        let url = "http://127.0.0.1:4566/000000000000/\(Self.queue)"
        let set = try await call(
            store, "SetQueueAttributes", ["QueueUrl": url, "Attributes": ["DeduplicationScope": "messageGroup"]])
        #expect(set.status == 200)
        let a = try store.send(queue: Self.queue, body: "x", groupID: "a", deduplicationID: "same")
        let b = try store.send(queue: Self.queue, body: "x", groupID: "b", deduplicationID: "same")
        #expect(a != b)
        #expect(try store.send(queue: Self.queue, body: "x", groupID: "a", deduplicationID: "same") == a)
        let received = try await receive(store, max: 10)
        #expect(received.map(\.attributes["MessageDeduplicationId"]) == ["same", "same"])
    }

    @Test func deduplicationSurvivesReopeningTheStore() async throws {
        let path = temporaryDatabasePath()
        let first = try store(path: path).send(queue: Self.queue, body: "x", groupID: "g", deduplicationID: "d")
        let reopened = try store(path: path)
        #expect(try reopened.send(queue: Self.queue, body: "x", groupID: "g", deduplicationID: "d") == first)
        #expect(try reopened.depth(queue: Self.queue).visible == 1)
    }

    @Test func repeatedlyFailedMessageMovesToTheFIFODeadLetterQueueAndFreesItsGroup() async throws {
        let store = try store(visibility: 10, redrive: ("dead.fifo", 1))
        try store.send(queue: Self.queue, body: "poison", groupID: "g", deduplicationID: "1")
        try store.send(queue: Self.queue, body: "next", groupID: "g", deduplicationID: "2")
        #expect(try await receive(store).first?.body == "poison")
        try await pause(0.15)
        // Its second receive would pass maxReceiveCount: it moves, and the group goes on.
        #expect(try await receive(store).first?.body == "next")
        let dead = try await receive(store, queue: "dead.fifo")
        #expect(dead.map(\.body) == ["poison"])
    }

    @Test func sendsAFIFOQueueRefusesSayWhy() async throws {
        let store = try store()
        let answers: [(String, [String: Any], String)] = [
            ("no group", ["MessageBody": "x", "MessageDeduplicationId": "d"], "MissingParameter"),
            ("no deduplication id", ["MessageBody": "x", "MessageGroupId": "g"], "InvalidParameterValue"),
            (
                "a per-message delay",
                ["MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "d", "DelaySeconds": 5],
                "InvalidParameterValue"
            ),
            (
                "a group id with a space",
                ["MessageBody": "x", "MessageGroupId": "a b", "MessageDeduplicationId": "d"],
                "InvalidParameterValue"
            ),
            (
                "a deduplication id over 128 characters",
                [
                    "MessageBody": "x", "MessageGroupId": "g",
                    "MessageDeduplicationId": String(repeating: "d", count: 129),
                ], "InvalidParameterValue"
            ),
        ]
        for (label, input, code) in answers {
            var request = input
            request["QueueUrl"] = "http://127.0.0.1:4566/000000000000/\(Self.queue)"
            let answer = try await call(store, "SendMessage", request)
            #expect(answer.status == 400, "\(label)")
            #expect(answer.errorType?.hasSuffix(code) == true, "\(label): \(answer.body)")
        }
        #expect(try store.depth(queue: Self.queue).visible == 0)
        let standard = try makeStore()
        let refused = try await call(
            standard, "SendMessage", ["QueueUrl": jobsURL, "MessageBody": "x", "MessageDeduplicationId": "d"])
        #expect(refused.status == 400)
    }

    @Test func sendAnswersTheSequenceNumberAndBatchEntriesCarryTheirIds() async throws {
        let store = try store()
        let url = "http://127.0.0.1:4566/000000000000/\(Self.queue)"
        let sent = try await call(
            store, "SendMessage",
            ["QueueUrl": url, "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "d"])
        #expect((sent.body["SequenceNumber"] as? String)?.count == 20)
        let batch = try await call(
            store, "SendMessageBatch",
            [
                "QueueUrl": url,
                "Entries": [
                    ["Id": "1", "MessageBody": "y", "MessageGroupId": "g", "MessageDeduplicationId": "e"],
                    ["Id": "2", "MessageBody": "z", "MessageDeduplicationId": "f"],
                ],
            ])
        let successful = batch.body["Successful"] as? [[String: Any]] ?? []
        let failed = batch.body["Failed"] as? [[String: Any]] ?? []
        #expect(successful.map { $0["Id"] as? String } == ["1"])
        #expect(successful.first?["SequenceNumber"] as? String != nil)
        #expect(failed.map { $0["Id"] as? String } == ["2"])
        let attributes = try await call(
            store, "GetQueueAttributes", ["QueueUrl": url, "AttributeNames": ["All"]])
        let values = attributes.body["Attributes"] as? [String: String] ?? [:]
        #expect(values["FifoQueue"] == "true")
        #expect(values["ContentBasedDeduplication"] == "false")
    }
}
