import Cloud

extension AccountStore {
    /// The user's webhook signing secret, read alone (a projection of the profile): the pipeline
    /// signs webhooks with it, and its roles may read nothing else of the profile (no password
    /// hash, no email).
    /// - Returns: nil when the account is gone (or has no secret).
    public func webhookSecret(userID: String) throws -> String? {
        let projection = Projection(["webhookSecret"])
        return try db.getItem(
            table: table, key: Keys.owned(userID, Keys.profile), consistentRead: true,
            projection: projection.expression, names: projection.names
        )?.string("webhookSecret")
    }
}
