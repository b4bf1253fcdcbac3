import Cloud
import Runtime

/// API keys: shown once, stored as a hash with a short visible prefix, listable, revocable, and
/// accepted wherever an access token is. Two items per key: the user's (listing, `lastUsedAt`) and
/// a lookup by hash (authentication), written and deleted together.
extension AccountStore {
    public static let maxKeysPerUser = 50

    /// A new key. The account's key count (`apiKeyCount` on the profile) is raised in the same
    /// transaction, on condition that it is below the cap, so parallel requests cannot pass it.
    /// - Parameters:
    ///   - expiresInDays: the key stops working this long after now; nil for never.
    ///   - keyCount: the profile's count as read (nil: an account from before the count was kept,
    ///     whose count is taken from its keys first).
    /// - Throws: `AuthError.tooManyAPIKeys` at the cap; `.unauthorized` when the account is gone.
    public func createAPIKey(
        userID: String, name: String, expiresInDays: Int? = nil, keyCount: Int64?, now: Timestamp = .now()
    ) throws -> APIKeyInfo {
        if keyCount == nil { try startAPIKeyCount(userID) }
        let keyID = Identifiers.random("key")
        let key = OpaqueToken(kind: .apiKey)
        let created = now.iso8601
        let expires = expiresInDays.map { now.adding(seconds: Int64($0) * 24 * 3600) }
        var owned = Keys.owned(userID, Keys.apiKey(keyID))
        owned["keyId"] = .s(keyID)
        owned["name"] = .s(name)
        owned["prefix"] = .s(key.visiblePrefix)
        owned["createdAt"] = .s(created)
        owned["keyHash"] = .s(key.hash)
        var lookup = Keys.apiKeyLookup(key.hash)
        lookup["userId"] = .s(userID)
        lookup["keyId"] = .s(keyID)
        if let expires {
            // The listing keeps an expired key until it is revoked (so it is counted and shown);
            // the lookup goes with the table's TTL, and authentication checks the time itself.
            owned["keyExpiresAt"] = .s(expires.iso8601)
            lookup["expiresAt"] = .number(expires.secondsSinceEpoch)
        }
        do {
            try db.transactWriteItems([
                // The account must still exist, and have room for another key.
                .update(
                    table: table, key: Keys.owned(userID, Keys.profile), update: "SET apiKeyCount = apiKeyCount + :one",
                    condition: "attribute_exists(pk) AND attribute_not_exists(deletingAt) AND apiKeyCount < :max",
                    values: [":one": .number(1), ":max": .number(Self.maxKeysPerUser)]),
                .put(table: table, item: owned), .put(table: table, item: lookup),
            ])
        } catch let error as AWSError where error.cancelledConditions.first == true {
            guard try user(id: userID) != nil else { throw AuthError.unauthorized(nil) }
            throw AuthError.tooManyAPIKeys(limit: Self.maxKeysPerUser)
        }
        return APIKeyInfo(
            id: keyID, name: name, prefix: key.visiblePrefix, createdAt: created, lastUsedAt: nil,
            expiresAt: expires?.iso8601, key: key.text)
    }

    /// Starts the key count of an account made before it was kept, from the keys it holds.
    private func startAPIKeyCount(_ userID: String) throws {
        let count = try ownedItems(userID, prefix: Keys.apiKeyPrefix).count
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile), update: "SET apiKeyCount = :n",
                condition: "attribute_exists(pk) AND attribute_not_exists(apiKeyCount)",
                values: [":n": .number(count)])
        } catch let error as AWSError where error.isConditionFailure {
            // Started by a request at the same time, or the account is gone (the transaction says).
        }
    }

    /// The user's keys, oldest first.
    public func apiKeys(userID: String) throws -> [APIKeyInfo] {
        try ownedItems(userID, prefix: Keys.apiKeyPrefix).compactMap { item in
            guard let id = item.string("keyId"), let name = item.string("name"), let prefix = item.string("prefix"),
                let created = item.string("createdAt")
            else { return nil }
            return APIKeyInfo(
                id: id, name: name, prefix: prefix, createdAt: created, lastUsedAt: item.string("lastUsedAt"),
                expiresAt: item.string("keyExpiresAt"), key: nil)
        }.sorted { $0.createdAt < $1.createdAt }
    }

    /// Revokes a key of the user's; false when the user has no key with that id. The key's two
    /// items go and the account's key count drops in one transaction (a revocation racing another
    /// of the same key counts once).
    public func revokeAPIKey(userID: String, keyID: String) throws -> Bool {
        guard Identifiers.isWellFormed(keyID, prefix: "key"),
            let profile = try user(id: userID, includingDeleting: true),
            let item = try db.getItem(table: table, key: Keys.owned(userID, Keys.apiKey(keyID)), consistentRead: true),
            let hash = item.string("keyHash")
        else { return false }
        var writes: [DynamoDBClient.TransactWrite] = [
            .delete(table: table, key: Keys.apiKeyLookup(hash)),
            .delete(table: table, key: Keys.owned(userID, Keys.apiKey(keyID)), condition: "attribute_exists(pk)"),
        ]
        if profile.apiKeyCount != nil {
            writes.append(
                .update(
                    table: table, key: Keys.owned(userID, Keys.profile), update: "SET apiKeyCount = apiKeyCount - :one",
                    condition: "apiKeyCount > :zero", values: [":one": .number(1), ":zero": .number(0)]))
        }
        do {
            try db.transactWriteItems(writes)
        } catch let error as AWSError where error.code == "TransactionCanceledException" {
            return false  // revoked by a request at the same time
        }
        return true
    }

    /// Revokes every key of the user's (a password reset, or a change that asks for it).
    public func revokeAllAPIKeys(userID: String) throws {
        for item in try ownedItems(userID, prefix: Keys.apiKeyPrefix) {
            guard let keyID = item.string("keyId") else { continue }
            _ = try revokeAPIKey(userID: userID, keyID: keyID)
        }
    }

    /// The owner of a live key, recording its use (at most once a minute, to spare writes).
    func authenticateAPIKey(_ text: String, now: Timestamp) throws -> Caller? {
        guard let key = OpaqueToken(presented: text, kind: .apiKey),
            let lookup = try db.getItem(table: table, key: Keys.apiKeyLookup(key.hash), consistentRead: true),
            let userID = lookup.string("userId"), let keyID = lookup.string("keyId")
        else { return nil }
        // An expired key is refused at once, whether or not the table's TTL has removed it yet.
        if let expires = lookup.int("expiresAt"), expires <= now.secondsSinceEpoch { return nil }
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.apiKey(keyID)), update: "SET lastUsedAt = :now",
                condition: "attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :cutoff)",
                values: [":now": .s(now.iso8601), ":cutoff": .s(now.adding(seconds: -60).iso8601)])
        } catch let error as AWSError where error.isConditionFailure {
            // Recorded within the last minute, or revoked a moment ago (the profile check decides).
        }
        return Caller(userID: userID, apiKeyID: keyID)
    }
}
