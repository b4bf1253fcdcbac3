import Cloud
import Runtime

struct Credentials: Decodable {
    var email: String
    var password: String
}

struct TokenBody: Decodable {
    var token: String
}

struct EmailBody: Decodable {
    var email: String
}

struct ResetBody: Decodable {
    var token: String
    var password: String
}

extension APIError {
    static let invalidCredentials = APIError(
        status: 401, code: "invalid_credentials", message: "The email address or the password is not right.")
    static let invalidToken = APIError(
        status: 400, code: "invalid_token",
        message: "The link is not valid: it was already used, has expired, or was copied incompletely.")

    static func invalidEmail(_ invalid: EmailAddress.Invalid) -> APIError {
        .badRequest(invalid.message, code: "invalid_email")
    }

    static func weakPassword(_ weak: PasswordPolicy.Weak) -> APIError {
        .badRequest(weak.message, code: "weak_password")
    }
}

/// `POST /v1/auth/signup` → 201 with a session; a verification mail goes out, but using the
/// product never waits for it. Sign-ups are limited per source address (`LIMIT_SIGNUPS_PER_ADDRESS`
/// an hour, 429 with `Retry-After`), counted before the password is hashed, so neither mass
/// account creation nor scrypt work can be had for free.
public struct SignupRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(Credentials.self)
        let email: EmailAddress
        do { email = try EmailAddress(body.email) } catch { throw APIError.invalidEmail(error) }
        do { try PasswordPolicy().check(body.password, email: email) } catch { throw APIError.weakPassword(error) }
        let services = call.services
        let rule = RateLimiter.Rule.signupPerAddress(limit: services.settings.signupsPerAddressPerHour)
        _ = try services.rateLimiter.admit(rule, subject: call.sourceAddress, now: call.now) {
            "Too many sign-ups from your network; try again in \($0) minutes."
        }
        let record = try services.accounts.createUser(
            email: email, passwordHash: services.passwords.hash(body.password), now: call.now)
        do {
            try services.mail().sendVerification(to: record.user)
        } catch {
            // The account works without it; the reminder stays until the address is confirmed.
            call.context.logger.warn("verification mail not sent: \(error)", [("userId", record.user.id)])
        }
        return try SessionCookie.sessionResponse(
            201, try services.accounts.issueSession(for: record.user, signer: services.tokens(), now: call.now),
            for: call.request)
    }
}

/// `POST /v1/auth/login` → 200 with a session. Failures are throttled per account and per source
/// address (429 with `Retry-After`) before any password is checked.
public struct LoginRoute: APIRoute {
    public init() {}

    /// Verified when the address has no account, so a failure takes as long either way.
    static let decoyHash = PasswordHasher().hash("decoy password that matches nothing")

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(Credentials.self)
        let services = call.services
        let limiter = services.rateLimiter
        let account = Self.accountSubject(body.email)
        // Each attempt takes its place under both limits before any password is checked (one
        // conditional write each, so a burst cannot pass the limit); a success gives them back.
        let reservations = try Self.admitAttempt(account: account, address: call.sourceAddress, call: call)
        let record = try (try? EmailAddress(body.email)).flatMap { try services.accounts.user(email: $0) }
        let check = services.passwords.verify(body.password, against: record?.passwordHash ?? Self.decoyHash)
        guard let record, check.matches else { throw APIError.invalidCredentials }
        for reservation in reservations { try limiter.release(reservation) }
        if check.needsRehash {
            // Parameters were raised since this hash was made: upgrade it now the password is known.
            try services.accounts.setPasswordHash(record.user.id, services.passwords.hash(body.password))
        }
        return try SessionCookie.sessionResponse(
            200, try services.accounts.issueSession(for: record.user, signer: services.tokens(), now: call.now),
            for: call.request)
    }

    /// What the per-account limit counts by: the normalized address (what any spelling of it
    /// signs in to).
    static func accountSubject(_ email: String) -> String {
        (try? EmailAddress(email))?.normalized ?? email.trimmingWhitespace().lowercased()
    }

    static func throttled(_ minutes: Int64) -> String {
        "Too many failed logins; wait \(minutes) minutes, or reset your password."
    }

    /// A place for one password attempt under the per-account and the per-address limits.
    /// - Throws: 429 when either is reached (the other's place is given back).
    static func admitAttempt(account: String, address: String, call: APICall) throws -> [RateLimiter.Reservation] {
        let limiter = call.services.rateLimiter
        let perAccount = try limiter.admit(.loginPerAccount, subject: account, now: call.now, message: throttled)
        do {
            return [
                perAccount, try limiter.admit(.loginPerAddress, subject: address, now: call.now, message: throttled),
            ]
        } catch {
            try limiter.release(perAccount)
            throw error
        }
    }
}

