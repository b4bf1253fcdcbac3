import Foundation
import LocalStore
import LocalTemplate

/// Lambda's asynchronous invocations, durable: each event waits in SQLite until a function has
/// run it, with Lambda's retry behaviour (2 retries after about 1 and 2 minutes, scaled by
/// `TIME_SCALE`; throttles retried for up to 6 hours, 1 s after the first and doubling to at most
/// 5 minutes between tries, as Lambda documents) and the function's `OnFailure` destination
/// when the retries are spent. A SIGKILL of the emulator loses no accepted event.
final class AsyncInvoker: @unchecked Sendable {
    // @unchecked Sendable: state lives in SQLite; `wake` is guarded by `lock`.
    let database: SQLiteDatabase
    let lambda: LambdaService
    let functions: [String: FunctionDefinition]
    let timeScale: TimeScale
    /// Sends a destination record to a queue (by logical ID); set when SQS is wired.
    var sendToQueue: (@Sendable (_ queueLogicalID: String, _ body: String) throws -> Void)?
    private let lock = NSLock()
    private var wake: CheckedContinuation<Void, Never>?
    private var running: Set<Int64> = []

    init(
        database: SQLiteDatabase, lambda: LambdaService, functions: [String: FunctionDefinition], timeScale: TimeScale
    ) throws {
        self.database = database
        self.lambda = lambda
        self.functions = functions
        self.timeScale = timeScale
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS async_invocations (
              id INTEGER PRIMARY KEY AUTOINCREMENT, function TEXT NOT NULL, payload BLOB NOT NULL,
              request_id TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, due REAL NOT NULL, created REAL NOT NULL)
            """)
        // How many times each event was throttled: data folders from before lack the column.
        let columns = Set(try database.query("PRAGMA table_info(async_invocations)").compactMap { $0[1].text })
        if !columns.contains("throttles") {
            try database.execute("ALTER TABLE async_invocations ADD COLUMN throttles INTEGER NOT NULL DEFAULT 0")
        }
    }

    /// Seconds before the next try of an event throttled `throttles` times: 1, 2, 4, … up to 300.
    static func throttleDelay(afterThrottles throttles: Int) -> Double {
        Double(min(300, 1 << min(max(throttles - 1, 0), 9)))
    }

    /// Accepts an event (committed before this returns).
    @discardableResult
    func enqueue(
        function: String, payload: [UInt8], requestID: String = UUID().uuidString.lowercased(),
        delay: TimeInterval = 0
    ) throws -> String {
        let now = Date().timeIntervalSince1970
        try database.query(
            "INSERT INTO async_invocations (function, payload, request_id, due, created) VALUES (?, ?, ?, ?, ?)",
            [.text(function), .blob(payload), .text(requestID), .real(now + delay), .real(now)])
        signal()
        return requestID
    }

    var pendingCount: Int {
        Console.reportingFailure("[Lambda] could not count the queued asynchronous events") {
            try database.query("SELECT COUNT(*) FROM async_invocations")
        }?.first?.first?.integer.map(Int.init) ?? 0
    }

    private func signal() {
        let waiting = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { wake = nil }
            return wake
        }
        waiting?.resume()
    }

    /// Runs due events until cancelled, each in a task of its own (concurrency is the pools' limit).
    func run() async {
        while !Task.isCancelled {
            let now = Date().timeIntervalSince1970
            let busy = lock.withLock { running }
            let due =
                Console.reportingFailure("[Lambda] could not read the due asynchronous events") {
                    try database.query(
                        "SELECT id, function, payload, request_id, attempt, created, throttles FROM async_invocations WHERE due <= ? ORDER BY due LIMIT 64",
                        [.real(now)])
                } ?? []
            var started = false
            for row in due {
                guard let id = row[0].integer, !busy.contains(id) else { continue }
                lock.withLock { _ = running.insert(id) }
                started = true
                let job = Job(
                    id: id, function: row[1].text ?? "", payload: row[2].blob ?? [], requestID: row[3].text ?? "",
                    attempt: Int(row[4].integer ?? 0), created: row[5].real ?? now, throttles: Int(row[6].integer ?? 0))
                Task { await self.execute(job) }
            }
            if started { continue }
            let next = Console.reportingFailure("[Lambda] could not read when the next asynchronous event is due") {
                try database.query("SELECT MIN(due) FROM async_invocations")
            }?.first?.first?.real
            let delay = min(max((next ?? now + 1) - now, 0.005), 1)
            await withCheckedContinuation { continuation in
                lock.withLock { wake = continuation }
                Task {
                    try? await Task.sleep(for: .seconds(delay))
                    self.signal()
                }
            }
        }
    }

    struct Job {
        var id: Int64
        var function: String
        var payload: [UInt8]
        var requestID: String
        var attempt: Int
        var created: Double
        var throttles: Int
    }

    private func execute(_ job: Job) async {
        defer {
            lock.withLock { _ = running.remove(job.id) }
            signal()
        }
        let result: InvocationResult
        do {
            result = try await lambda.invoke(job.function, payload: job.payload)
        } catch {
            Console.write("[\(job.function)] asynchronous invocation \(job.requestID) dropped: \(error)")
            remove(job)
            return
        }
        let config = functions[job.function]?.eventInvokeConfig
        let maxRetries = config?.maximumRetryAttempts ?? 2
        switch result.kind {
        case .success:
            remove(job)
        case .throttled:
            // Lambda keeps retrying throttled events for up to 6 hours.
            let age = Date().timeIntervalSince1970 - job.created
            if age > timeScale.scaled(6 * 3600) {
                fail(job, result: result, condition: "EventAgeExceeded")
            } else {
                update(
                    job, "UPDATE async_invocations SET throttles = throttles + 1, due = ? WHERE id = ?",
                    [
                        .real(
                            Date().timeIntervalSince1970
                                + timeScale.scaled(Self.throttleDelay(afterThrottles: job.throttles + 1))),
                        .integer(job.id),
                    ])
            }
        case .functionError:
            if job.attempt < maxRetries {
                // About 1 minute before the first retry and 2 before the second, as Lambda does.
                reschedule(job, after: timeScale.scaled(60 * Double(job.attempt + 1)), countsAsAttempt: true)
            } else {
                fail(job, result: result, condition: "RetriesExhausted")
            }
        }
    }

    private func reschedule(_ job: Job, after seconds: Double, countsAsAttempt: Bool) {
        update(
            job, "UPDATE async_invocations SET attempt = ?, due = ? WHERE id = ?",
            [
                .integer(Int64(job.attempt + (countsAsAttempt ? 1 : 0))), .real(Date().timeIntervalSince1970 + seconds),
                .integer(job.id),
            ])
    }

    /// Sends the destination record (as Lambda writes it) to the OnFailure queue, then drops the event.
    private func fail(_ job: Job, result: InvocationResult, condition: String) {
        if let queue = functions[job.function]?.eventInvokeConfig?.onFailureQueue, let sendToQueue {
            let record: [String: Any] = [
                "version": "1.0",
                "timestamp": ISO8601DateFormatter().string(from: Date()),
                "requestContext": [
                    "requestId": job.requestID,
                    "functionArn": "\(lambda.functionARN(job.function)):$LATEST",
                    "condition": condition, "approximateInvokeCount": job.attempt + 1,
                ] as [String: Any],
                "requestPayload":
                    (try? JSONSerialization.jsonObject(with: Data(job.payload), options: [.fragmentsAllowed]))
                    ?? NSNull(),
                "responseContext": ["statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"]
                    as [String: Any],
                "responsePayload":
                    (try? JSONSerialization.jsonObject(with: Data(result.payload), options: [.fragmentsAllowed]))
                    ?? NSNull(),
            ]
            if let data = Console.reportingFailure(
                "[\(job.function)] could not write the failure record",
                {
                    try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
                })
            {
                do {
                    try sendToQueue(queue, String(decoding: data, as: UTF8.self))
                } catch {
                    Console.write("[\(job.function)] could not send the failure record to \(queue): \(error)")
                    reschedule(job, after: timeScale.scaled(60), countsAsAttempt: false)
                    return
                }
            }
        }
        Console.write(
            "[\(job.function)] asynchronous invocation \(job.requestID) dropped after \(job.attempt + 1) attempts (\(condition))"
        )
        remove(job)
    }

    /// Changes a queued event; a failure is written to the console (the event then runs as it was).
    private func update(_ job: Job, _ statement: String, _ values: [SQLiteDatabase.Value]) {
        Console.reportingFailure("[\(job.function)] could not reschedule asynchronous invocation \(job.requestID)") {
            _ = try database.query(statement, values)
        }
    }

    /// Removes a finished or dropped event from the queue.
    private func remove(_ job: Job) {
        Console.reportingFailure("[\(job.function)] could not remove asynchronous invocation \(job.requestID)") {
            _ = try database.query("DELETE FROM async_invocations WHERE id = ?", [.integer(job.id)])
        }
    }
}
