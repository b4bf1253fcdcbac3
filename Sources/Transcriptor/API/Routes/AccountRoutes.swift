import Cloud
import Runtime

struct PasswordBody: Decodable {
    var password: String
}

struct NameBody: Decodable {
    var name: String
    /// Optional: the key stops working this many days after it is made.
    var expiresInDays: Int?
}

/// `GET /v1/me` → the account, plan, this month's usage, limits and webhook signing secret.
public struct MeRoute: APIRoute {
    public init() {}

    struct Me: Encodable {
        var user: User
        var plan: String
        var usage: AccountStore.Usage
        var limits: ServiceSettings.Limits
        var webhookSecret: String
        var vocabulary: [String]
        var speech: SpeechCapabilities
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        let services = call.services
        let usage = try services.accounts.usage(
            record.user.id, period: record.usagePeriod(plans: services.settings.plans, now: call.now))
        return try .api(
            200,
            Me(
                user: record.user, plan: record.plan, usage: usage,
                limits: services.settings.limits(forPlan: record.plan),
                webhookSecret: record.webhookSecret, vocabulary: record.vocabulary, speech: services.settings.speech))
    }
}

/// `PUT /v1/me/vocabulary` `{"terms": [...]}` → 200 `{"terms"}`: the account's glossary, given to
/// every job made from then on (with the job's own `options.vocabulary` first). `[]` clears it.
public struct SetVocabularyRoute: APIRoute {
    public init() {}

    struct Body: Codable { var terms: [String] }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let terms = try Vocabulary.check(try call.body(Body.self).terms, field: "terms")
        try call.services.accounts.setVocabulary(userID: caller.userID, terms, now: call.now)
        return try .api(200, Body(terms: terms))
    }
}

/// `DELETE /v1/me` `{password}` → 204; the account and all its data are gone. The password check
/// counts against the account's failed-login limit (429 over it).
public struct DeleteAccountRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        // An account whose deletion was cut short can be deleted again: this finishes it.
        let (_, record) = try call.authenticate(includingDeleting: true)
        let body = try call.body(PasswordBody.self)
        try checkPassword(
            body.password, of: record, call: call,
            wrongPassword: APIError(
                status: 403, code: "wrong_password", message: "The password is not right; the account was not deleted.")
        )
        // Billing ends first: the subscription is cancelled at once and the Stripe customer removed.
        if call.services.settings.stripe != nil {
            let billing: Billing = try call.services.billing()
            try billing.closeAccount(userID: record.user.id)
        }
        try call.services.accounts.deleteAccount(record, now: call.now)
        return .noContent
    }
}

/// `POST /v1/me/webhook-secret` → a new signing secret; the old one stops signing at once.
public struct RotateWebhookSecretRoute: APIRoute {
    public init() {}

    struct Secret: Encodable { var webhookSecret: String }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        return try .api(200, Secret(webhookSecret: try call.services.accounts.rotateWebhookSecret(caller.userID)))
    }
}

/// `POST /v1/api-keys` `{name, expiresInDays?}` → 201 with the key, shown only here.
public struct CreateAPIKeyRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, record) = try call.authenticate()
        let body = try call.body(NameBody.self)
        let name = body.name.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 100 else { throw APIError.badRequest("name must have 1 to 100 characters.") }
        try DisplayText.check(name, field: "name")
        if let days = body.expiresInDays, !(1...3650).contains(days) {
            throw APIError.badRequest("expiresInDays must be a whole number from 1 to 3650 (or left out: no expiry).")
        }
        return try .api(
            201,
            try call.services.accounts.createAPIKey(
                userID: caller.userID, name: name, expiresInDays: body.expiresInDays, keyCount: record.apiKeyCount,
                now: call.now))
    }
}

/// `GET /v1/api-keys` → the caller's keys, without the keys themselves.
public struct ListAPIKeysRoute: APIRoute {
    public init() {}

    struct Keys: Encodable { var apiKeys: [APIKeyInfo] }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        return try .api(200, Keys(apiKeys: try call.services.accounts.apiKeys(userID: caller.userID)))
    }
}

/// `DELETE /v1/api-keys/{id}` → 204; the key stops working at once.
public struct RevokeAPIKeyRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let keyID = call.request.pathParameter("id") ?? ""
        guard try call.services.accounts.revokeAPIKey(userID: caller.userID, keyID: keyID) else {
            throw APIError.notFound("API key")
        }
        return .noContent
    }
}

struct PasswordChange: Decodable {
    var currentPassword: String
    var newPassword: String
    var revokeApiKeys: Bool?
}

/// `POST /v1/me/password` `{currentPassword, newPassword, revokeApiKeys?}` → 200 with a new
/// session: every other session (other devices, stolen refresh tokens) is signed out, and with
/// `revokeApiKeys: true` every API key revoked. The password check counts against the account's
/// failed-login limit (429 over it).
public struct ChangePasswordRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        let body = try call.body(PasswordChange.self)
        let services = call.services
        try checkPassword(
            body.currentPassword, of: record, call: call,
            wrongPassword: APIError(
                status: 403, code: "wrong_password", message: "The current password is not right; nothing was changed.")
        )
        do {
            try PasswordPolicy().check(body.newPassword, email: try? EmailAddress(record.user.email))
        } catch {
            throw APIError.weakPassword(error)
        }
        try services.accounts.setPasswordHash(record.user.id, services.passwords.hash(body.newPassword))
        try services.accounts.revokeAllSessions(record.user.id, now: call.now)
        if body.revokeApiKeys == true { try services.accounts.revokeAllAPIKeys(userID: record.user.id) }
        return try SessionCookie.sessionResponse(
            200, try services.accounts.issueSession(for: record.user, signer: services.tokens(), now: call.now),
            for: call.request)
    }
}

/// `POST /v1/me/verification-email` → 202: the confirmation link again (at most 5 an hour).
public struct ResendVerificationRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        guard !record.user.emailVerified else {
            throw APIError.conflict("already_verified", "\(record.user.email) is confirmed already.")
        }
        _ = try call.services.rateLimiter.admit(.verificationMail, subject: record.user.id, now: call.now) { _ in
            "Several confirmation mails went out in the last hour; check your spam folder, or try again later."
        }
        try call.services.mail().sendVerification(to: record.user)
        return .empty(202, headers: ["cache-control": "no-store"])
    }
}
