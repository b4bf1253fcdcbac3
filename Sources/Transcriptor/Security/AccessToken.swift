import Cloud
import Runtime

/// Access tokens: JWTs signed with HMAC-SHA256 (RFC 7519). The algorithm is pinned: a token
/// whose header names any other (`none` included) is refused, whatever it carries.
public struct AccessTokenSigner: Sendable {
    /// The claims of an access token.
    public struct Claims: Codable, Sendable, Equatable {
        /// The user id.
        public var sub: String
        /// Issued at, seconds since the epoch.
        public var iat: Int64
        /// Expires at, seconds since the epoch.
        public var exp: Int64
        /// The token's own id.
        public var jti: String

        public init(sub: String, iat: Int64, exp: Int64, jti: String) {
            self.sub = sub
            self.iat = iat
            self.exp = exp
            self.jti = jti
        }
    }

    /// Why a token was refused; every case is a 401 for the caller.
    public enum Failure: Error, Equatable, Sendable {
        case malformed, unsupportedAlgorithm, badSignature, expired, notYetValid
    }

    private let secret: [UInt8]
    /// How long a new token lives (15 minutes).
    public let lifetimeSeconds: Int64

    /// - Parameter secret: at least 32 bytes (the emulator generates one in its data folder;
    ///   deployments take it from configuration).
    public init(secret: [UInt8], lifetimeSeconds: Int64 = 15 * 60) {
        precondition(secret.count >= 32, "a JWT signing secret needs at least 32 bytes")
        self.secret = secret
        self.lifetimeSeconds = lifetimeSeconds
    }

    private static let header = Base64.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8), urlSafe: true)

    /// A new token for `userID`, valid from `now` for `lifetimeSeconds`.
    public func issue(userID: String, now: Timestamp = .now()) -> (token: String, claims: Claims) {
        let claims = Claims(
            sub: userID, iat: now.secondsSinceEpoch, exp: now.secondsSinceEpoch + lifetimeSeconds,
            jti: RandomBytes.uuid())
        // Encoding four plain fields cannot fail.
        let payload = Base64.encode(try! JSON.encode(claims), urlSafe: true)
        let signingInput = "\(Self.header).\(payload)"
        return ("\(signingInput).\(signature(signingInput))", claims)
    }

    /// The claims of a valid, unexpired token.
    /// - Throws: `Failure` saying why the token is refused.
    public func verify(_ token: String, now: Timestamp = .now()) throws(Failure) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64.decode(String(parts[0])),
            let header = try? JSON.decode(JSONValue.self, from: headerBytes)
        else { throw .malformed }
        guard header["alg"] == .string("HS256"), header["crit"] == nil else { throw .unsupportedAlgorithm }
        guard let given = Base64.decode(String(parts[2])),
            constantTimeEquals(given, Digest.hmacSHA256(key: secret, data: Array("\(parts[0]).\(parts[1])".utf8)))
        else { throw .badSignature }
        guard let payload = Base64.decode(String(parts[1])), let claims = try? JSON.decode(Claims.self, from: payload)
        else {
            throw .malformed
        }
        let seconds = now.secondsSinceEpoch
        guard seconds < claims.exp else { throw .expired }
        guard claims.iat <= seconds + 60 else { throw .notYetValid }
        return claims
    }

    private func signature(_ signingInput: String) -> String {
        Base64.encode(Digest.hmacSHA256(key: secret, data: Array(signingInput.utf8)), urlSafe: true)
    }
}
