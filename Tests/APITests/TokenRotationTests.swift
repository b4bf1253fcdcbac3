import Cloud
import Foundation
import HTTP
import Runtime
import Testing
import Transcriptor

/// The access-token key lives in Secrets Manager and rotates with two valid at once: after
/// PutSecretValue and a cold start, tokens of the previous key still verify until they expire, new
/// ones carry the new key's `kid`, and a token naming no held key is refused.
@Suite(.serialized) struct TokenRotationTests {
    let api: APIHarness

    /// A warm instance reads the keys again for a token of a key it does not hold at most once a
    /// second here (30 seconds by default).
    init() throws { api = try APIHarness(config: "TOKEN_KEY_RECHECK_SECONDS=1") }

    /// The `kid` in a token's header.
    func keyID(_ token: String) throws -> String? {
        let header = try #require(Base64.decode(String(token.split(separator: ".")[0])))
        return try JSON.decode(JSONValue.self, from: header)["kid"]?.stringValue
    }

    func login(_ session: APIHarness.Session) throws -> String {
        let reply = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        #expect(reply.status == 200, "\(reply)")
        return try #require(reply.json["accessToken"] as? String)
    }

    /// PutSecretValue through the emulator's AWS endpoint, as an operator rotates the key.
    func rotate() throws -> String {
        let secrets = try SecretsManagerClient(configuration: api.aws)
        let new = Base64.encode(RandomBytes.generate(count: 48), urlSafe: true)
        let version = try secrets.putSecretValue(secretID: APIHarness.tokenSecretName, string: new)
        return try #require(version.versionID)
    }

    @Test func aRotatedKeyKeepsOldTokensValidAndSignsNewOnesWithItsKid() throws {
        let session = try api.signup()
        let first = try api.tokenKey()
        #expect(try keyID(session.accessToken) == first.id, "a token names the secret version that signed it")
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 200)

        let second = try rotate()
        let stages = try SecretsManagerClient(configuration: api.aws).describeSecret(
            secretID: APIHarness.tokenSecretName
        ).versionIDsToStages
        #expect(stages[second] == ["AWSCURRENT"])
        #expect(stages[first.id] == ["AWSPREVIOUS"])
        try api.coldStartFunctions()

        let old = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect(old.status == 200, "a token of the previous key stays valid until it expires: \(old)")
        let fresh = try login(session)
        #expect(try keyID(fresh) == second, "new tokens carry the new key's kid")
        #expect(try api.call(.get, "/v1/me", token: fresh).status == 200)

        // Forged or unknown key ids: refused, whatever the signature.
        let current = try api.tokenKey()
        #expect(current.id == second)
        let forgeries: [(String, String)] = [
            (
                "unknown kid",
                AccessTokenSigner(secret: current.secret, keyID: "not-a-version").issue(userID: session.userID).token
            ),
            (
                "kid of the previous key, signed with the current",
                AccessTokenSigner(secret: current.secret, keyID: first.id).issue(userID: session.userID).token
            ),
            (
                "current kid, another secret",
                AccessTokenSigner(secret: Array(repeating: 7, count: 48), keyID: second).issue(userID: session.userID)
                    .token
            ),
            (
                "no kid",
                Self.withoutKeyID(
                    AccessTokenSigner(signingKey: current).issue(userID: session.userID).token, secret: current.secret)
            ),
        ]
        for (name, token) in forgeries {
            let reply = try api.call(.get, "/v1/me", token: token)
            #expect(reply.status == 401, "\(name): \(reply)")
            #expect(reply.errorCode == "unauthorized", "\(name)")
        }
        #expect(
            try api.call(
                .get, "/v1/me", token: AccessTokenSigner(signingKey: current).issue(userID: session.userID).token
            ).status == 200, "the current key itself is accepted")

        // A second rotation retires the first key: its tokens are refused, the second's still pass.
        let third = try rotate()
        try api.coldStartFunctions()
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 401)
        #expect(try api.call(.get, "/v1/me", token: fresh).status == 200)
        #expect(try keyID(try login(session)) == third)
    }

    @Test func aWarmInstanceReadsTheKeysAgainForATokenOfANewKey() throws {
        let session = try api.signup()
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 200)
        let second = try rotate()
        // MeGet stays warm with the first key only; a token of the second reaches it.
        let current = try api.tokenKey()
        #expect(current.id == second)
        let fresh = AccessTokenSigner(signingKey: current).issue(userID: session.userID).token
        Thread.sleep(forTimeInterval: 1.1)
        let reply = try api.call(.get, "/v1/me", token: fresh)
        #expect(reply.status == 200, "the warm instance read the rotated secret: \(reply)")
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 200, "and still holds the first key")
        // Made-up key ids do not make it read the secret on every request (at most once a second here).
        let forged = AccessTokenSigner(secret: current.secret, keyID: "made-up").issue(userID: session.userID).token
        #expect(try api.call(.get, "/v1/me", token: forged).status == 401)
    }

    /// `token` re-signed with a header that names no key.
    static func withoutKeyID(_ token: String, secret: [UInt8]) -> String {
        let header = Base64.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8), urlSafe: true)
        let input = header + "." + token.split(separator: ".")[1]
        return input + "." + Base64.encode(Digest.hmacSHA256(key: secret, data: Array(input.utf8)), urlSafe: true)
    }
}
