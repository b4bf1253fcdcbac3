import Cloud
import Foundation
import LocalStore
import Runtime

/// The emulator's S3: buckets and objects, path-style (`/{bucket}/{key…}`), with object bytes as files
/// under a directory, their metadata in SQLite, and `ObjectCreated` events queued durably.
///
/// An object's metadata row and its pending notification commit in one transaction, after the bytes
/// are on disk under a name no other version uses; so a SIGKILL at any point leaves either the old
/// object and no event, or the new object and its event. Object bytes are never held in memory: an
/// upload's file is moved into place, and reads are answered with a file range for the endpoint to stream.
public final class S3Store: @unchecked Sendable {
    // @unchecked Sendable: `database` is thread-safe (its own lock), `files`, `cors` and
    // `retirementDelay` are immutable, and the mutable state (`notificationHandler`, `retired`) is
    // touched only under `lock`. Concurrent writes to one key are ordered by SQLite transactions, and
    // object files are immutable once a row names them.
    let database: SQLiteDatabase
    let files: ObjectFiles
    let cors: [String: [BucketConfig.CORSRule]]
    /// Checks the signatures of browser form uploads (POST Object); without one, they are refused.
    let formVerifier: SigV4Verifier?
    /// Seconds a replaced or deleted object's file stays, so a read answered just before can still open it.
    let retirementDelay: Double
    private let lock = NSLock()
    private var notificationHandler: (@Sendable () -> Void)?
    private var retired: [(path: String, deadline: Double)] = []

    /// Opens the store in `directory` (created if needed) with its tables in `database`; the `buckets`
    /// exist from the start, with their CORS rules. Files left by an interrupted write are removed.
    /// - Throws: `SQLiteDatabase.Error` or a file-system error when the directory or tables cannot be
    ///   created; the emulator cannot serve S3 without them.
    public convenience init(
        directory: String, database: SQLiteDatabase, buckets: [BucketConfig], formVerifier: SigV4Verifier? = nil
    ) throws {
        try self.init(
            directory: directory, database: database, buckets: buckets, retirementDelay: 5, formVerifier: formVerifier)
    }

    init(
        directory: String, database: SQLiteDatabase, buckets: [BucketConfig], retirementDelay: Double,
        formVerifier: SigV4Verifier? = nil
    ) throws {
        self.database = database
        self.formVerifier = formVerifier
        self.files = try ObjectFiles(root: directory)
        self.retirementDelay = retirementDelay
        var rules: [String: [BucketConfig.CORSRule]] = [:]
        for bucket in buckets { rules[bucket.name] = bucket.cors }
        self.cors = rules
        try database.execute(Self.schema)
        try database.execute(Self.multipartSchema)
        let now = Timestamp.now().millisecondsSinceEpoch
        for bucket in buckets {
            try database.query(
                "INSERT OR IGNORE INTO s3_buckets (name, created_ms) VALUES (?, ?)",
                [.text(bucket.name), .integer(now)])
        }
        let referenced = try database.query("SELECT path FROM s3_objects UNION ALL SELECT path FROM s3_parts")
            .compactMap { $0[0].text }
        files.sweep(keeping: Set(referenced))
    }

    deinit {
        for entry in retired { files.remove(entry.path) }
    }

    private static let schema = """
        CREATE TABLE IF NOT EXISTS s3_buckets (name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS s3_objects (
            bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
            content_type TEXT NOT NULL, metadata TEXT NOT NULL, headers TEXT NOT NULL,
            last_modified_ms INTEGER NOT NULL, path TEXT NOT NULL,
            PRIMARY KEY (bucket, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS s3_notifications (
            id INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL, key TEXT NOT NULL,
            event_name TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL, time_ms INTEGER NOT NULL,
            source_ip TEXT NOT NULL);
        """

    // MARK: - Notifications

    /// Called (on the writing thread, after the commit) whenever a write queued a notification.
    public var onNotification: (@Sendable () -> Void)? {
        get { lock.withLock { notificationHandler } }
        set { lock.withLock { notificationHandler = newValue } }
    }

    /// Notifications not yet delivered, oldest first.
    /// - Throws: `SQLiteDatabase.Error`; retry later.
    public func pendingNotifications(limit: Int) throws -> [S3Notification] {
        try database.query(
            """
            SELECT id, bucket, key, event_name, size, etag, time_ms, source_ip FROM s3_notifications
            ORDER BY id LIMIT ?
            """, [.integer(Int64(limit))]
        ).map { row in
            let id = row[0].integer ?? 0
            return S3Notification(
                id: id, bucket: row[1].text ?? "", key: row[2].text ?? "", eventName: row[3].text ?? "",
                size: row[4].integer ?? 0, eTag: row[5].text ?? "", sequencer: Self.sequencer(id),
                time: Timestamp(millisecondsSinceEpoch: row[6].integer ?? 0), sourceIP: row[7].text ?? "")
        }
    }

    /// Removes a delivered notification from the queue (idempotent).
    /// - Throws: `SQLiteDatabase.Error`; the notification stays pending and may be delivered again.
    public func markDelivered(_ id: Int64) throws {
        try database.query("DELETE FROM s3_notifications WHERE id = ?", [.integer(id)])
    }

    /// 16 uppercase hex digits of the queue position: increasing, as S3's sequencers are per key.
    static func sequencer(_ id: Int64) -> String {
        let hex = String(UInt64(bitPattern: id), radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }

    func notifyWriters() {
        onNotification?()
    }

    // MARK: - Retired files

    /// Schedules an object file no row names any more for removal, and removes the ones now due.
    func retire(_ path: String) {
        let now = ProcessInfo.processInfo.systemUptime
        let due: [String] = lock.withLock {
            retired.append((path, now + retirementDelay))
            let due = retired.filter { $0.deadline <= now }.map(\.path)
            retired.removeAll { $0.deadline <= now }
            return due
        }
        for path in due { files.remove(path) }
    }
}
