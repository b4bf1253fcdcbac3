import Cloud
import Runtime

/// API keys: shown once, stored as a hash with a short visible prefix, listable, revocable, and
/// accepted wherever an access token is. Two items per key: the user's (listing, `lastUsedAt`) and
/// a lookup by hash (authentication), written and deleted together.
extension AccountStore {
    public static let maxKeysPerUser = 50

    public func createAPIKey(userID: String, name: String, now: Timestamp = .now()) throws -> APIKeyInfo {
        guard try ownedItems(userID, prefix: Keys.apiKeyPrefix).count < Self.maxKeysPerUser else {
            throw APIError.conflict(
                "too_many_api_keys", "An account has at most \(Self.maxKeysPerUser) API keys; revoke one first.")
        }
        let keyID = Identifiers.random("key")
        let key = OpaqueToken(kind: .apiKey)
        let created = now.iso8601
        var owned = Keys.owned(userID, Keys.apiKey(keyID))
        owned["keyId"] = .s(keyID)
        owned["name"] = .s(name)
        owned["prefix"] = .s(key.visiblePrefix)
        owned["createdAt"] = .s(created)
        owned["keyHash"] = .s(key.hash)
        var lookup = Keys.apiKeyLookup(key.hash)
        lookup["userId"] = .s(userID)
        lookup["keyId"] = .s(keyID)
        try db.transactWriteItems([
            // The account must still exist.
            .conditionCheck(table: table, key: Keys.owned(userID, Keys.profile), condition: "attribute_exists(pk)"),
            .put(table: table, item: owned), .put(table: table, item: lookup),
        ])
        return APIKeyInfo(
            id: keyID, name: name, prefix: key.visiblePrefix, createdAt: created, lastUsedAt: nil, key: key.text)
    }

    /// The user's keys, oldest first.
    public func apiKeys(userID: String) throws -> [APIKeyInfo] {
        try ownedItems(userID, prefix: Keys.apiKeyPrefix).compactMap { item in
            guard let id = item.string("keyId"), let name = item.string("name"), let prefix = item.string("prefix"),
                let created = item.string("createdAt")
            else { return nil }
            return APIKeyInfo(
                id: id, name: name, prefix: prefix, createdAt: created, lastUsedAt: item.string("lastUsedAt"), key: nil)
        }.sorted { $0.createdAt < $1.createdAt }
    }

    /// Revokes a key of the user's; false when the user has no key with that id.
    public func revokeAPIKey(userID: String, keyID: String) throws -> Bool {
        guard Identifiers.isWellFormed(keyID, prefix: "key"),
            let item = try db.getItem(table: table, key: Keys.owned(userID, Keys.apiKey(keyID)), consistentRead: true),
            let hash = item.string("keyHash")
        else { return false }
        try db.transactWriteItems([
            .delete(table: table, key: Keys.apiKeyLookup(hash)),
            .delete(table: table, key: Keys.owned(userID, Keys.apiKey(keyID))),
        ])
        return true
    }

    /// The owner of a live key, recording its use (at most once a minute, to spare writes).
    func authenticateAPIKey(_ text: String, now: Timestamp) throws -> Caller? {
        guard let key = OpaqueToken(presented: text, kind: .apiKey),
            let lookup = try db.getItem(table: table, key: Keys.apiKeyLookup(key.hash), consistentRead: true),
            let userID = lookup.string("userId"), let keyID = lookup.string("keyId")
        else { return nil }
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
