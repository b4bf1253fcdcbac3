/// Why the account store refused a request; the API maps each to its status (`APIError(_:)`).
public enum AuthError: Error, Equatable, Sendable {
    /// The credential is missing, malformed, expired or revoked (nil: the generic message).
    case unauthorized(String?)
    /// The refresh token is unknown, expired, spent or signed out.
    case invalidRefreshToken
    /// An account with this address exists.
    case emailTaken(String)
    /// The account holds its most API keys.
    case tooManyAPIKeys(limit: Int)
    /// A rate limit was reached: the message, and when to try again.
    case rateLimited(String, retryAfterSeconds: Int)
}
