internal import CSQLite
import Foundation

/// One SQLite database file, the emulator's durable state (WAL, synchronous writes: an
/// acknowledged write survives SIGKILL of the emulator). Serialised by a lock: SQLite calls are
/// short, and the services above keep their own concurrency.
public final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked Sendable: every use of `handle` holds `lock`.
    private let handle: OpaquePointer
    private let lock = NSRecursiveLock()

    /// A value to bind or read.
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])

        public var text: String? { if case .text(let value) = self { value } else { nil } }
        public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
        public var real: Double? {
            switch self {
            case .real(let value): value
            case .integer(let value): Double(value)
            default: nil
            }
        }
        public var blob: [UInt8]? {
            switch self {
            case .blob(let value): value
            case .text(let value): Array(value.utf8)
            default: nil
            }
        }
    }

    public typealias Row = [Value]

    public struct Error: Swift.Error, CustomStringConvertible {
        public let code: Int32
        public let message: String
        public var description: String { "SQLite error \(code): \(message)" }
        /// A UNIQUE or PRIMARY KEY constraint refused the write.
        public var isConstraint: Bool { code & 0xff == SQLITE_CONSTRAINT }
    }

    /// Opens (creating) a database file; `:memory:` for a private in-memory one.
    public init(path: String) throws {
        var db: OpaquePointer?
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw Error(code: status, message: "\(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=FULL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws {
        try lock.withLock {
            var message: UnsafeMutablePointer<CChar>?
            let status = sqlite3_exec(handle, sql, nil, nil, &message)
            if status != SQLITE_OK {
                let text = message.map { String(cString: $0) } ?? "unknown"
                sqlite3_free(message)
                throw Error(code: status, message: text)
            }
        }
    }

    /// Runs a statement with parameters (`?`) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [Value] = []) throws -> [Row] {
        try lock.withLock {
            var statement: OpaquePointer?
            try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil))
            defer { sqlite3_finalize(statement) }
            for (index, value) in parameters.enumerated() {
                let position = Int32(index + 1)
                switch value {
                case .null: try check(sqlite3_bind_null(statement, position))
                case .integer(let v): try check(sqlite3_bind_int64(statement, position, v))
                case .real(let v): try check(sqlite3_bind_double(statement, position, v))
                case .text(let v): try check(sqlite3_bind_text(statement, position, v, -1, csqlite_transient()))
                case .blob(let v):
                    try check(
                        v.withUnsafeBytes {
                            sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), csqlite_transient())
                        })
                }
            }
            var rows: [Row] = []
            while true {
                let status = sqlite3_step(statement)
                if status == SQLITE_DONE { break }
                guard status == SQLITE_ROW else { try check(status); break }
                let columns = sqlite3_column_count(statement)
                rows.append(
                    (0..<columns).map { column in
                        switch sqlite3_column_type(statement, column) {
                        case SQLITE_INTEGER: .integer(sqlite3_column_int64(statement, column))
                        case SQLITE_FLOAT: .real(sqlite3_column_double(statement, column))
                        case SQLITE_TEXT: .text(String(cString: sqlite3_column_text(statement, column)))
                        case SQLITE_BLOB:
                            .blob(
                                Array(
                                    UnsafeRawBufferPointer(
                                        start: sqlite3_column_blob(statement, column),
                                        count: Int(sqlite3_column_bytes(statement, column)))))
                        default: .null
                        }
                    })
            }
            return rows
        }
    }

    /// Rows changed by the last statement.
    public var changes: Int { lock.withLock { Int(sqlite3_changes(handle)) } }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try lock.withLock {
            try execute("BEGIN IMMEDIATE")
            do {
                let result = try body()
                try execute("COMMIT")
                return result
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK || status == SQLITE_ROW || status == SQLITE_DONE else {
            throw Error(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
        }
    }
}
