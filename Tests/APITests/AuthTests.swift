import Foundation
import HTTP
import Runtime
import Testing
import Transcriptor

/// Signup, login, refresh, logout and what a bad credential gets, over HTTP through the emulator.
@Suite(.serialized) struct AuthTests {
    let api: APIHarness

    init() throws { api = try APIHarness() }

    @Test func signupReturnsASessionAndTheUser() throws {
        let reply = try api.call(
            .post, "/v1/auth/signup", json: ["email": "  Ada@Example.COM ", "password": APIHarness.password])
        #expect(reply.status == 201, "\(reply)")
        let user = try #require(reply.json["user"] as? [String: Any])
        #expect(user["email"] as? String == "Ada@Example.COM")
        #expect(user["emailVerified"] as? Bool == false)
        #expect((user["id"] as? String)?.hasPrefix("usr_") == true)
        #expect(reply.json["expiresIn"] as? Int == 900)
        #expect((reply.json["refreshToken"] as? String)?.hasPrefix("rt_") == true)
        let token = try #require(reply.json["accessToken"] as? String)
        let me = try api.call(.get, "/v1/me", token: token)
        #expect(me.status == 200, "\(me)")
        #expect((me.json["user"] as? [String: Any])?["id"] as? String == user["id"] as? String)
        #expect(reply.header("cache-control") == "no-store")
    }

