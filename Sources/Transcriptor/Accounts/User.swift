import Cloud
import Runtime

/// An account as the API shows it.
public struct User: Codable, Sendable, Equatable {
    public var id: String
    public var email: String
    public var emailVerified: Bool
    public var createdAt: String

    public init(id: String, email: String, emailVerified: Bool, createdAt: String) {
        self.id = id
        self.email = email
        self.emailVerified = emailVerified
        self.createdAt = createdAt
    }
}

/// The stored profile: the user plus what only the service sees.
public struct UserRecord: Sendable {
    public var user: User
    public var passwordHash: String
    public var webhookSecret: String
    public var plan: String
    public var jobsInFlight: Int
    /// Access tokens issued before this (seconds since the epoch) are refused: a password reset or
    /// change signed their sessions out.
    public var sessionsValidFrom: Int64?
    /// The account is being deleted: it no longer signs in (`AccountStore.deleteAccount`).
    public var deleting: Bool
    /// How many API keys the account holds (nil on accounts made before the count was kept).
    var apiKeyCount: Int64?
    /// The paid subscription's billing period as Stripe last said (seconds since the epoch).
    public var currentPeriodStart: Int64?
    public var currentPeriodEnd: Int64?
    /// The account's glossary (`PUT /v1/me/vocabulary`), given to every job.
    public var vocabulary: [String]

    init?(_ item: Item) {
        guard let id = item.string("userId"), let email = item.string("email"),
            let passwordHash = item.string("passwordHash"), let createdAt = item.string("createdAt")
        else { return nil }
        user = User(id: id, email: email, emailVerified: item.bool("emailVerified") ?? false, createdAt: createdAt)
        self.passwordHash = passwordHash
        webhookSecret = item.string("webhookSecret") ?? ""
        plan = PlanCatalog.planInForce(stored: item.string("plan"), heldUntil: item.int("planHeldUntil"))
        jobsInFlight = Int(item.int("jobsInFlight") ?? 0)
        sessionsValidFrom = item.int("sessionsValidFrom")
        deleting = item["deletingAt"] != nil
        apiKeyCount = item.int("apiKeyCount")
        currentPeriodStart = item.int("currentPeriodStart")
        currentPeriodEnd = item.int("currentPeriodEnd")
        if case .l(let values)? = item["vocabulary"] {
            vocabulary = values.compactMap(\.stringValue)
        } else {
            vocabulary = []
        }
    }
}

/// What signup, login and refresh return.
public struct AuthResult: Encodable, Sendable {
    public var user: User
    public var accessToken: String
    public var refreshToken: String
    public var expiresIn: Int64
}

/// An API key as listed (the key itself is shown only when it is created).
public struct APIKeyInfo: Encodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var prefix: String
    public var createdAt: String
    public var lastUsedAt: String?
    /// When the key stops working; nil for never.
    public var expiresAt: String?
    /// Only in the answer to creation.
    public var key: String?

    enum CodingKeys: String, CodingKey { case id, name, prefix, createdAt, lastUsedAt, expiresAt, key }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(prefix, forKey: .prefix)
        try container.encode(createdAt, forKey: .createdAt)
        if let expiresAt {
            try container.encode(expiresAt, forKey: .expiresAt)
        } else {
            try container.encodeNil(forKey: .expiresAt)
        }
        if let key {
            try container.encode(key, forKey: .key)
        } else if let lastUsedAt {
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
        } else {
            try container.encodeNil(forKey: .lastUsedAt)
        }
    }
}

/// Who is calling: the user, and whether through an API key (which one) or an access token.
public struct Caller: Sendable {
    public var userID: String
    public var apiKeyID: String?
}

extension UserRecord {
    /// Where the account's included minutes count now (`UsagePeriod`).
    public func usagePeriod(plans: PlanCatalog, now: Timestamp) -> UsagePeriod {
        UsagePeriod.of(
            plan: plans.planOrDefault(plan), periodStart: currentPeriodStart, periodEnd: currentPeriodEnd, now: now)
    }
}
