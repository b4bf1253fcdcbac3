import Cloud
import Foundation
import HTTP
import Runtime
import Testing

/// Email verification and password reset through the outbox, API keys, the webhook secret, and
/// deleting an account with everything it owns: the routes' handlers called directly
/// (`RouteHarness`), over the real services of the emulator.
@Suite(.serialized) struct AccountTests {
    let api: RouteHarness

    init() throws { api = try RouteHarness() }

    @Test func theVerificationLinkInTheOutboxVerifiesTheAddressOnce() throws {
        let session = try api.signup()
        let token = try #require(try api.linkToken(to: session.email, page: "/verify-email"))
        #expect(token.hasPrefix("ev_"))
        let mail = try #require(try api.mail(to: session.email).last)
        #expect((mail["html"] as? String)?.contains("http://127.0.0.1:3000/verify-email?token=") == true)
        // Using the product does not wait for verification.
        #expect(try api.call(.get, "/v1/jobs", token: session.accessToken).status == 200)
        let verify = try api.call(.post, "/v1/auth/verify-email", json: ["token": token])
        #expect(verify.status == 204, "\(verify)")
        let me = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect((me.json["user"] as? [String: Any])?["emailVerified"] as? Bool == true)
        let again = try api.call(.post, "/v1/auth/verify-email", json: ["token": token])
        #expect(again.status == 400)
        #expect(again.errorCode == "invalid_token")
        #expect(try api.call(.post, "/v1/auth/verify-email", json: ["token": "ev_forged"]).errorCode == "invalid_token")
    }

    @Test func forgotPasswordAnswers202ForAnyAddressAndMailsOnlyAccounts() throws {
        let unknown = try api.call(.post, "/v1/auth/forgot-password", json: ["email": "ghost@example.com"])
        #expect(unknown.status == 202)
        #expect(try api.mail(to: "ghost@example.com").isEmpty)
        #expect(try api.call(.post, "/v1/auth/forgot-password", json: ["email": "nope"]).status == 400)
    }

