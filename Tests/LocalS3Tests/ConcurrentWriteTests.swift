import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalS3

@Suite struct ConcurrentWriteTests {
    @Test func concurrentOverwritesOfOneKeyLeaveOneConsistentObject() throws {
        let s3 = try S3Fixture()
        let store = s3.store
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            _ = store.handle(
                ServiceRequest(
                    method: "PUT", rawPath: "/media/shared", query: [], headers: [],
                    body: .bytes(Array("writer \(index)".utf8)), accessKeyID: "local"))
        }
        let get = s3.send("GET", "/media/shared")
        #expect(get.header("ETag") == "\"\(Hex.encode(MD5.digest(get.bytes)))\"")
        #expect(try s3.store.pendingNotifications(limit: 100).count == 16)
        #expect(s3.objectFiles().count == 1)
    }
}
