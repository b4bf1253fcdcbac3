import Foundation
import LocalSQS
import LocalStore
import Testing

/// The in-process API the emulator's event-source mappings and destinations use.
@Suite struct SQSStoreTests {
    @Test func sentMessageIsReceivedWithItsSystemAndMessageAttributes() async throws {
        let store = try makeStore()
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let id = try store.send(queue: "jobs", body: "hello", attributes: ["job.id": .string("j-1")])
        let messages = try await store.receive(queue: "jobs", max: 10, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        let message = try #require(messages.first)
        #expect(messages.count == 1)
        #expect(message.messageID == id)
        #expect(message.body == "hello")
        #expect(message.md5OfBody == "5d41402abc4b2a76b9719d911017c592")
        #expect(message.receiveCount == 1)
        #expect(message.attributes["SenderId"] == "000000000000")
        let sent = try #require(message.attributes["SentTimestamp"].flatMap(Int64.init))
        #expect(sent >= before - 1)
        #expect(message.attributes["ApproximateFirstReceiveTimestamp"].flatMap(Int64.init).map { $0 >= sent } == true)
        #expect(message.messageAttributes == ["job.id": .string("j-1")])
    }

    @Test func receivedMessageIsHiddenUntilItsVisibilityTimeoutThenRedeliveredWithARisingReceiveCount() async throws {
        // 30 AWS seconds at TIME_SCALE 0.01 last 0.3 s.
        let store = try makeStore(queues: [QueueConfig(name: "jobs", visibilityTimeoutSeconds: 30)], scale: 0.01)
        try store.send(queue: "jobs", body: "work")
        let clock = ContinuousClock()
        let start = clock.now
        let first = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        #expect(first.first?.receiveCount == 1)
        #expect(try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0).isEmpty)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 1, delayed: 0))
        // A long poll (60 AWS seconds, 0.6 s here) ends when the message shows again.
        let second = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 60)
        let elapsed = start.duration(to: clock.now)
        #expect(elapsed >= .milliseconds(290))
        #expect(second.first?.messageID == first.first?.messageID)
        #expect(second.first?.receiveCount == 2)
        #expect(second.first?.receiptHandle != first.first?.receiptHandle)
        #expect(
            second.first?.attributes["ApproximateFirstReceiveTimestamp"]
                == first.first?.attributes["ApproximateFirstReceiveTimestamp"])
    }

    @Test func deletedMessageIsNeverRedelivered() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "once")
        let message = try #require(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 0, waitSeconds: 0).first)
        try store.delete(queue: "jobs", receiptHandle: message.receiptHandle)
        #expect(try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0).isEmpty)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
        // Deleting again is not an error, as on AWS.
        try store.delete(queue: "jobs", receiptHandle: message.receiptHandle)
    }

    @Test func staleReceiptHandleOfARedeliveredMessageIsRefused() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "twice")
        let first = try #require(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 0, waitSeconds: 0).first)
        let second = try #require(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 30, waitSeconds: 0).first)
        #expect(throws: SQSError.receiptHandleIsInvalid(first.receiptHandle)) {
            try store.delete(queue: "jobs", receiptHandle: first.receiptHandle)
        }
        #expect(throws: SQSError.receiptHandleIsInvalid("garbage")) {
            try store.delete(queue: "jobs", receiptHandle: "garbage")
        }
        try store.delete(queue: "jobs", receiptHandle: second.receiptHandle)
    }

    @Test func messageMovesToTheDeadLetterQueueOnceItWouldExceedMaxReceiveCount() async throws {
        let store = try makeStore(queues: [
            QueueConfig(name: "failures"),
            QueueConfig(name: "jobs", redrive: (deadLetterQueue: "failures", maxReceiveCount: 2)),
        ])
        let id = try store.send(queue: "jobs", body: "poison", attributes: ["job.id": .string("j-9")])
        var sentTimestamp: String?
        for expected in 1...2 {
            let message = try #require(
                try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 0, waitSeconds: 0).first)
            #expect(message.receiveCount == expected)
            sentTimestamp = message.attributes["SentTimestamp"]
        }
        #expect(try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 0, waitSeconds: 0).isEmpty)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
        let dead = try #require(
            try await store.receive(queue: "failures", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0).first)
        #expect(dead.messageID == id)
        #expect(dead.body == "poison")
        #expect(dead.messageAttributes == ["job.id": .string("j-9")])
        #expect(dead.attributes["SentTimestamp"] == sentTimestamp)
        #expect(dead.receiveCount == 1)
    }

    @Test func delayedMessageStaysHiddenUntilItsDelayPasses() async throws {
        let store = try makeStore(scale: 0.01)
        try store.send(queue: "jobs", body: "later", delaySeconds: 30)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 1))
        #expect(try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0).isEmpty)
        try await pause(0.4)
        #expect(try store.depth(queue: "jobs") == (visible: 1, inFlight: 0, delayed: 0))
        #expect(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0).count == 1)
    }

    @Test func queueDelayAppliesWhenTheMessageSetsNone() async throws {
        let store = try makeStore(queues: [QueueConfig(name: "jobs", delaySeconds: 900)])
        try store.send(queue: "jobs", body: "queue delay")
        try store.send(queue: "jobs", body: "no delay", delaySeconds: 0)
        #expect(try store.depth(queue: "jobs") == (visible: 1, inFlight: 0, delayed: 1))
        #expect(throws: SQSError.self) { try store.send(queue: "jobs", body: "x", delaySeconds: 901) }
    }

    @Test func changingVisibilityToZeroMakesTheMessageVisibleAtOnce() async throws {
        let store = try makeStore(scale: 1)
        try store.send(queue: "jobs", body: "retry me")
        let message = try #require(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 600, waitSeconds: 0).first)
        try store.changeVisibility(queue: "jobs", receiptHandle: message.receiptHandle, timeoutSeconds: 0)
        let again = try #require(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 0, waitSeconds: 0).first)
        #expect(again.receiveCount == 2)
        #expect(throws: SQSError.messageNotInflight()) {
            try store.changeVisibility(queue: "jobs", receiptHandle: again.receiptHandle, timeoutSeconds: 10)
        }
        #expect(throws: SQSError.receiptHandleIsInvalid(message.receiptHandle)) {
            try store.changeVisibility(queue: "jobs", receiptHandle: message.receiptHandle, timeoutSeconds: 10)
        }
    }

    @Test func changingVisibilityExtendsTheHiddenTime() async throws {
        let store = try makeStore(scale: 0.01)
        try store.send(queue: "jobs", body: "slow work")
        let message = try #require(
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: 10, waitSeconds: 0).first)
        try store.changeVisibility(queue: "jobs", receiptHandle: message.receiptHandle, timeoutSeconds: 600)
        try await pause(0.2)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 1, delayed: 0))
    }

    @Test func messagesOlderThanTheRetentionPeriodDisappear() async throws {
        let store = try makeStore(queues: [QueueConfig(name: "jobs", messageRetentionSeconds: 60)], scale: 0.005)
        try store.send(queue: "jobs", body: "short-lived")
        #expect(try store.depth(queue: "jobs").visible == 1)
        try await pause(0.4)
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
        #expect(try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0).isEmpty)
    }

    @Test func receiveReturnsAtMostTheRequestedNumberInSendOrder() async throws {
        let store = try makeStore()
        for index in 0..<12 { try store.send(queue: "jobs", body: "m\(index)") }
        let first = try await store.receive(queue: "jobs", max: 10, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        #expect(first.map(\.body) == (0..<10).map { "m\($0)" })
        let rest = try await store.receive(queue: "jobs", max: 10, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        #expect(rest.map(\.body) == ["m10", "m11"])
    }

    @Test func purgeRemovesEveryMessage() async throws {
        let store = try makeStore()
        try store.send(queue: "jobs", body: "a")
        try store.send(queue: "jobs", body: "b", delaySeconds: 100)
        try store.purge(queue: "jobs")
        #expect(try store.depth(queue: "jobs") == (visible: 0, inFlight: 0, delayed: 0))
    }

    @Test func unknownQueueIsReported() async throws {
        let store = try makeStore()
        #expect(throws: SQSError.queueDoesNotExist("nope")) { try store.send(queue: "nope", body: "x") }
        await #expect(throws: SQSError.queueDoesNotExist("nope")) {
            try await store.receive(queue: "nope", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        }
        #expect(store.queueNames == ["jobs"])
    }
}
