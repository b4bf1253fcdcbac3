import Foundation
import LocalSQS
import LocalStore
import Testing

@Suite struct SQSDurabilityTests {
    @Test func reopenedStoreSeesTheSameQueuesAndMessages() async throws {
        let path = temporaryDatabasePath()
        let templateQueues = [QueueConfig(name: "jobs", visibilityTimeoutSeconds: 30)]
        var inFlightID = ""
        do {
            let store = try makeStore(queues: templateQueues, scale: 0.01, path: path)
            _ = try await call(store, "CreateQueue", ["QueueName": "made-by-api", "Attributes": ["DelaySeconds": "5"]])
            inFlightID = try store.send(queue: "jobs", body: "in flight")
            _ = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 0)
            try store.send(
                queue: "jobs", body: "waiting", attributes: ["n": .init(dataType: "Number", stringValue: "7")])
        }
        let store = try makeStore(queues: templateQueues, scale: 0.01, path: path)
        #expect(store.queueNames == ["jobs", "made-by-api"])
        let attributes = try await call(
            store, "GetQueueAttributes", ["QueueUrl": "/000000000000/made-by-api", "AttributeNames": ["DelaySeconds"]])
        #expect(attributes.body["Attributes"] as? [String: String] == ["DelaySeconds": "5"])
        let waiting = try await store.receive(queue: "jobs", max: 10, visibilityTimeoutSeconds: nil, waitSeconds: 0)
        #expect(waiting.map(\.body) == ["waiting"])
        #expect(waiting.first?.messageAttributes["n"]?.stringValue == "7")
        // The in-flight message shows again when its visibility timeout passes, as on AWS.
        let redelivered = try await store.receive(queue: "jobs", max: 1, visibilityTimeoutSeconds: nil, waitSeconds: 60)
        #expect(redelivered.first?.messageID == inFlightID)
        #expect(redelivered.first?.receiveCount == 2)
    }

    @Test func templateQueueSettingsReplaceStoredOnesButKeepMessages() async throws {
        let path = temporaryDatabasePath()
        do {
            let store = try makeStore(queues: [QueueConfig(name: "jobs", visibilityTimeoutSeconds: 30)], path: path)
            try store.send(queue: "jobs", body: "kept")
        }
        let store = try makeStore(queues: [QueueConfig(name: "jobs", visibilityTimeoutSeconds: 90)], path: path)
        let answer = try await call(
            store, "GetQueueAttributes", ["QueueUrl": jobsURL, "AttributeNames": ["VisibilityTimeout"]])
        #expect(answer.body["Attributes"] as? [String: String] == ["VisibilityTimeout": "90"])
        #expect(try store.depth(queue: "jobs").visible == 1)
    }
}