    @Test func aResetLinkSetsANewPasswordOnceAndSignsEverySessionOut() throws {
        let session = try api.signup()
        #expect(
            try api.call(.post, "/v1/auth/forgot-password", json: ["email": session.email.uppercased()]).status == 202)
        let token = try #require(try api.linkToken(to: session.email, page: "/reset-password"))
        // A weak password is refused before the token is spent.
        let weak = try api.call(.post, "/v1/auth/reset-password", json: ["token": token, "password": "short"])
        #expect(weak.status == 400)
        #expect(weak.errorCode == "weak_password")
        let newPassword = "a brand new passphrase"
        let reset = try api.call(.post, "/v1/auth/reset-password", json: ["token": token, "password": newPassword])
        #expect(reset.status == 204, "\(reset)")
        #expect(
            try api.call(.post, "/v1/auth/reset-password", json: ["token": token, "password": newPassword]).errorCode
                == "invalid_token")
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken]).status == 401)
        let old = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        #expect(old.status == 401)
        let new = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": newPassword])
        #expect(new.status == 200)
        #expect(((new.json["user"] as? [String: Any])?["emailVerified"] as? Bool) == true)
    }

    @Test func apiKeysAreShownOnceWorkLikeATokenAndStopWhenRevoked() throws {
        let session = try api.signup()
        let created = try api.call(.post, "/v1/api-keys", token: session.accessToken, json: ["name": " laptop "])
        #expect(created.status == 201, "\(created)")
        let key = try #require(created.json["key"] as? String)
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["name"] as? String == "laptop")
        #expect(key.hasPrefix(created.json["prefix"] as? String ?? "?"))
        let listed = try api.call(.get, "/v1/api-keys", token: session.accessToken)
        let keys = try #require(listed.json["apiKeys"] as? [[String: Any]])
        #expect(keys.count == 1)
        #expect(keys[0]["key"] == nil, "the key is never shown again")
        #expect(keys[0]["lastUsedAt"] is NSNull)
        #expect(!listed.text.contains(key))
        // The key works wherever a token does, and its use is recorded.
        #expect(try api.call(.get, "/v1/me", token: key).status == 200)
        let job = try api.call(
            .post, "/v1/jobs", token: key,
            json: ["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 4]]])
        #expect(job.status == 201, "\(job)")
        let used = try api.call(.get, "/v1/api-keys", token: session.accessToken)
        #expect(((used.json["apiKeys"] as? [[String: Any]])?.first?["lastUsedAt"] as? String) != nil)
        for bad in ["", #"{"name":""}"#, #"{"name":5}"#, #"{"name":"\#(String(repeating: "k", count: 101))"}"#] {
            #expect(try api.call(.post, "/v1/api-keys", token: session.accessToken, body: bad).status == 400, "\(bad)")
        }
        #expect(try api.call(.delete, "/v1/api-keys/\(id)", token: session.accessToken).status == 204)
        let revoked = try api.call(.get, "/v1/me", token: key)
        #expect(revoked.status == 401)
        #expect(try api.call(.delete, "/v1/api-keys/\(id)", token: session.accessToken).status == 404)
        #expect(try api.call(.delete, "/v1/api-keys/key_nonsense", token: session.accessToken).status == 404)
    }

    @Test func theWebhookSecretRotates() throws {
        let session = try api.signup()
        let before = try #require(
            try api.call(.get, "/v1/me", token: session.accessToken).json["webhookSecret"] as? String)
        let rotated = try api.call(.post, "/v1/me/webhook-secret", token: session.accessToken)
        #expect(rotated.status == 200)
        let after = try #require(rotated.json["webhookSecret"] as? String)
        #expect(after != before && after.hasPrefix("whsec_"))
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).json["webhookSecret"] as? String == after)
    }

    @Test func meShowsPlanUsageAndLimits() throws {
        let session = try api.signup()
        let me = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect(me.json["plan"] as? String == "free")
        let usage = try #require(me.json["usage"] as? [String: Any])
        #expect(usage["audioSeconds"] as? Double == 0)
        #expect((usage["month"] as? String)?.count == 7)
        let limits = try #require(me.json["limits"] as? [String: Any])
        // A new account is on Free (config/plans.json): its limits, not the deployment's caps.
        #expect(limits["monthlyAudioMinutes"] as? Int == 60)
        #expect(limits["jobsInFlight"] as? Int == 3)
        #expect(limits["maxUploadBytes"] as? Int == 2 * 1024 * 1024 * 1024)
        #expect(limits["maxFileSeconds"] as? Int == 30 * 60)
    }

    @Test func deletingTheAccountRemovesEveryItemAndObject() throws {
        let session = try api.signup()
        let key = try #require(
            try api.call(.post, "/v1/api-keys", token: session.accessToken, json: ["name": "k"]).json["key"] as? String)
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 4]]])
        let upload = try #require(created.json["upload"] as? [String: Any])
        let put = try HTTPClient().execute(
            HTTPRequest(
                .put, url: upload["url"] as! String, headers: [("Content-Type", "audio/wav")],
                body: .bytes([1, 2, 3, 4])))
        #expect(put.status == 200)
        let s3 = try S3Client(configuration: api.aws)
        #expect(try s3.listAllObjects(bucket: api.bucket, prefix: "uploads/\(session.userID)/").count == 1)

        let wrong = try api.call(.delete, "/v1/me", token: session.accessToken, json: ["password": "not it at all"])
        #expect(wrong.status == 403)
        #expect(wrong.errorCode == "wrong_password")
        let deleted = try api.call(.delete, "/v1/me", token: session.accessToken, json: ["password": session.password])
        #expect(deleted.status == 204, "\(deleted)")

        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 401)
        #expect(try api.call(.get, "/v1/me", token: key).status == 401)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken]).status == 401)
        #expect(
            try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password]).status
                == 401)
        #expect(try s3.listAllObjects(bucket: api.bucket, prefix: "uploads/\(session.userID)/").isEmpty)
        let db = try DynamoDBClient(configuration: api.aws)
        let left = try db.query(
            table: "transcriptor-local-Table", keyCondition: "pk = :pk", values: [":pk": .s("USER#\(session.userID)")])
        #expect(left.items.isEmpty, "\(left.items)")
        // The address is free again.
        #expect(try api.signup(session.email).email == session.email)
    }

    @Test func changingThePasswordSignsOtherSessionsOutAndKeepsThisOne() throws {
        let session = try api.signup()
        let other = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        let otherRefresh = try #require(other.json["refreshToken"] as? String)
        let wrong = try api.call(
            .post, "/v1/me/password", token: session.accessToken,
            json: ["currentPassword": "not the password", "newPassword": "another long passphrase"])
        #expect(wrong.status == 403)
        #expect(wrong.errorCode == "wrong_password")
        let weak = try api.call(
            .post, "/v1/me/password", token: session.accessToken,
            json: ["currentPassword": session.password, "newPassword": "short"])
        #expect(weak.status == 400)
        #expect(weak.errorCode == "weak_password")
        let changed = try api.call(
            .post, "/v1/me/password", token: session.accessToken,
            json: ["currentPassword": session.password, "newPassword": "another long passphrase"])
        #expect(changed.status == 200, "\(changed)")
        let fresh = try #require(changed.json["refreshToken"] as? String)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": otherRefresh]).status == 401)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken]).status == 401)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": fresh]).status == 200)
        let login = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": "another long passphrase"])
        #expect(login.status == 200)
    }

    @Test func theConfirmationLinkCanBeSentAgainWithinALimit() throws {
        let session = try api.signup()
        #expect(try api.mail(to: session.email).count == 1)
        for _ in 0..<5 {
            #expect(try api.call(.post, "/v1/me/verification-email", token: session.accessToken).status == 202)
        }
        let limited = try api.call(.post, "/v1/me/verification-email", token: session.accessToken)
        #expect(limited.status == 429)
        #expect(limited.header("retry-after") != nil)
        #expect(try api.mail(to: session.email).count == 6)
        let token = try #require(try api.linkToken(to: session.email, page: "/verify-email"))
        #expect(try api.call(.post, "/v1/auth/verify-email", json: ["token": token]).status == 204)
        let verified = try api.call(.post, "/v1/me/verification-email", token: session.accessToken)
        #expect(verified.status == 409)
        #expect(verified.errorCode == "already_verified")
    }
}
