import Foundation
import LocalSQS
import Testing

@Suite struct SQSLongPollTests {
    @Test func longPollReturnsAsSoonAsAMessageIsSent() async throws {
        let store = try makeStore(scale: 1)
        let clock = ContinuousClock()
        let start = clock.now
        async let received = store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 20)
        try await pause(0.2)
        try store.send(queue: "jobs", body: "arrived")
        let messages = try await received
        #expect(messages.map(\.body) == ["arrived"])
        #expect(start.duration(to: clock.now) < .seconds(5))
    }

    @Test func longPollReturnsEmptyWhenTheWaitEnds() async throws {
        // 20 AWS seconds at TIME_SCALE 0.01: 0.2 s.
        let store = try makeStore(scale: 0.01)
        let clock = ContinuousClock()
        let start = clock.now
        let messages = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 20)
        let elapsed = start.duration(to: clock.now)
        #expect(messages.isEmpty)
        #expect(elapsed >= .milliseconds(190))
        #expect(elapsed < .seconds(3))
    }

    @Test func longPollReturnsADelayedMessageOnceItsDelayPasses() async throws {
        let store = try makeStore(scale: 0.01)
        try store.send(queue: "jobs", body: "delayed", delaySeconds: 20)
        let clock = ContinuousClock()
        let start = clock.now
        let messages = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 20)
        #expect(messages.map(\.body) == ["delayed"])
        #expect(start.duration(to: clock.now) >= .milliseconds(150))
    }

    @Test func longPollIgnoresMessagesSentToOtherQueues() async throws {
        let store = try makeStore(queues: [QueueConfig(name: "jobs"), QueueConfig(name: "other")], scale: 0.01)
        async let received = store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 20)
        try await pause(0.05)
        try store.send(queue: "other", body: "not for jobs")
        #expect(try await received.isEmpty)
        #expect(try store.depth(queue: "other").visible == 1)
    }

    @Test func cancellingALongPollEndsItEmpty() async throws {
        let store = try makeStore(scale: 1)
        let task = Task {
            try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 20)
        }
        try await pause(0.1)
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        #expect(try await task.value.isEmpty)
        #expect(start.duration(to: clock.now) < .seconds(2))
    }

    @Test func manyWaitersEachGetADifferentMessage() async throws {
        let store = try makeStore(scale: 1)
        let bodies = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 5)
                        .map(\.body)
                }
            }
            try await pause(0.1)
            for index in 0..<4 { try store.send(queue: "jobs", body: "m\(index)") }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(bodies.sorted() == ["m0", "m1", "m2", "m3"])
    }
}
