import Cloud
import Runtime

/// Accounts in the single table: users and their unique emails, sessions (refresh-token
/// families), API keys, single-use mail tokens, and deleting all of it.
public struct AccountStore {
    let db: DynamoDBClient
    let table: String
    let s3: S3Client
    let bucket: String

    /// Refresh tokens live 30 days; a session (family) as long as its newest token.
    public static let refreshLifetime: Int64 = 30 * 24 * 3600

    public init(db: DynamoDBClient, table: String, s3: S3Client, bucket: String) {
        self.db = db
        self.table = table
        self.s3 = s3
        self.bucket = bucket
    }

    // MARK: Users

    /// Creates an account. Two signups with one address (in any case) give one account: the
    /// email claim and the profile are written in one transaction, the claim only if it is new.
    /// - Throws: `AuthError.emailTaken`.
    public func createUser(email: EmailAddress, passwordHash: String, now: Timestamp = .now()) throws -> UserRecord {
        let userID = Identifiers.random("usr")
        let created = now.iso8601
        let profile: Item = [
            "pk": .s(Keys.user(userID)), "sk": .s(Keys.profile), "userId": .s(userID), "email": .s(email.text),
            "emailNormalized": .s(email.normalized), "passwordHash": .s(passwordHash), "emailVerified": .bool(false),
            "createdAt": .s(created), "webhookSecret": .s(WebhookSignature.newSecret()), "plan": .s("free"),
            "jobsInFlight": .number(0), "apiKeyCount": .number(0),
        ]
        var claim = Keys.email(email.normalized)
        claim["userId"] = .s(userID)
        do {
            try db.transactWriteItems([
                .put(table: table, item: claim, condition: "attribute_not_exists(pk)"),
                .put(table: table, item: profile, condition: "attribute_not_exists(pk)"),
            ])
        } catch let error as AWSError where error.cancelledConditions.first == true {
            throw AuthError.emailTaken(email.text)
        }
        return UserRecord(profile)!
    }

    /// The account, unless it is gone or being deleted (`includingDeleting` to see that too).
    public func user(id userID: String, includingDeleting: Bool = false) throws -> UserRecord? {
        guard
            let record = try db.getItem(table: table, key: Keys.owned(userID, Keys.profile), consistentRead: true)
                .flatMap(UserRecord.init), includingDeleting || !record.deleting
        else { return nil }
        return record
    }

    public func user(email: EmailAddress) throws -> UserRecord? {
        guard let claim = try db.getItem(table: table, key: Keys.email(email.normalized), consistentRead: true),
            let userID = claim.string("userId")
        else { return nil }
        return try user(id: userID)
    }

