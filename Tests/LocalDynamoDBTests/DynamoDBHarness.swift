import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalDynamoDB

/// A store over a fresh SQLite file, called through `handle` as the endpoint would.
struct DynamoDBHarness {
    let store: DynamoDBStore
    let path: String

    /// `main`: pk S + sk S, index `byStatus` (status S + createdAt N, ALL) and `byOwner` (owner S,
    /// KEYS_ONLY), TTL on `expiresAt`. `scores`: pk S + score N.
    static let tables: [TableConfig] = [
        TableConfig(
            name: "main", partitionKey: .init(name: "pk", type: .string), sortKey: .init(name: "sk", type: .string),
            indexes: [
                .init(
                    name: "byStatus", partitionKey: .init(name: "status", type: .string),
                    sortKey: .init(name: "createdAt", type: .number)),
                .init(name: "byOwner", partitionKey: .init(name: "owner", type: .string), projection: .keysOnly),
            ],
            ttlAttribute: "expiresAt"),
        TableConfig(
            name: "scores", partitionKey: .init(name: "pk", type: .string), sortKey: .init(name: "score", type: .number)
        ),
    ]

    init(path: String? = nil, tables: [TableConfig] = DynamoDBHarness.tables) throws {
        let path =
            path
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("ddb-\(UUID().uuidString).sqlite").path
        self.path = path
        store = try DynamoDBStore(
            database: try SQLiteDatabase(path: path), tables: tables, region: "us-east-1", accountID: "000000000000")
    }

    /// The status and parsed body of one call.
    func call(_ operation: String, _ body: String) throws -> (status: Int, body: JSONValue) {
        let request = ServiceRequest(
            method: "POST", rawPath: "/", query: [],
            headers: [
                ("X-Amz-Target", "DynamoDB_20120810.\(operation)"), ("Content-Type", "application/x-amz-json-1.0"),
            ],
            body: .bytes(Array(body.utf8)), accessKeyID: "local")
        let response = store.handle(request)
        guard case .bytes(let bytes) = response.body else { throw HarnessError(message: "file body") }
        return (response.status, try JSON.decode(JSONValue.self, from: bytes))
    }

    /// The body of a call that must succeed.
    @discardableResult
    func ok(_ operation: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue
    {
        let (status, json) = try call(operation, body)
        #expect(status == 200, "\(operation) failed: \(json)", sourceLocation: sourceLocation)
        return json
    }

    /// The error code (after `#`) and message of a call that must fail with 400.
    func failure(
        _ operation: String, _ body: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (
        code: String, message: String, body: JSONValue
    ) {
        let (status, json) = try call(operation, body)
        #expect(status == 400, "\(operation) should fail: \(json)", sourceLocation: sourceLocation)
        let type = json["__type"]?.stringValue ?? ""
        return (String(type.split(separator: "#").last ?? ""), json["message"]?.stringValue ?? "", json)
    }

    func put(_ item: String, table: String = "main") throws {
        try ok("PutItem", #"{"TableName":"\#(table)","Item":\#(item)}"#)
    }

    func get(_ key: String, table: String = "main") throws -> JSONValue? {
        try ok("GetItem", #"{"TableName":"\#(table)","Key":\#(key),"ConsistentRead":true}"#)["Item"]
    }
}

struct HarnessError: Error {
    var message: String
}

extension JSONValue {
    /// `{"S": text}`'s text, `{"N": text}`'s text.
    var s: String? { self["S"]?.stringValue }
    var n: String? { self["N"]?.stringValue }
}
