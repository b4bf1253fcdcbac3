import Foundation
import LocalStore
import Runtime

/// DynamoDB tables over SQLite: the emulator's answer to the DynamoDB JSON 1.0 protocol
/// (`X-Amz-Target: DynamoDB_20120810.<Operation>`).
///
/// Every operation runs in one SQLite transaction and is committed before `handle` returns.
/// Items are stored in `dynamodb_items` with their keys in an order-preserving byte encoding,
/// so a query's sort order and key ranges are SQLite's; global secondary indexes are read by
/// scanning the table's items.
public final class DynamoDBStore: @unchecked Sendable {
    // @unchecked Sendable: `tables` is read and written only while holding `lock`, and every
    // SQLite access goes through `database`, which serialises its calls (and whose
    // `transaction` holds its recursive lock for the whole operation, so an operation's reads and
    // writes are atomic with respect to other requests).
    let database: SQLiteDatabase
    let region: String
    let accountID: String
    private let lock = NSLock()
    private var tables: [String: StoredTable] = [:]

    struct StoredTable {
        var config: TableConfig
        var created: Int64
    }

    /// Opens the store, creating its SQLite tables, and defines `tables` (replacing stored
    /// definitions of the same names; tables made by `CreateTable` earlier are kept).
    /// - Throws: `SQLiteDatabase.Error` when the database cannot be written.
    public init(
        database: SQLiteDatabase, tables: [TableConfig], region: String,
        accountID: String
    )
        throws
    {
        self.database = database
        self.region = region
        self.accountID = accountID
        try createSchema()
        let now = Timestamp.now().secondsSinceEpoch
        try database.transaction {
            for config in tables { try saveTable(config, created: now) }
        }
        self.tables = try loadTables()
    }

    /// The names of the tables, sorted.
    public var tableNames: [String] { lock.withLock { tables.keys.sorted() } }

    /// Answers one DynamoDB API request.
    public func handle(_ request: ServiceRequest) -> ServiceResponse {
        do {
            let target = request.header("x-amz-target") ?? ""
            let prefix = "DynamoDB_20120810."
            guard target.hasPrefix(prefix) else { throw DynamoDBError.unknownOperation(target) }
            let operation = String(target.dropFirst(prefix.count))
            let bytes = try request.bodyBytes()
            let json: JSONValue
            do {
                json = bytes.isEmpty ? .object([:]) : try JSON.decode(JSONValue.self, from: bytes)
            } catch {
                throw DynamoDBError.serialization("Start of structure or map found where not expected")
            }
            guard case .object = json else { throw DynamoDBError.serialization("Start of structure or map expected") }
            let output = try perform(operation, Request(json: json))
            return .json(200, try JSON.encode(output))
        } catch let error as DynamoDBError {
            return error.response
        } catch {
            return DynamoDBError.internalFailure(error).response
        }
    }

    /// Deletes the items whose TTL attribute (a number of epoch seconds) is before `now`.
    /// - Returns: how many items were deleted.
    /// - Throws: `SQLiteDatabase.Error` when the database cannot be written; retry later.
    @discardableResult
    public func expireItems(now: Timestamp) throws -> Int {
        try database.transaction {
            try database.query(
                "DELETE FROM dynamodb_items WHERE ttl IS NOT NULL AND ttl < ?", [.integer(now.secondsSinceEpoch)])
            return database.changes
        }
    }

    func perform(_ operation: String, _ request: Request) throws -> JSONValue {
        switch operation {
        case "ListTables": try listTables(request)
        case "DescribeTable": try describeTable(request)
        case "CreateTable": try createTable(request)
        case "DeleteTable": try deleteTable(request)
        case "UpdateTimeToLive": try updateTimeToLive(request)
        case "DescribeTimeToLive": try describeTimeToLive(request)
        case "GetItem": try getItem(request)
        case "PutItem": try putItem(request)
        case "UpdateItem": try updateItem(request)
        case "DeleteItem": try deleteItem(request)
        case "Query": try query(request)
        case "Scan": try scan(request)
        case "BatchGetItem": try batchGetItem(request)
        case "BatchWriteItem": try batchWriteItem(request)
        case "TransactWriteItems": try transactWriteItems(request)
        case "TransactGetItems": try transactGetItems(request)
        default: throw DynamoDBError.unknownOperation(operation)
        }
    }

    // MARK: Table registry

    func table(_ name: String) throws -> TableConfig {
        guard let table = lock.withLock({ tables[name] }) else { throw DynamoDBError.resourceNotFound() }
        return table.config
    }

    func storedTable(_ name: String) -> StoredTable? { lock.withLock { tables[name] } }

    func register(_ config: TableConfig, created: Int64) {
        lock.withLock { tables[config.name] = StoredTable(config: config, created: created) }
    }

    func unregister(_ name: String) { lock.withLock { tables[name] = nil } }

    func arn(of table: String) -> String { "arn:aws:dynamodb:\(region):\(accountID):table/\(table)" }
}

/// A request body, with AWS's wording for missing members.
struct Request {
    let json: JSONValue

    subscript(key: String) -> JSONValue? {
        guard let value = json[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = self[key] else { return nil }
        guard let text = value.stringValue else { throw DynamoDBError.serialization("Expected a string for \(key)") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else {
            let member = key.prefix(1).lowercased() + key.dropFirst()
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at '\(member)' failed to satisfy constraint: Member must not be null"
            )
        }
        return text
    }

    func bool(_ key: String) -> Bool { self[key]?.boolValue ?? false }

    func integer(_ key: String) throws -> Int? {
        guard let value = self[key] else { return nil }
        guard let number = value.intValue else { throw DynamoDBError.serialization("Expected a number for \(key)") }
        return number
    }

    /// A member that is itself a request object (a transaction's `Put`, a batch table's entry).
    func nested(_ key: String) -> Request? { self[key].map(Request.init(json:)) }
}
