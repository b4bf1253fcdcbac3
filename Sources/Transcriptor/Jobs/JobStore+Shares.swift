import Cloud
import Runtime

/// Read-only links to a finished job's transcript (`POST /v1/jobs/{id}/shares`): the token is 32
/// random bytes handed out once and stored only as its SHA-256. A share is two items written
/// together: the owner's (`SHARE#{jobId}#{shareId}` in the user's partition, listed and revoked
/// from there) and the lookup by hash (`SHARE#{hash}`, the only way in without an account), which
/// also expires by the table's TTL. A share whose job is gone is not found, whatever is left.
extension JobStore {
    public static let shareLifetimeDays = 1...365
    public static let defaultShareDays = 30
    /// The most live links a job may have at once.
    public static let maxSharesPerJob = 50

    /// A share as its owner sees it (never its token, which is not kept).
    public struct Share: Encodable, Sendable, Equatable {
        public var id: String
        public var createdAt: String
        public var expiresAt: String
        public var includeMedia: Bool
    }

    /// Where a token leads.
    public struct SharedJob: Sendable {
        public var userID: String
        public var jobID: String
        public var shareID: String
        public var includeMedia: Bool
    }

    static func shareKey(_ jobID: String, _ shareID: String) -> String { "SHARE#\(jobID)#\(shareID)" }
    static func shareLookup(_ hash: String) -> Item { ["pk": .s("SHARE#\(hash)"), "sk": .s("SHARE")] }

    /// A new share of the job: its record and the token (the only time it exists in the clear).
    public func createShare(
        userID: String, jobID: String, days: Int, includeMedia: Bool, now: Timestamp
    ) throws -> (Share, token: String) {
        let token = OpaqueToken(kind: .share)
        let shareID = Identifiers.random("shr")
        let expires = now.adding(seconds: Int64(days) * 86400)
        let share = Share(id: shareID, createdAt: now.iso8601, expiresAt: expires.iso8601, includeMedia: includeMedia)
        var owned = Keys.owned(userID, Self.shareKey(jobID, shareID))
        owned["shareHash"] = .s(token.hash)
        owned["createdAt"] = .s(share.createdAt)
        owned["shareExpiresAt"] = .s(share.expiresAt)
        owned["includeMedia"] = .bool(includeMedia)
        owned["expiresAt"] = .number(expires.secondsSinceEpoch)
        var lookup = Self.shareLookup(token.hash)
        lookup["userId"] = .s(userID)
        lookup["jobId"] = .s(jobID)
        lookup["shareId"] = .s(shareID)
        lookup["includeMedia"] = .bool(includeMedia)
        lookup["shareExpiresAt"] = .s(share.expiresAt)
        lookup["expiresAt"] = .number(expires.secondsSinceEpoch)
        try db.transactWriteItems([
            .put(table: table, item: owned, condition: "attribute_not_exists(pk)"),
            .put(table: table, item: lookup, condition: "attribute_not_exists(pk)"),
            // Only while the job is there: a share made as the job is deleted is not left behind.
            .conditionCheck(
                table: table, key: Keys.owned(userID, Keys.job(jobID)), condition: "attribute_exists(pk)"),
        ])
        return (share, token.text)
    }

    /// Every item of the job's shares (the table's TTL removes expired ones, eventually).
    func shareItems(userID: String, jobID: String) throws -> [Item] {
        var items: [Item] = []
        var start: Item?
        repeat {
            let page = try db.query(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)",
                values: [":pk": .s(Keys.user(userID)), ":prefix": .s(Self.shareKey(jobID, ""))],
                exclusiveStartKey: start, consistentRead: true)
            items += page.items
            start = page.lastEvaluatedKey
        } while start != nil
        return items
    }

    /// The job's shares that have not expired, newest first.
    public func shares(userID: String, jobID: String, now: Timestamp) throws -> [Share] {
        try shareItems(userID: userID, jobID: jobID).compactMap { item -> Share? in
            guard let sk = item.string("sk"), let created = item.string("createdAt"),
                let expires = item.string("shareExpiresAt"),
                let time = Timestamp(iso8601: expires), time.millisecondsSinceEpoch > now.millisecondsSinceEpoch
            else { return nil }
            return Share(
                id: String(sk.dropFirst(Self.shareKey(jobID, "").count)), createdAt: created, expiresAt: expires,
                includeMedia: item.bool("includeMedia") ?? false)
        }.sorted { $0.createdAt > $1.createdAt }
    }

    /// Revokes a share at once: its lookup goes with it. False when the job has no such share.
    public func deleteShare(userID: String, jobID: String, shareID: String) throws -> Bool {
        guard Identifiers.isWellFormed(shareID, prefix: "shr"),
            let item = try db.getItem(
                table: table, key: Keys.owned(userID, Self.shareKey(jobID, shareID)), consistentRead: true),
            let hash = item.string("shareHash")
        else { return false }
        try db.transactWriteItems([
            .delete(table: table, key: Self.shareLookup(hash)),
            .delete(table: table, key: Keys.owned(userID, Self.shareKey(jobID, shareID))),
        ])
        return true
    }

    /// Revokes every share of a job (it is being deleted).
    func deleteShares(userID: String, jobID: String) throws {
        for item in try shareItems(userID: userID, jobID: jobID) {
            if let hash = item.string("shareHash") { try db.deleteItem(table: table, key: Self.shareLookup(hash)) }
            if let pk = item["pk"], let sk = item["sk"] { try db.deleteItem(table: table, key: ["pk": pk, "sk": sk]) }
        }
    }

    /// Where a presented token leads; nil for a token that is malformed, unknown, revoked or expired.
    public func sharedJob(token text: String, now: Timestamp) throws -> SharedJob? {
        guard let token = OpaqueToken(presented: text, kind: .share),
            let item = try db.getItem(table: table, key: Self.shareLookup(token.hash), consistentRead: true),
            let userID = item.string("userId"), let jobID = item.string("jobId"),
            let shareID = item.string("shareId"),
            let expires = item.string("shareExpiresAt").flatMap(Timestamp.init(iso8601:)),
            expires.millisecondsSinceEpoch > now.millisecondsSinceEpoch
        else { return nil }
        return SharedJob(
            userID: userID, jobID: jobID, shareID: shareID, includeMedia: item.bool("includeMedia") ?? false)
    }
}
