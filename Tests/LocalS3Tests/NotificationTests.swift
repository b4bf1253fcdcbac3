import LocalStore
import Synchronization
import Testing

@testable import LocalS3

@Suite struct NotificationTests {
    @Test func eachWriteQueuesOneEventInOrderWithIncreasingSequencers() throws {
        let s3 = try S3Fixture()
        let calls = Atomic<Int>(0)
        s3.store.onNotification = { calls.add(1, ordering: .relaxed) }
        s3.put("/media/uploads/a", "aaa", headers: [("x-forwarded-for", "10.1.2.3")])
        s3.put("/media/uploads/b", "b")
        s3.put("/media/uploads/a", "again")
        s3.send("PUT", "/media/c", headers: [("x-amz-copy-source", "/media/uploads/b")])
        s3.put("/media/uploads/a", "refused", headers: [("if-none-match", "*")])
        s3.send("GET", "/media/uploads/a")
        s3.send("DELETE", "/media/uploads/b")

        let events = try s3.store.pendingNotifications(limit: 100)
        #expect(events.map(\.key) == ["uploads/a", "uploads/b", "uploads/a", "c"])
        #expect(
            events.map(\.eventName) == [
                "ObjectCreated:Put", "ObjectCreated:Put", "ObjectCreated:Put", "ObjectCreated:Copy",
            ])
        #expect(events.map(\.size) == [3, 1, 5, 1])
        #expect(events[0].eTag == "47bce5c74f589f4867dbd57e9ca9f808")
        #expect(events[0].sourceIP == "10.1.2.3")
        #expect(events[1].sourceIP == "127.0.0.1")
        #expect(events.allSatisfy { $0.bucket == "media" })
        let sequencers = events.map(\.sequencer)
        #expect(sequencers.allSatisfy { $0.count == 16 && $0 == $0.uppercased() && UInt64($0, radix: 16) != nil })
        #expect(sequencers == sequencers.sorted() && Set(sequencers).count == sequencers.count)
        #expect(calls.load(ordering: .relaxed) == 4)
    }

    @Test func deliveredEventsLeaveTheQueue() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a", "a")
        s3.put("/media/b", "b")
        let first = try #require(try s3.store.pendingNotifications(limit: 1).first)
        #expect(first.key == "a")
        try s3.store.markDelivered(first.id)
        try s3.store.markDelivered(first.id)
        #expect(try s3.store.pendingNotifications(limit: 10).map(\.key) == ["b"])
    }

    @Test func objectsAndPendingEventsSurviveReopeningTheStore() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a", "alpha")
        s3.put("/media/b", "beta")
        let before = try s3.store.pendingNotifications(limit: 10)
        try s3.store.markDelivered(before[0].id)

        try s3.reopen()
        let after = try s3.store.pendingNotifications(limit: 10)
        #expect(after == Array(before.dropFirst()))
        #expect(s3.send("GET", "/media/a").text == "alpha")
        #expect(s3.send("GET", "/media/b").text == "beta")

        s3.put("/media/c", "gamma")
        let next = try s3.store.pendingNotifications(limit: 10)
        #expect(next.map(\.key) == ["b", "c"])
        #expect(next[1].sequencer > next[0].sequencer)
    }

    @Test func reopeningRemovesFilesNoRowNames() throws {
        let s3 = try S3Fixture()
        s3.put("/media/kept", "kept")
        // What a crash between placing a file and committing its row leaves behind.
        let orphan = try s3.store.files.newPath(bucket: "media", key: "lost")
        try s3.store.files.store(Array("lost".utf8), at: orphan)
        #expect(s3.objectFiles().count == 2)
        try s3.reopen()
        #expect(s3.objectFiles().count == 1)
        #expect(s3.send("GET", "/media/kept").text == "kept")
    }
}
