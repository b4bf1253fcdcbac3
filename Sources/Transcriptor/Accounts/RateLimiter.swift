import Cloud
import Runtime

/// Counts events per subject (an account, a source address) in a sliding window, with counters
/// in the table: one item per subject and fixed window, expired by TTL. The count over the last
/// `window` seconds is estimated as this window's count plus the previous window's, weighted by
/// how much of it still overlaps (the sliding-window approximation): no burst at a boundary.
public struct RateLimiter {
    let db: DynamoDBClient
    let table: String

    public struct Rule: Sendable {
        /// What is counted (`login-account`, `login-address`, …).
        public var scope: String
        public var limit: Int
        /// In seconds.
        public var window: Int64

        public init(scope: String, limit: Int, window: Int64) {
            self.scope = scope
            self.limit = limit
            self.window = window
        }
    }

    init(db: DynamoDBClient, table: String) {
        self.db = db
        self.table = table
    }

    private func partition(_ rule: Rule, _ subject: String) -> String {
        // Hash the subject: an address or an email is not kept in a key in clear.
        "RATE#\(rule.scope)#\(Digest.sha256Hex(subject.lowercased()))"
    }

    /// Seconds to wait when `subject` is over `rule`'s limit; nil when it may go on.
    public func retryAfter(_ rule: Rule, subject: String, now: Timestamp = .now()) throws -> Int64? {
        let seconds = now.secondsSinceEpoch
        let current = seconds - seconds % rule.window
        let previous = current - rule.window
        let page = try db.query(
            table: table, keyCondition: "pk = :pk AND sk >= :from",
            values: [":pk": .s(partition(rule, subject)), ":from": .s(Self.sortKey(previous))], consistentRead: true)
        var counts: [String: Int64] = [:]
        for item in page.items { if let sk = item.string("sk") { counts[sk] = item.int("count") ?? 0 } }
        let inCurrent = Double(counts[Self.sortKey(current)] ?? 0)
        let inPrevious = Double(counts[Self.sortKey(previous)] ?? 0)
        let overlap = Double(rule.window - (seconds - current)) / Double(rule.window)
        guard inCurrent + inPrevious * overlap >= Double(rule.limit) else { return nil }
        // When this window ends the previous one stops counting; if this one alone is over the
        // limit, its end is the earliest the estimate can fall below it.
        if inCurrent >= Double(rule.limit) { return current + 2 * rule.window - seconds }
        return current + rule.window - seconds
    }

    /// Counts one event of `subject`.
    public func record(_ rule: Rule, subject: String, now: Timestamp = .now()) throws {
        let seconds = now.secondsSinceEpoch
        let current = seconds - seconds % rule.window
        try db.updateItem(
            table: table, key: ["pk": .s(partition(rule, subject)), "sk": .s(Self.sortKey(current))],
            update: "ADD #count :one SET expiresAt = :expires", names: ["#count": "count"],
            values: [":one": .number(1), ":expires": .number(current + 2 * rule.window + 60)])
    }

    /// Forgets `subject`'s events (after a successful login, say).
    public func reset(_ rule: Rule, subject: String) throws {
        let page = try db.query(
            table: table, keyCondition: "pk = :pk", values: [":pk": .s(partition(rule, subject))], consistentRead: true)
        for item in page.items {
            if let pk = item["pk"], let sk = item["sk"] { try db.deleteItem(table: table, key: ["pk": pk, "sk": sk]) }
        }
    }

    static func sortKey(_ windowStart: Int64) -> String {
        let digits = String(windowStart)
        return "W#" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }
}

extension RateLimiter.Rule {
    /// DESIGN.md: 10 failed logins per account, or 50 per source address, in 15 minutes.
    public static let loginPerAccount = RateLimiter.Rule(scope: "login-account", limit: 10, window: 900)
    public static let loginPerAddress = RateLimiter.Rule(scope: "login-address", limit: 50, window: 900)
    /// Reset mail: at most 5 an hour per address, so the service cannot be used to flood a mailbox.
    public static let resetMail = RateLimiter.Rule(scope: "reset-mail", limit: 5, window: 3600)
    /// Sign-ups from one source address in an hour (`LIMIT_SIGNUPS_PER_ADDRESS`).
    public static func signupPerAddress(limit: Int) -> RateLimiter.Rule {
        RateLimiter.Rule(scope: "signup-address", limit: limit, window: 3600)
    }
}
