import Cloud
import Runtime

extension AccountStore {
    /// The caller of a request: `Authorization: Bearer` with an access token (valid until it
    /// expires or its account is deleted) or an API key (until it is revoked). Every failure is the
    /// same 401, so a caller learns nothing about why beyond "sign in again".
    /// - Returns: the caller and their profile, read consistently.
    public func authenticate(
        _ request: APIRequest, signer: (_ token: String) throws -> AccessTokenSigner, now: Timestamp = .now(),
        includingDeleting: Bool = false
    ) throws -> (Caller, UserRecord) {
        guard let credential = request.bearerCredential else {
            throw AuthError.unauthorized("Send an access token or API key as Authorization: Bearer <credential>.")
        }
        let caller: Caller
        var issuedAt: Int64?
        if credential.hasPrefix("\(OpaqueToken.Kind.apiKey.rawValue)_") {
            guard let found = try authenticateAPIKey(credential, now: now) else {
                throw AuthError.unauthorized("The API key is unknown or revoked.")
            }
            caller = found
        } else {
            let tokens = try signer(credential)
            do {
                let claims = try tokens.verify(credential, now: now)
                caller = Caller(userID: claims.sub, apiKeyID: nil)
                issuedAt = claims.iat
            } catch .expired {
                throw AuthError.unauthorized("The access token has expired; refresh it or log in again.")
            } catch {
                throw AuthError.unauthorized(nil)
            }
        }
        guard let record = try user(id: caller.userID, includingDeleting: includingDeleting) else {
            throw AuthError.unauthorized(nil)
        }
        // A password reset or change signs every earlier session out, access tokens included.
        if let issuedAt, let validFrom = record.sessionsValidFrom, issuedAt < validFrom {
            throw AuthError.unauthorized("The session was signed out (the password changed); log in again.")
        }
        return (caller, record)
    }
}
