import Cloud
import Runtime

/// Access tokens: JWTs signed with HMAC-SHA256 (RFC 7519). The algorithm is pinned: a token
/// whose header names any other (`none` included) is refused, whatever it carries. The header's
/// `kid` names the key that signed it, so a key can rotate with two valid at once: new tokens are
/// signed with the current key, and a token of the previous key verifies until it expires. A
/// token without a `kid`, or with one of no key held, is refused.
public struct AccessTokenSigner: Sendable {
    /// One HMAC key and its id (the `kid` of the tokens it signs).
    public struct Key: Sendable {
        public var id: String
        public var secret: [UInt8]

        /// - Parameter secret: at least 32 bytes.
        public init(id: String, secret: [UInt8]) {
            precondition(secret.count >= 32, "a JWT signing secret needs at least 32 bytes")
            precondition(!id.isEmpty, "a signing key needs an id")
            self.id = id
            self.secret = secret
        }
    }

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
        case malformed, unsupportedAlgorithm, unknownKey, badSignature, expired, notYetValid
    }

    /// The key new tokens are signed with.
    public let signingKey: Key
    /// The keys tokens are verified with: the signing key and the ones still accepted.
    private let keys: [Key]
    /// How long a new token lives (15 minutes).
    public let lifetimeSeconds: Int64
    /// The encoded header of new tokens.
    private let header: String

    /// - Parameters:
    ///   - signingKey: signs new tokens (the secret's `AWSCURRENT` version).
    ///   - acceptedKeys: other keys whose tokens still verify (`AWSPREVIOUS`).
    public init(signingKey: Key, acceptedKeys: [Key] = [], lifetimeSeconds: Int64 = 15 * 60) {
        self.signingKey = signingKey
        keys = [signingKey] + acceptedKeys.filter { $0.id != signingKey.id }
        self.lifetimeSeconds = lifetimeSeconds
        struct Header: Encodable {
            var alg = "HS256"
            var typ = "JWT"
            var kid: String
        }
        // Encoding three plain fields cannot fail.
        header = Base64.encode(try! JSON.encode(Header(kid: signingKey.id)), urlSafe: true)
    }

    /// One key, `secret` (at least 32 bytes), with the id `keyID`.
    public init(secret: [UInt8], keyID: String = "local", lifetimeSeconds: Int64 = 15 * 60) {
        self.init(signingKey: Key(id: keyID, secret: secret), lifetimeSeconds: lifetimeSeconds)
    }

    /// A new token for `userID`, valid from `now` for `lifetimeSeconds`.
    public func issue(userID: String, now: Timestamp = .now()) -> (token: String, claims: Claims) {
        let claims = Claims(
            sub: userID, iat: now.secondsSinceEpoch, exp: now.secondsSinceEpoch + lifetimeSeconds,
            jti: RandomBytes.uuid())
        // Encoding four plain fields cannot fail.
        let payload = Base64.encode(try! JSON.encode(claims), urlSafe: true)
        let signingInput = "\(header).\(payload)"
        let signature = Digest.hmacSHA256(key: signingKey.secret, data: Array(signingInput.utf8))
        return ("\(signingInput).\(Base64.encode(signature, urlSafe: true))", claims)
    }

    /// Whether `part` is what `Base64.encode(_:urlSafe: true)` writes for the bytes it decodes to.
    static func isCanonicalBase64URL(_ part: Substring) -> Bool {
        guard !part.isEmpty, let bytes = Base64.decode(String(part)) else { return false }
        return Base64.encode(bytes, urlSafe: true) == part
    }

    /// Whether tokens of the key `id` verify here.
    public func holds(keyID id: String) -> Bool { keys.contains { $0.id == id } }

    /// The `kid` a token's header names, if it has a readable one (nothing is verified).
    public static func keyID(of token: String) -> String? {
        guard let first = token.split(separator: ".", maxSplits: 1).first, let bytes = Base64.decode(String(first)),
            case .string(let id)? = (try? JSON.decode(JSONValue.self, from: bytes))?["kid"]
        else { return nil }
        return id
    }

    /// The claims of a valid, unexpired token.
    /// - Throws: `Failure` saying why the token is refused.
    public func verify(_ token: String, now: Timestamp = .now()) throws(Failure) -> Claims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        // One spelling per token: unpadded base64url only, each part exactly as we would write it
        // (a lenient decoder would also take `TOKEN=`, padding or standard-alphabet variants, so
        // one token would have many accepted texts).
        guard parts.count == 3, Self.isCanonicalBase64URL(parts[0]), Self.isCanonicalBase64URL(parts[1]) else {
            throw .malformed
        }
        guard let headerBytes = Base64.decode(String(parts[0])),
            let header = try? JSON.decode(JSONValue.self, from: headerBytes)
        else { throw .malformed }
        guard header["alg"] == .string("HS256"), header["crit"] == nil else { throw .unsupportedAlgorithm }
        guard case .string(let keyID)? = header["kid"], let key = keys.first(where: { $0.id == keyID }) else {
            throw .unknownKey
        }
        guard Self.isCanonicalBase64URL(parts[2]), let given = Base64.decode(String(parts[2])),
            constantTimeEquals(given, Digest.hmacSHA256(key: key.secret, data: Array("\(parts[0]).\(parts[1])".utf8)))
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
}