/// A password check of a signed-in caller (changing the password, deleting the account): it
/// counts against the account's failed-login limit like a login, so a leaked key or token gives
/// no unlimited guesses.
/// - Throws: 429 over the limit; `wrongPassword` when it does not match.
func checkPassword(_ password: String, of record: UserRecord, call: APICall, wrongPassword: APIError) throws {
    let limiter = call.services.rateLimiter
    let reservation = try limiter.admit(
        .loginPerAccount, subject: LoginRoute.accountSubject(record.user.email), now: call.now,
        message: LoginRoute.throttled)
    guard call.services.passwords.verify(password, against: record.passwordHash).matches else { throw wrongPassword }
    try limiter.release(reservation)
}

/// `POST /v1/auth/refresh` → a new pair; the presented token (body or web app's cookie) is spent.
public struct RefreshRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let token = try SessionCookie.requiredToken(call.request)
        return try SessionCookie.sessionResponse(
            200, try call.services.accounts.refresh(token, signer: call.services.tokens(), now: call.now),
            for: call.request)
    }
}

/// `POST /v1/auth/logout` → 204; the session's refresh tokens stop working (and the web app's
/// cookie is cleared).
public struct LogoutRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        if let token = try SessionCookie.presentedToken(call.request) {
            try call.services.accounts.logout(token, now: call.now)
        } else if !SessionCookie.isWebClient(call.request) {
            throw SessionCookie.missingToken
        }
        return SessionCookie.loggedOut(for: call.request)
    }
}

/// `POST /v1/auth/verify-email` → 204; the link's token works once.
public struct VerifyEmailRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(TokenBody.self)
        let accounts = call.services.accounts
        guard let userID = try accounts.consumeMailToken(body.token, kind: .emailVerification, now: call.now) else {
            throw APIError.invalidToken
        }
        do {
            try accounts.markEmailVerified(userID)
        } catch is APIError {
            throw APIError.invalidToken
        }
        return .noContent
    }
}

/// `POST /v1/auth/forgot-password` → 202 whether or not the address has an account, so the
/// answer tells nobody which addresses do.
public struct ForgotPasswordRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(EmailBody.self)
        let email: EmailAddress
        do { email = try EmailAddress(body.email) } catch { throw APIError.invalidEmail(error) }
        let services = call.services
        let limiter = services.rateLimiter
        // Over the limit the mail is dropped silently: the answer is the same either way, so it
        // tells nobody which addresses have accounts.
        if case .success = try limiter.reserve(.resetMail, subject: email.normalized, now: call.now),
            let record = try services.accounts.user(email: email)
        {
            try services.mail().sendPasswordReset(to: record.user)
        }
        return .empty(202, headers: ["cache-control": "no-store"])
    }
}

/// `POST /v1/auth/reset-password` → 204. The link is spent only when the reset succeeds (a weak
/// password leaves it usable), and spends every older link with it; every session of the account
/// is signed out and every API key revoked, since whoever asked for the reset may be locking out
/// someone who had the password or a key.
public struct ResetPasswordRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(ResetBody.self)
        do { try PasswordPolicy().check(body.password) } catch { throw APIError.weakPassword(error) }
        let services = call.services
        let accounts = services.accounts
        guard let pending = try accounts.pendingReset(body.token, now: call.now) else { throw APIError.invalidToken }
        let user = pending.record.user
        do {
            try PasswordPolicy().check(body.password, email: try? EmailAddress(user.email))
        } catch {
            throw APIError.weakPassword(error)
        }
        guard try accounts.completeReset(pending, passwordHash: services.passwords.hash(body.password)) else {
            throw APIError.invalidToken
        }
        try accounts.revokeAllSessions(user.id, now: call.now)
        try accounts.revokeAllAPIKeys(userID: user.id)
        try services.rateLimiter.reset(.loginPerAccount, subject: LoginRoute.accountSubject(user.email))
        return .noContent
    }
}
