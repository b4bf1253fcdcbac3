import Cloud
import Foundation
import LocalStore
import Testing

@testable import LocalS3

/// A store in a fresh temporary directory with its own database file, and helpers to call it.
final class S3Fixture {
    let directory: String
    private(set) var database: SQLiteDatabase
    private(set) var store: S3Store
    let buckets: [BucketConfig]

    static let webOrigin = "http://localhost:3000"
    static let mediaBucket = BucketConfig(
        name: "media",
        cors: [
            .init(
                allowedOrigins: [webOrigin], allowedMethods: ["PUT", "GET"],
                allowedHeaders: ["content-type", "x-amz-*"],
                exposedHeaders: ["ETag"], maxAge: 600)
        ])

    init(buckets: [BucketConfig] = [S3Fixture.mediaBucket]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.buckets = buckets
        database = try SQLiteDatabase(path: directory + "/state.sqlite")
        store = try S3Store(
            directory: directory + "/s3", database: database, buckets: buckets, retirementDelay: 0,
            formVerifier: Self.verifier)
    }

    /// The emulator's local credentials.
    static let verifier = SigV4Verifier { $0 == "local" ? "local-secret" : nil }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Drops the store and database and opens both again from the same files, as after a restart.
    func reopen() throws {
        store = try S3Store(
            directory: directory + "/s3", database: SQLiteDatabase(path: directory + "/state.sqlite"),
            buckets: buckets, retirementDelay: 0, formVerifier: Self.verifier)
        database = store.database
    }

    @discardableResult
    func send(
        _ method: String, _ path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) -> ServiceResponse {
        store.handle(
            ServiceRequest(
                method: method, rawPath: path, query: query, headers: headers, body: .bytes(body), accessKeyID: "local")
        )
    }

    @discardableResult
    func put(_ path: String, _ text: String, headers: [(name: String, value: String)] = []) -> ServiceResponse {
        send("PUT", path, headers: headers, body: Array(text.utf8))
    }

    /// Files under the store's `objects/` folder.
    func objectFiles() -> [String] {
        let root = directory + "/s3/objects"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let item = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + item, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                out.append(item)
            }
        }
        return out
    }
}

extension ServiceResponse {
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body's bytes, reading a file range as the endpoint would stream it.
    var bytes: [UInt8] {
        switch body {
        case .bytes(let bytes): return bytes
        case .file(let path, let offset, let length):
            guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(offset))
            return Array((try? handle.read(upToCount: Int(length))) ?? Data())
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text of every `<name>` element, in order.
    func elements(_ name: String) -> [String] {
        guard let document = try? XMLElement.parse(bytes) else { return [] }
        var out: [String] = []
        func walk(_ node: XMLElement) {
            if node.name == name { out.append(node.text) }
            node.children.forEach(walk)
        }
        walk(document)
        return out
    }

    var errorCode: String? { elements("Code").first }
}
