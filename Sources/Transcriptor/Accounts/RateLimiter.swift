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

    /// A place taken in a window: handed back with `release` when the guarded work should not
    /// count (a login that succeeded).
    public struct Reservation: Sendable {
        let partition: String
        let window: Int64
    }

    /// Takes one place for `subject` under `rule`, or says how long to wait. The place is taken by
    /// one conditional write on this window's counter, so N requests at once get at most the
    /// limit between them, whatever their interleaving: the count is never read and then written.
    /// - Returns: the reservation, or the seconds to wait (`Retry-After`) when the limit is reached.
    public func reserve(_ rule: Rule, subject: String, now: Timestamp = .now()) throws -> Result<Reservation, Wait> {
        let seconds = now.secondsSinceEpoch
        let current = seconds - seconds % rule.window
        let previous = current - rule.window
        let partition = partition(rule, subject)
        // The previous window is closed: only releases still change it, and they only lower it.
        let earlier = try db.getItem(
            table: table, key: ["pk": .s(partition), "sk": .s(Self.sortKey(previous))], consistentRead: true)
        let inPrevious = Double(earlier?.int("count") ?? 0)
        let overlap = Double(rule.window - (seconds - current)) / Double(rule.window)
        // The sliding estimate, current + previous × overlap, must stay within the limit with this
        // event counted: the current window may hold fewer than `cap` before it.
        let cap = Int64((Double(rule.limit) - inPrevious * overlap).rounded(.up))
        // The previous window alone fills the limit: wait until it stops counting.
        guard cap > 0 else { return .failure(Wait(seconds: current + rule.window - seconds)) }
        do {
            try db.updateItem(
                table: table, key: ["pk": .s(partition), "sk": .s(Self.sortKey(current))],
                update: "ADD #count :one SET expiresAt = :expires",
                condition: "attribute_not_exists(#count) OR #count < :cap", names: ["#count": "count"],
                values: [
                    ":one": .number(1), ":cap": .number(cap), ":expires": .number(current + 2 * rule.window + 60),
                ])
        } catch let error as AWSError where error.isConditionFailure {
            // This window is full: when it ends the previous one stops counting, and if this one
            // alone is at the limit, its own end is the earliest the estimate can fall below it.
            let full = cap >= Int64(rule.limit)
            return .failure(Wait(seconds: current + (full ? 2 : 1) * rule.window - seconds))
        }
        return .success(Reservation(partition: partition, window: current))
    }

    /// How long to wait before the rule admits another event.
    public struct Wait: Error, Sendable {
        public var seconds: Int64
    }

    /// Gives a place back (the guarded work should not count: a login that succeeded). Never
    /// takes the counter below zero.
    public func release(_ reservation: Reservation) throws {
        do {
            try db.updateItem(
                table: table, key: ["pk": .s(reservation.partition), "sk": .s(Self.sortKey(reservation.window))],
                update: "ADD #count :minus", condition: "#count > :zero", names: ["#count": "count"],
                values: [":minus": .number(-1), ":zero": .number(0)])
        } catch let error as AWSError where error.isConditionFailure {
            // Already at zero (reset since): nothing to give back.
        }
    }

    /// Takes a place, or throws 429 with `Retry-After` and `message(minutes to wait)`.
    /// - Throws: `AuthError.rateLimited` when the limit is reached.
    public func admit(
        _ rule: Rule, subject: String, now: Timestamp, message: (_ minutes: Int64) -> String
    ) throws -> Reservation {
        switch try reserve(rule, subject: subject, now: now) {
        case .success(let reservation): return reservation
        case .failure(let wait):
            throw AuthError.rateLimited(message(wait.seconds / 60 + 1), retryAfterSeconds: Int(wait.seconds))
        }
    }

    /// Forgets `subject`'s events (after a password reset, say).
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
    /// Over the limit the route still answers 202 and sends nothing.
    public static let resetMail = RateLimiter.Rule(scope: "reset-mail", limit: 5, window: 3600)
    /// Billing changes (saving a card, subscribing, cancelling, resuming): at most 20 an hour per
    /// account, so cards cannot be tried through our Stripe account and mail cannot be flooded.
    public static let billingChanges = RateLimiter.Rule(scope: "billing-changes", limit: 20, window: 3600)
    /// Confirmation mail sent again: at most 5 an hour per account.
    public static let verificationMail = RateLimiter.Rule(scope: "verification-mail", limit: 5, window: 3600)
    /// Sign-ups from one source address in an hour (`LIMIT_SIGNUPS_PER_ADDRESS`).
    public static func signupPerAddress(limit: Int) -> RateLimiter.Rule {
        RateLimiter.Rule(scope: "signup-address", limit: limit, window: 3600)
    }
}