    @Test func signupRefusesBadInputWithTheRuleInTheMessage() throws {
        let cases: [(body: String, status: Int, code: String, mentions: String)] = [
            (#"{"email":"not-an-address","password":"correct horse battery"}"#, 400, "invalid_email", "@"),
            (#"{"email":"a@example.com","password":"short"}"#, 400, "weak_password", "10"),
            (#"{"email":"a@example.com"}"#, 400, "invalid_request", "password"),
            (#"{"email":5,"password":"correct horse battery"}"#, 400, "invalid_request", "email"),
            (#"{"email":"a@example.com","password":"#, 400, "invalid_request", "JSON"),
            ("", 400, "invalid_request", "JSON body"),
            ("[1,2]", 400, "invalid_request", "object"),
        ]
        for item in cases {
            let reply = try api.call(.post, "/v1/auth/signup", body: item.body)
            #expect(reply.status == item.status, "\(item.body) → \(reply)")
            #expect(reply.errorCode == item.code, "\(item.body) → \(reply)")
            #expect(reply.errorMessage.contains(item.mentions), "\(item.body) → \(reply)")
        }
    }

    @Test func bodiesOver256KiBGet413() throws {
        let padding = String(repeating: "x", count: 300 * 1024)
        let reply = try api.call(
            .post, "/v1/auth/signup", json: ["email": "big@example.com", "password": padding])
        #expect(reply.status == 413, "\(reply.status)")
        #expect(reply.errorCode == "payload_too_large")
    }

    @Test func anEmailHasOneAccountWhateverItsCase() throws {
        _ = try api.signup("Grace@example.com")
        let again = try api.call(
            .post, "/v1/auth/signup", json: ["email": "grace@EXAMPLE.com", "password": APIHarness.password])
        #expect(again.status == 409)
        #expect(again.errorCode == "email_taken")
    }

    @Test func concurrentSignupsWithOneAddressMakeOneAccount() async throws {
        let api = self.api
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<4 {
                group.addTask {
                    try api.call(
                        .post, "/v1/auth/signup",
                        json: [
                            "email": index % 2 == 0 ? "race@example.com" : "RACE@example.com",
                            "password": APIHarness.password,
                        ]
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.sorted() == [201, 409, 409, 409], "\(statuses)")
    }

    @Test func signupsFromOneAddressAreLimitedPerHourWithRetryAfter() throws {
        let limited = try APIHarness(parameters: ["SignupsPerAddressPerHour": "3"])
        for _ in 0..<3 { _ = try limited.signup() }
        let blocked = try limited.call(
            .post, "/v1/auth/signup", json: ["email": "one-too-many@example.com", "password": APIHarness.password])
        #expect(blocked.status == 429, "\(blocked)")
        #expect(blocked.errorCode == "rate_limited")
        let retryAfter = try #require(blocked.header("retry-after").flatMap(Int.init))
        #expect(retryAfter > 0 && retryAfter <= 7200)
        // Nothing was made, and a bad body still says what is wrong with it.
        let login = try limited.call(
            .post, "/v1/auth/login", json: ["email": "one-too-many@example.com", "password": APIHarness.password])
        #expect(login.status == 401)
        let weak = try limited.call(.post, "/v1/auth/signup", json: ["email": "x@example.com", "password": "short"])
        #expect(weak.status == 400)
        #expect(weak.errorCode == "weak_password")
    }

    @Test func loginChecksThePassword() throws {
        let session = try api.signup()
        let ok = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email.uppercased(), "password": session.password])
        #expect(ok.status == 200, "\(ok)")
        #expect(ok.json["accessToken"] as? String != nil)
        let wrong = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": "wrong password!"])
        #expect(wrong.status == 401)
        #expect(wrong.errorCode == "invalid_credentials")
        let unknown = try api.call(
            .post, "/v1/auth/login", json: ["email": "nobody@example.com", "password": session.password])
        #expect(unknown.status == 401)
        #expect(unknown.errorMessage == wrong.errorMessage, "the answer does not tell whether the account exists")
    }

    @Test func tenFailedLoginsThrottleTheAccountWithRetryAfter() throws {
        let session = try api.signup()
        for _ in 0..<10 {
            let reply = try api.call(
                .post, "/v1/auth/login", json: ["email": session.email, "password": "wrong password!"])
            #expect(reply.status == 401)
        }
        // Even the right password is refused now, without being checked.
        let blocked = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        #expect(blocked.status == 429, "\(blocked)")
        #expect(blocked.errorCode == "rate_limited")
        let retryAfter = try #require(blocked.header("retry-after").flatMap(Int.init))
        #expect(retryAfter > 0 && retryAfter <= 1800)
        // Another account from the same address is not affected (the address limit is 50).
        let other = try api.signup()
        let fine = try api.call(.post, "/v1/auth/login", json: ["email": other.email, "password": other.password])
        #expect(fine.status == 200)
    }

    @Test func refreshRotatesTheToken() throws {
        let session = try api.signup()
        let first = try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken])
        #expect(first.status == 200, "\(first)")
        let rotated = try #require(first.json["refreshToken"] as? String)
        #expect(rotated != session.refreshToken)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": rotated]).status == 200)
        // A reuse within 10 seconds gets a sibling pair and a later one revokes the session:
        // CredentialTests.aRefreshTokenPresentedAgainWithinTenSecondsGetsASiblingPair.
        let access = try #require(first.json["accessToken"] as? String)
        #expect(try api.call(.get, "/v1/me", token: access).status == 200)
    }

    @Test func logoutEndsTheSessionOnly() throws {
        let session = try api.signup()
        let other = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        let otherRefresh = try #require(other.json["refreshToken"] as? String)
        let logout = try api.call(.post, "/v1/auth/logout", json: ["refreshToken": session.refreshToken])
        #expect(logout.status == 204)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken]).status == 401)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": otherRefresh]).status == 200)
        // Logging out twice, or with a token that never existed, is still 204.
        #expect(try api.call(.post, "/v1/auth/logout", json: ["refreshToken": session.refreshToken]).status == 204)
        #expect(try api.call(.post, "/v1/auth/logout", json: ["refreshToken": "rt_nothing"]).status == 204)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": "garbage"]).status == 401)
    }

    @Test func missingMalformedExpiredAndTamperedCredentialsGet401() throws {
        let session = try api.signup()
        let signer = AccessTokenSigner(signingKey: try api.tokenKey())
        let expired = signer.issue(userID: session.userID, now: Timestamp.now().adding(seconds: -16 * 60)).token
        let parts = session.accessToken.split(separator: ".").map(String.init)
        let otherUser = signer.issue(userID: "usr_doesnotexist").token
        let forged = AccessTokenSigner(secret: Array(repeating: 7, count: 32)).issue(userID: session.userID).token
        let none =
            Base64.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8), urlSafe: true) + "." + parts[1] + "."
        var flipped = Array(parts[1].utf8)
        flipped[5] = flipped[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let tampered = parts[0] + "." + String(decoding: flipped, as: UTF8.self) + "." + parts[2]
        let credentials: [(String, [(name: String, value: String)])] = [
            ("missing", []),
            ("not bearer", [("Authorization", "Basic \(session.accessToken)")]),
            ("empty bearer", [("Authorization", "Bearer ")]),
            ("garbage", [("Authorization", "Bearer abc.def.ghi")]),
            ("expired", [("Authorization", "Bearer \(expired)")]),
            ("alg none", [("Authorization", "Bearer \(none)")]),
            ("tampered payload", [("Authorization", "Bearer \(tampered)")]),
            ("signed with another key", [("Authorization", "Bearer \(forged)")]),
            ("no such account", [("Authorization", "Bearer \(otherUser)")]),
            ("unknown API key", [("Authorization", "Bearer tsk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]),
        ]
        for (name, headers) in credentials {
            for (method, path) in [(HTTPMethod.get, "/v1/me"), (.get, "/v1/jobs"), (.get, "/v1/api-keys")] {
                let reply = try api.call(method, path, headers: headers)
                #expect(reply.status == 401, "\(name) on \(path): \(reply)")
                #expect(reply.errorCode == "unauthorized", "\(name) on \(path)")
            }
        }
        let expiredReply = try api.call(.get, "/v1/me", token: expired)
        #expect(expiredReply.errorMessage.contains("expired"))
    }
}