    /// Sets fields of the profile; fails (404) when the account is gone.
    func updateProfile(_ userID: String, set assignments: [String: AttributeValue]) throws {
        let update = AttributeUpdate(set: assignments)
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile), update: update.expression,
                condition: "attribute_exists(pk)", names: update.names, values: update.values)
        } catch let error as AWSError where error.isConditionFailure {
            throw AuthError.unauthorized(nil)
        }
    }

    public func setPasswordHash(_ userID: String, _ hash: String) throws {
        try updateProfile(userID, set: ["passwordHash": .s(hash)])
    }

    public func markEmailVerified(_ userID: String) throws {
        try updateProfile(userID, set: ["emailVerified": .bool(true)])
    }

    public func rotateWebhookSecret(_ userID: String) throws -> String {
        let secret = WebhookSignature.newSecret()
        try updateProfile(userID, set: ["webhookSecret": .s(secret)])
        return secret
    }

    // MARK: Sessions

    /// A new access token and refresh token, in `familyID`'s session or a new one.
    public func issueSession(
        for user: User, signer tokens: AccessTokenSigner, familyID existing: String? = nil, now: Timestamp = .now()
    ) throws
        -> AuthResult
    {
        let familyID = existing ?? Identifiers.random("fam")
        let refresh = OpaqueToken(kind: .refresh)
        let expires = now.secondsSinceEpoch + Self.refreshLifetime
        var tokenItem = Keys.refreshToken(refresh.hash)
        tokenItem["userId"] = .s(user.id)
        tokenItem["familyId"] = .s(familyID)
        tokenItem["expiresAt"] = .number(expires)
        var family = Keys.owned(user.id, Keys.family(familyID))
        family["expiresAt"] = .number(expires)
        family["createdAt"] = .s(now.iso8601)
        if existing == nil {
            try db.transactWriteItems([
                .put(table: table, item: family), .put(table: table, item: tokenItem),
            ])
        } else {
            // The family must still be live: a revoked one issues nothing more.
            try db.transactWriteItems([
                .update(
                    table: table, key: Keys.owned(user.id, Keys.family(familyID)), update: "SET expiresAt = :e",
                    condition: "attribute_exists(pk) AND attribute_not_exists(revokedAt)",
                    values: [":e": .number(expires)]
                ),
                .put(table: table, item: tokenItem),
            ])
        }
        let access = tokens.issue(userID: user.id, now: now)
        return AuthResult(
            user: user, accessToken: access.token, refreshToken: refresh.text,
            expiresIn: tokens.lifetimeSeconds)
    }

    /// How long a spent refresh token may be presented again for a sibling pair (a client whose
    /// answer was lost retries), before a reuse counts as theft.
    public static let reuseGraceSeconds: Int64 = 10

    /// Spends a refresh token for a new pair in the same session. A token is spent once: presented
    /// again within `reuseGraceSeconds` of being spent it gets a fresh sibling pair in the same
    /// session (the first answer may have been lost on the way); later, a second use (a copy in
    /// someone else's hands, or a replay) revokes the whole session.
    public func refresh(_ text: String, signer: AccessTokenSigner, now: Timestamp = .now()) throws -> AuthResult {
        guard let token = OpaqueToken(presented: text, kind: .refresh) else { throw AuthError.invalidRefreshToken }
        let key = Keys.refreshToken(token.hash)
        let spent: Item?
        do {
            spent = try db.updateItem(
                table: table, key: key, update: "SET spentAt = :now, spentAtSeconds = :seconds",
                condition: "attribute_exists(pk) AND attribute_not_exists(spentAt)",
                values: [":now": .s(now.iso8601), ":seconds": .number(now.secondsSinceEpoch)], returnValues: .allNew)
        } catch let error as AWSError where error.isConditionFailure {
            // Spent before: within the grace window a sibling pair is issued below; later, theft.
            guard let item = try db.getItem(table: table, key: key, consistentRead: true) else {
                throw AuthError.invalidRefreshToken
            }
            if let spentAt = item.int("spentAtSeconds"), now.secondsSinceEpoch - spentAt <= Self.reuseGraceSeconds,
                let expires = item.int("expiresAt"), expires > now.secondsSinceEpoch
            {
                spent = item
            } else {
                if let userID = item.string("userId"), let familyID = item.string("familyId") {
                    try revokeFamily(userID: userID, familyID: familyID, now: now)
                }
                throw AuthError.invalidRefreshToken
            }
        }
        guard let item = spent, let userID = item.string("userId"), let familyID = item.string("familyId"),
            let expires = item.int("expiresAt"), expires > now.secondsSinceEpoch,
            let record = try user(id: userID)
        else { throw AuthError.invalidRefreshToken }
        do {
            return try issueSession(for: record.user, signer: signer, familyID: familyID, now: now)
        } catch let error as AWSError where error.cancelledConditions.first == true {
            throw AuthError.invalidRefreshToken  // the session was revoked meanwhile
        }
    }

    /// Ends the session the token belongs to (whether or not the token was spent).
    public func logout(_ text: String, now: Timestamp = .now()) throws {
        guard let token = OpaqueToken(presented: text, kind: .refresh),
            let item = try db.getItem(table: table, key: Keys.refreshToken(token.hash), consistentRead: true),
            let userID = item.string("userId"), let familyID = item.string("familyId")
        else { return }
        try revokeFamily(userID: userID, familyID: familyID, now: now)
    }

    func revokeFamily(userID: String, familyID: String, now: Timestamp) throws {
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.family(familyID)), update: "SET revokedAt = :now",
                condition: "attribute_exists(pk)", values: [":now": .s(now.iso8601)])
        } catch let error as AWSError where error.isConditionFailure {
            // Already gone with its account: nothing left to revoke.
        }
    }

    /// Signs out every session of the user (after a password reset or change): their refresh
    /// tokens stop working, and so do access tokens issued before `now` (`sessionsValidFrom`,
    /// which `authenticate` checks), so a stolen access token dies with them.
    public func revokeAllSessions(_ userID: String, now: Timestamp = .now()) throws {
        try updateProfile(userID, set: ["sessionsValidFrom": .number(now.secondsSinceEpoch)])
        for item in try ownedItems(userID, prefix: Keys.familyPrefix) where item["revokedAt"] == nil {
            guard let sk = item.string("sk") else { continue }
            try revokeFamily(userID: userID, familyID: String(sk.dropFirst(Keys.familyPrefix.count)), now: now)
        }
    }

    // MARK: Single-use mail tokens

    /// A token for a link in mail; stored hashed, expiring, spent by `consumeMailToken`.
    /// - Parameter attributes: more to keep on the token (a reset link's `resetEpoch`).
    public func createMailToken(
        _ kind: OpaqueToken.Kind, userID: String, lifetime: Int64, attributes: Item = [:], now: Timestamp = .now()
    )
        throws -> OpaqueToken
    {
        let token = OpaqueToken(kind: kind)
        var item = Keys.mailToken(token.hash).merging(attributes) { key, _ in key }
        item["userId"] = .s(userID)
        item["kind"] = .s(kind.rawValue)
        item["expiresAt"] = .number(now.secondsSinceEpoch + lifetime)
        try db.putItem(table: table, item: item)
        return token
    }

    /// The user a valid token was made for, spending it; nil for an unknown, used or expired token.
    public func consumeMailToken(_ text: String, kind: OpaqueToken.Kind, now: Timestamp = .now()) throws -> String? {
        guard let token = OpaqueToken(presented: text, kind: kind) else { return nil }
        let old: Item?
        do {
            old = try db.deleteItem(
                table: table, key: Keys.mailToken(token.hash), condition: "attribute_exists(pk)", returnValues: .allOld)
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
        guard let old, old.string("kind") == kind.rawValue, let expires = old.int("expiresAt"),
            expires > now.secondsSinceEpoch
        else { return nil }
        return old.string("userId")
    }

    // MARK: Password reset

    /// A new password-reset token. Each account counts its reset links (`resetEpoch` on the
    /// profile): a new link, or a reset that succeeds, moves the count on, and a link works only
    /// while it carries the current count, so every older link is spent.
    public func createResetToken(userID: String, lifetime: Int64, now: Timestamp = .now()) throws -> OpaqueToken {
        let epoch: Int64
        do {
            let updated = try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile),
                update: "SET resetEpoch = if_not_exists(resetEpoch, :zero) + :one", condition: "attribute_exists(pk)",
                values: [":zero": .number(0), ":one": .number(1)], returnValues: .updatedNew)
            epoch = updated?.int("resetEpoch") ?? 0
        } catch let error as AWSError where error.isConditionFailure {
            throw AuthError.unauthorized(nil)
        }
        return try createMailToken(
            .passwordReset, userID: userID, lifetime: lifetime, attributes: ["resetEpoch": .number(epoch)], now: now)
    }

    /// A reset link that still works, without spending it (a weak new password leaves it usable).
    public struct PendingReset {
        public var record: UserRecord
        let tokenHash: String
        let epoch: Int64
    }

    /// The account a live reset link was made for; nil for an unknown, expired, spent or
    /// superseded link.
    public func pendingReset(_ text: String, now: Timestamp = .now()) throws -> PendingReset? {
        guard let token = OpaqueToken(presented: text, kind: .passwordReset),
            let item = try db.getItem(table: table, key: Keys.mailToken(token.hash), consistentRead: true),
            item.string("kind") == OpaqueToken.Kind.passwordReset.rawValue,
            let expires = item.int("expiresAt"), expires > now.secondsSinceEpoch,
            let userID = item.string("userId"), let epoch = item.int("resetEpoch"),
            let profile = try db.getItem(table: table, key: Keys.owned(userID, Keys.profile), consistentRead: true),
            let record = UserRecord(profile), !record.deleting, profile.int("resetEpoch") == epoch
        else { return nil }
        return PendingReset(record: record, tokenHash: token.hash, epoch: epoch)
    }

    /// Sets the new password (the address counts as confirmed: the link came by mail) and spends
    /// the link and every other one in one transaction, so two uses of one link at once give one
    /// reset. False when the link was spent or superseded meanwhile.
    public func completeReset(_ pending: PendingReset, passwordHash: String) throws -> Bool {
        do {
            try db.transactWriteItems([
                .update(
                    table: table, key: Keys.owned(pending.record.user.id, Keys.profile),
                    update: "SET passwordHash = :hash, emailVerified = :yes, resetEpoch = resetEpoch + :one",
                    condition: "attribute_exists(pk) AND resetEpoch = :epoch",
                    values: [
                        ":hash": .s(passwordHash), ":yes": .bool(true), ":one": .number(1),
                        ":epoch": .number(pending.epoch),
                    ]),
                .delete(table: table, key: Keys.mailToken(pending.tokenHash), condition: "attribute_exists(pk)"),
            ])
            return true
        } catch let error as AWSError where error.code == "TransactionCanceledException" {
            return false
        }
    }

    /// Replaces the account's glossary.
    public func setVocabulary(userID: String, _ terms: [String], now: Timestamp) throws {
        try db.updateItem(
            table: table, key: Keys.owned(userID, Keys.profile), update: "SET vocabulary = :terms, updatedAt = :now",
            condition: "attribute_exists(pk)",
            values: [":terms": .l(terms.map(AttributeValue.s)), ":now": .s(now.iso8601)])
    }

    // MARK: Items of a user

    /// Every item of the user's partition whose sort key starts with `prefix`; only the named
    /// attributes when `attributes` is given.
    func ownedItems(_ userID: String, prefix: String, attributes: [String]? = nil) throws -> [Item] {
        let projection = attributes.map(Projection.init)
        var items: [Item] = []
        var start: Item?
        repeat {
            let page = try db.query(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)", names: projection?.names ?? [:],
                values: [":pk": .s(Keys.user(userID)), ":prefix": .s(prefix)], exclusiveStartKey: start,
                projection: projection?.expression, consistentRead: true)
            items += page.items
            start = page.lastEvaluatedKey
        } while start != nil
        return items
    }

    /// Deletes the account and everything it owns. The profile is marked deleting first (its
    /// tokens and keys stop working at once) and the account is listed under `DELETING`, so a
    /// deletion cut short (a timeout, a crash) is finished by a retry of the route or by the
    /// sweep; then keys, sessions, jobs, usage and every object under the user's prefixes go, the
    /// profile, and last the email claim and the listing: the address can sign up again only once
    /// nothing of the old account is left. Safe to run again at any point.
    public func deleteAccount(_ record: UserRecord, now: Timestamp = .now()) throws {
        let userID = record.user.id
        var marker = Keys.deleting(userID)
        marker["userId"] = .s(userID)
        marker["email"] = .s(record.user.email)
        marker["since"] = .s(now.iso8601)
        do {
            try db.transactWriteItems([
                .update(
                    table: table, key: Keys.owned(userID, Keys.profile), update: "SET deletingAt = :now",
                    condition: "attribute_exists(pk) AND attribute_not_exists(deletingAt)",
                    values: [":now": .s(now.iso8601)]),
                .put(table: table, item: marker),
            ])
        } catch let error as AWSError where error.cancelledConditions.first == true {
            // Marked already (a retry) or gone: finish what is left.
        }
        try finishDeletion(userID: userID, email: record.user.email)
    }

    /// The rest of a deletion that `deleteAccount` started (idempotent).
    func finishDeletion(userID: String, email: String) throws {
        for item in try ownedItems(
            userID, prefix: "", attributes: ["pk", "sk", "keyHash", "stripeCustomerId", "shareHash"])
        {
            if let customerID = item.string("stripeCustomerId") {
                // The Stripe customer → account lookup (billing removed the customer itself).
                try db.deleteItem(
                    table: table, key: BillingStore.customerKey(customerID),
                    condition: "userId = :u OR attribute_not_exists(pk)", values: [":u": .s(userID)])
            }
            guard item.string("sk") != Keys.profile else { continue }
            if let hash = item.string("keyHash") { try db.deleteItem(table: table, key: Keys.apiKeyLookup(hash)) }
            if let hash = item.string("shareHash") { try db.deleteItem(table: table, key: JobStore.shareLookup(hash)) }
            guard let pk = item["pk"], let sk = item["sk"] else { continue }
            try db.deleteItem(table: table, key: ["pk": pk, "sk": sk])
        }
        for prefix in StorageKey.userPrefixes(userID) {
            _ = try s3.deletePrefix(bucket: bucket, prefix: prefix)
        }
        try db.deleteItem(table: table, key: Keys.owned(userID, Keys.profile))
        if let address = try? EmailAddress(email) {
            try db.deleteItem(
                table: table, key: Keys.email(address.normalized), condition: "userId = :u OR attribute_not_exists(pk)",
                values: [":u": .s(userID)])
        }
        try db.deleteItem(table: table, key: Keys.deleting(userID))
    }

    /// Finishes deletions that were started before `before` and never completed (the sweep).
    /// - Returns: how many were finished.
    public func finishStalledDeletions(before: Timestamp, limit: Int) throws -> Int {
        let projection = Projection(["userId", "email", "since"])
        let page = try db.query(
            table: table, keyCondition: "pk = :pk", names: projection.names, values: [":pk": Keys.deleting("")["pk"]!],
            limit: limit, projection: projection.expression, consistentRead: true)
        var finished = 0
        for item in page.items {
            guard let userID = item.string("userId"), let email = item.string("email"),
                let since = item.string("since").flatMap(Timestamp.init(iso8601:)),
                since.millisecondsSinceEpoch < before.millisecondsSinceEpoch
            else { continue }
            try finishDeletion(userID: userID, email: email)
            finished += 1
        }
        return finished
    }

    // MARK: Plans

    /// The plan the account is on (`free` when it chose none) and where its minutes count now,
    /// read alone of the profile: the transcode and persist stages' roles may read no more of it.
    public func planAndUsagePeriod(
        userID: String, plans: PlanCatalog, now: Timestamp = .now()
    ) throws -> (
        plan: Plan, period: UsagePeriod
    ) {
        let projection = Projection(["plan", "planHeldUntil", "currentPeriodStart", "currentPeriodEnd"])
        let item = try db.getItem(
            table: table, key: Keys.owned(userID, Keys.profile), consistentRead: true,
            projection: projection.expression, names: projection.names)
        let plan = plans.planOrDefault(
            PlanCatalog.planInForce(stored: item?.string("plan"), heldUntil: item?.int("planHeldUntil")))
        return (
            plan,
            UsagePeriod.of(
                plan: plan, periodStart: item?.int("currentPeriodStart"), periodEnd: item?.int("currentPeriodEnd"),
                now: now)
        )
    }

    /// Puts the account of `email` on `planID` without payment (trials, staff, tests): the
    /// operator's path (`transcriptor-local plan`). Billing moves plans through Stripe.
    /// - Returns: the account's user id; nil when no account has that address.
    public func setPlan(email: EmailAddress, planID: String) throws -> String? {
        guard let claim = try db.getItem(table: table, key: Keys.email(email.normalized), consistentRead: true),
            let userID = claim.string("userId")
        else { return nil }
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile), update: "SET #plan = :plan",
                condition: "attribute_exists(pk)", names: ["#plan": "plan"], values: [":plan": .s(planID)])
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
        return userID
    }

    // MARK: Usage

    public struct Usage: Encodable, Sendable {
        /// The UTC month the period starts in (`2026-12`).
        public var month: String
        /// The period the minutes count in: the calendar month, or a paid plan's billing period.
        public var periodStart: String
        public var periodEnd: String
        public var audioSeconds: Double
        public var jobs: Int
    }

    public func usage(_ userID: String, period: UsagePeriod) throws -> Usage {
        try Self.usage(userID, period: period, db: db, table: table)
    }

    /// The period's metered usage, as every store that checks the quota reads it.
    static func usage(_ userID: String, period: UsagePeriod, db: DynamoDBClient, table: String) throws -> Usage {
        let projection = Projection(["audioSeconds", "jobs"])
        let item = try db.getItem(
            table: table, key: Keys.owned(userID, Keys.usage(period.key)), consistentRead: true,
            projection: projection.expression, names: projection.names)
        return Usage(
            month: Keys.month(period.start), periodStart: period.start.iso8601, periodEnd: period.end.iso8601,
            audioSeconds: item?.double("audioSeconds") ?? 0, jobs: Int(item?.int("jobs") ?? 0))
    }
}
