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
        if let wait = try services.rateLimiter.retryAfter(rule, subject: call.sourceAddress, now: call.now) {
            throw APIError.tooManyRequests(
                "Too many sign-ups from your network; try again in \(wait / 60 + 1) minutes.",
                retryAfterSeconds: Int(wait))
        }
        try services.rateLimiter.record(rule, subject: call.sourceAddress, now: call.now)
        let record = try services.accounts.createUser(
            email: email, passwordHash: services.passwords.hash(body.password), now: call.now)
        do {
            try AccountMail(services: services).sendVerification(to: record.user)
        } catch {
            // The account works without it; the reminder stays until the address is confirmed.
            call.context.logger.warn("verification mail not sent: \(error)", [("userId", record.user.id)])
        }
        return try SessionCookie.sessionResponse(
            201, try services.accounts.issueSession(for: record.user, now: call.now), for: call.request)
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
        let account = body.email.trimmingWhitespace().lowercased()
        for (rule, subject) in [(RateLimiter.Rule.loginPerAccount, account), (.loginPerAddress, call.sourceAddress)] {
            if let wait = try limiter.retryAfter(rule, subject: subject, now: call.now) {
                throw APIError.tooManyRequests(
                    "Too many failed logins; wait \(wait / 60 + 1) minutes, or reset your password.",
                    retryAfterSeconds: Int(wait))
            }
        }
        let record = try (try? EmailAddress(body.email)).flatMap { try services.accounts.user(email: $0) }
        let check = services.passwords.verify(body.password, against: record?.passwordHash ?? Self.decoyHash)
        guard let record, check.matches else {
            try limiter.record(.loginPerAccount, subject: account, now: call.now)
            try limiter.record(.loginPerAddress, subject: call.sourceAddress, now: call.now)
            throw APIError.invalidCredentials
        }
        if check.needsRehash {
            // Parameters were raised since this hash was made: upgrade it now the password is known.
            try services.accounts.setPasswordHash(record.user.id, services.passwords.hash(body.password))
        }
        try limiter.reset(.loginPerAccount, subject: account)
        return try SessionCookie.sessionResponse(
            200, try services.accounts.issueSession(for: record.user, now: call.now), for: call.request)
    }
}

/// `POST /v1/auth/refresh` → a new pair; the presented token (body or web app's cookie) is spent.
public struct RefreshRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let token = try SessionCookie.requiredToken(call.request)
        return try SessionCookie.sessionResponse(
            200, try call.services.accounts.refresh(token, now: call.now), for: call.request)
    }
}

/// `POST /v1/auth/logout` → 204; the session's refresh tokens stop working (and the web app's
/// cookie is cleared).
public struct LogoutRoute: APIRoute {
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
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(EmailBody.self)
        let email: EmailAddress
        do { email = try EmailAddress(body.email) } catch { throw APIError.invalidEmail(error) }
        let services = call.services
        let limiter = services.rateLimiter
        if try limiter.retryAfter(.resetMail, subject: email.normalized, now: call.now) == nil,
            let record = try services.accounts.user(email: email)
        {
            try limiter.record(.resetMail, subject: email.normalized, now: call.now)
            try AccountMail(services: services).sendPasswordReset(to: record.user)
        }
        return .empty(202, headers: ["cache-control": "no-store"])
    }
}

/// `POST /v1/auth/reset-password` → 204; every session of the account is signed out.
public struct ResetPasswordRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.body(ResetBody.self)
        // Check the password before spending the token, so a weak one can be corrected.
        do { try PasswordPolicy().check(body.password) } catch { throw APIError.weakPassword(error) }
        let services = call.services
        let accounts = services.accounts
        guard let userID = try accounts.consumeMailToken(body.token, kind: .passwordReset, now: call.now),
            let record = try accounts.user(id: userID)
        else { throw APIError.invalidToken }
        let email = try? EmailAddress(record.user.email)
        do { try PasswordPolicy().check(body.password, email: email) } catch { throw APIError.weakPassword(error) }
        // The link came by mail, so the address is proven too.
        try accounts.updateProfile(
            userID, set: ["passwordHash": .s(services.passwords.hash(body.password)), "emailVerified": .bool(true)])
        try accounts.revokeAllSessions(userID, now: call.now)
        try services.rateLimiter.reset(.loginPerAccount, subject: record.user.email.lowercased())
        return .noContent
    }
}
