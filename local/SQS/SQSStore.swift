import Foundation
import LocalStore
import Runtime

/// The emulator's SQS: standard queues kept in SQLite, served over AWS's JSON protocol
/// (`handle(_:)`) and in process (`send`, `receive`, …) for event-source mappings and destinations.
///
/// Every change is committed before the call answers, so a reopened store sees the same queues and
/// messages; an in-flight message becomes visible again when its visibility timeout passes, as on
/// AWS. Timers (visibility, delay, retention, long polling) are AWS seconds scaled by `timeScale`.
public final class SQSStore: @unchecked Sendable {
    // @unchecked Sendable: `queues` is only read or written while holding `lock`; the database
    // serialises its own calls and every multi-step change runs in one SQLite transaction; the
    // waiters guard themselves; everything else is immutable. Lock order: the database's lock (a
    // transaction) before `lock`, never the reverse, so the two cannot deadlock.
    let database: SQLiteDatabase
    /// The endpoint queue URLs start with, such as `http://127.0.0.1:4566`.
    public let endpoint: String
    public let accountID: String
    public let region: String
    public let timeScale: TimeScale
    let waiters = LongPollWaiters()
    private let lock = NSLock()
    private var queues: [String: QueueRecord] = [:]

    /// Opens the store on `database`, creating its tables, and creates or updates `queues` (the
    /// template's queues, whose settings win over earlier ones); other queues stay as they were.
    ///
    /// - Throws: `SQLiteDatabase.Error` when the database cannot be read or written.
    public init(
        database: SQLiteDatabase, queues: [QueueConfig], endpoint: String, accountID: String,
        region: String, timeScale: TimeScale = .fromEnvironment
    ) throws {
        self.database = database
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.accountID = accountID
        self.region = region
        self.timeScale = timeScale
        try database.execute(Self.schema)
        try Self.addFIFOColumns(database)
        let decoder = JSONDecoder()
        for row in try database.query("SELECT name, settings FROM sqs_queues") {
            guard let name = row[0].text, let settings = row[1].text,
                let stored = try? decoder.decode(QueueRecord.Stored.self, from: Data(settings.utf8))
            else { continue }
            self.queues[name] = QueueRecord(name: name, stored: stored)
        }
        for config in queues {
            let existing = self.queues[config.name]
            var record = QueueRecord(
                config: config, createdAt: existing?.createdAt ?? Timestamp.now().secondsSinceEpoch,
                passive: existing?.passive ?? [:])
            record.modifiedAt = Timestamp.now().secondsSinceEpoch
            try save(record)
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS sqs_queues (name TEXT PRIMARY KEY, settings TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sqs_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            queue TEXT NOT NULL,
            body TEXT NOT NULL,
            attributes TEXT NOT NULL,
            sent_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,
            receive_count INTEGER NOT NULL DEFAULT 0,
            receipt_handle TEXT,
            first_received_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS sqs_messages_by_queue ON sqs_messages (queue, visible_at);
        CREATE TABLE IF NOT EXISTS sqs_deduplication (
            queue TEXT NOT NULL, deduplication_id TEXT NOT NULL, message_id TEXT NOT NULL, seq INTEGER NOT NULL,
            sent_at INTEGER NOT NULL, PRIMARY KEY (queue, deduplication_id)) WITHOUT ROWID;
        """

    /// The message group and deduplication id of FIFO messages: columns added to a data folder's
    /// `sqs_messages` written before FIFO queues kept them.
    private static func addFIFOColumns(_ database: SQLiteDatabase) throws {
        let columns = Set(try database.query("PRAGMA table_info(sqs_messages)").compactMap { $0[1].text })
        if !columns.contains("group_id") { try database.execute("ALTER TABLE sqs_messages ADD COLUMN group_id TEXT") }
        if !columns.contains("deduplication_id") {
            try database.execute("ALTER TABLE sqs_messages ADD COLUMN deduplication_id TEXT")
        }
        try database.execute(
            "CREATE INDEX IF NOT EXISTS sqs_messages_by_group ON sqs_messages (queue, group_id, visible_at)")
    }

    // MARK: Queues

    /// The queues' names, sorted.
    public var queueNames: [String] { lock.withLock { queues.keys.sorted() } }

    /// `endpoint/accountID/name`.
    public func queueURL(_ name: String) -> String { "\(endpoint)/\(accountID)/\(name)" }

    /// `arn:aws:sqs:region:account:name`.
    public func queueARN(_ name: String) -> String { "arn:aws:sqs:\(region):\(accountID):\(name)" }

    /// The queue a URL (or a URL's path) names: its last path segment.
    func queueName(fromURL url: String) -> String {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        return path.split(separator: "/").last.map(String.init) ?? ""
    }

    /// The name in an SQS ARN, if it is one.
    func queueName(fromARN arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sqs", !parts[5].isEmpty else { return nil }
        return String(parts[5])
    }

    /// The queue's current record.
    ///
    /// - Throws: `SQSError.queueDoesNotExist`.
    func record(_ name: String) throws -> QueueRecord {
        guard let record = lock.withLock({ queues[name] }) else { throw SQSError.queueDoesNotExist(name) }
        return record
    }

    func exists(_ name: String) -> Bool { lock.withLock { queues[name] != nil } }

    /// Writes a queue's record to the database, then to the cache.
    func save(_ record: QueueRecord) throws {
        let data = try JSONEncoder().encode(record.stored)
        try database.transaction {
            try database.query(
                "INSERT INTO sqs_queues (name, settings) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET settings = excluded.settings",
                [.text(record.config.name), .text(String(decoding: data, as: UTF8.self))])
            lock.withLock { queues[record.config.name] = record }
        }
    }

    /// Removes a queue and its messages.
    func remove(_ name: String) throws {
        try database.transaction {
            try database.query("DELETE FROM sqs_messages WHERE queue = ?", [.text(name)])
            try database.query("DELETE FROM sqs_deduplication WHERE queue = ?", [.text(name)])
            try database.query("DELETE FROM sqs_queues WHERE name = ?", [.text(name)])
            lock.withLock { _ = queues.removeValue(forKey: name) }
        }
        waiters.notify(name)
    }

    // MARK: Time

    /// Now, in epoch milliseconds.
    func nowMilliseconds() -> Int64 { Timestamp.now().millisecondsSinceEpoch }

    /// How many real milliseconds an AWS duration of `seconds` lasts here.
    func milliseconds(awsSeconds seconds: Double) -> Int64 {
        Int64((timeScale.scaled(seconds) * 1000).rounded())
    }
}
