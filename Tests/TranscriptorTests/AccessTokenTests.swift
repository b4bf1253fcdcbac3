import Foundation
import TestSupport
import Testing

@testable import Runtime
@testable import Transcriptor

/// HS256 access tokens: pinned algorithm, expiry, tampering, and agreement with an independent
/// HMAC (Python's standard library).
@Suite struct AccessTokenTests {
    let secret = Array("a signing secret of at least thirty-two bytes!".utf8)
    var signer: AccessTokenSigner { AccessTokenSigner(secret: secret) }
    let now = Timestamp(iso8601: "2026-11-28T16:00:00Z")!

    @Test func issuedTokenVerifiesWithItsClaims() throws {
        let (token, claims) = signer.issue(userID: "u-123", now: now)
        #expect(claims.exp - claims.iat == 900, "15 minutes")
        #expect(try signer.verify(token, now: now.adding(seconds: 899)) == claims)
        #expect(token.split(separator: ".").count == 3)
        #expect(UUID(uuidString: claims.jti) != nil)
    }

    @Test func expiredTamperedAndForeignTokensAreRefused() {
        let (token, _) = signer.issue(userID: "u-123", now: now)
        #expect(throws: AccessTokenSigner.Failure.expired) { try signer.verify(token, now: now.adding(seconds: 900)) }
        let parts = token.split(separator: ".").map(String.init)
        let otherPayload = Base64.encode(
            Array(#"{"sub":"u-admin","iat":1795881600,"exp":1895881600,"jti":"x"}"#.utf8), urlSafe: true)
        #expect(throws: AccessTokenSigner.Failure.badSignature) {
            try signer.verify("\(parts[0]).\(otherPayload).\(parts[2])", now: now)
        }
        let foreign = AccessTokenSigner(secret: Array("another secret that is also long enough, yes".utf8))
        #expect(throws: AccessTokenSigner.Failure.badSignature) { try foreign.verify(token, now: now) }
        for malformed in ["", "a.b", "a.b.c.d", "!!!.???.***", token + "x"] {
            #expect(throws: AccessTokenSigner.Failure.self) { try signer.verify(malformed, now: now) }
        }
    }

    @Test func algorithmIsPinnedSoNoneAndOthersAreRefused() {
        let (token, _) = signer.issue(userID: "u-123", now: now)
        let payload = token.split(separator: ".")[1]
        for header in [
            #"{"alg":"none","typ":"JWT"}"#, #"{"alg":"HS512","typ":"JWT"}"#, #"{"alg":"RS256","typ":"JWT"}"#,
            #"{"typ":"JWT"}"#,
        ] {
            let forged = "\(Base64.encode(Array(header.utf8), urlSafe: true)).\(payload)."
            #expect(throws: AccessTokenSigner.Failure.unsupportedAlgorithm) { try signer.verify(forged, now: now) }
        }
    }

    @Test func aRotatedSignerVerifiesThePreviousKeyByItsKidAndSignsWithTheNew() throws {
        let old = AccessTokenSigner.Key(id: "v1", secret: secret)
        let new = AccessTokenSigner.Key(id: "v2", secret: Array("the next signing secret, also 32 bytes+".utf8))
        let before = AccessTokenSigner(signingKey: old)
        let after = AccessTokenSigner(signingKey: new, acceptedKeys: [old])
        let (oldToken, oldClaims) = before.issue(userID: "u-1", now: now)
        #expect(try after.verify(oldToken, now: now) == oldClaims)
        let (newToken, _) = after.issue(userID: "u-1", now: now)
        let header = try JSON.decode(JSONValue.self, from: Base64.decode(String(newToken.split(separator: ".")[0]))!)
        #expect(header["kid"] == "v2" && header["alg"] == "HS256")
        #expect(throws: AccessTokenSigner.Failure.unknownKey) { try before.verify(newToken, now: now) }
        // The previous key's id on a token the new key signed (or the reverse) is a bad signature.
        let swapped = AccessTokenSigner(signingKey: .init(id: "v1", secret: new.secret)).issue(userID: "u-1", now: now)
        #expect(throws: AccessTokenSigner.Failure.badSignature) { try after.verify(swapped.token, now: now) }
        let kidless = Base64.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8), urlSafe: true)
        let parts = newToken.split(separator: ".")
        #expect(throws: AccessTokenSigner.Failure.unknownKey) {
            try after.verify("\(kidless).\(parts[1]).\(parts[2])", now: now)
        }
        for kid in [#"1"#, #"null"#, #"["v2"]"#] {
            let forged = Base64.encode(Array(#"{"alg":"HS256","kid":\#(kid)}"#.utf8), urlSafe: true)
            #expect(throws: AccessTokenSigner.Failure.unknownKey) {
                try after.verify("\(forged).\(parts[1]).\(parts[2])", now: now)
            }
        }
    }

    @Test func signatureAgreesWithAnIndependentHMAC() throws {
        let (token, _) = signer.issue(userID: "u-123", now: now)
        let script = """
            import base64, hashlib, hmac, sys
            head, body, sig = sys.argv[2].split(".")
            mac = hmac.new(sys.argv[1].encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
            print("ok" if base64.urlsafe_b64encode(mac).rstrip(b"=").decode() == sig else "mismatch")
            """
        let result = try runProcess(
            "/usr/bin/env", ["python3", "-c", script, String(decoding: secret, as: UTF8.self), token])
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}
