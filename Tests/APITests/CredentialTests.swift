import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing

/// Credentials that die together: a password reset ends every session and API key, reset links
/// spend each other, a lost refresh answer does not sign anyone out, keys can expire, and an
/// account deletion cut short is finished; over HTTP through the emulator.
@Suite(.serialized) struct CredentialTests {
    let api: APIHarness
    let table = "transcriptor-local-Table"

    init() throws { api = try APIHarness() }

    func createKey(_ token: String, _ body: [String: Any] = ["name": "script"]) throws -> String {
        let reply = try api.call(.post, "/v1/api-keys", token: token, json: body)
        guard reply.status == 201, let key = reply.json["key"] as? String else {
            throw ServerError("key creation failed: \(reply)")
        }
        return key
    }

    func resetLink(_ email: String) throws -> String {
        #expect(try api.call(.post, "/v1/auth/forgot-password", json: ["email": email]).status == 202)
        return try #require(try api.linkToken(to: email, page: "/reset-password"))
    }

    @Test func aResetRevokesEveryKeyAndSessionIncludingKeysMintedByKeys() throws {
        let session = try api.signup()
        let key = try createKey(session.accessToken)
        let minted = try createKey(key)
        #expect(try api.call(.get, "/v1/me", token: minted).status == 200)
        // Access tokens carry their second of issue: let one pass so the reset is later.
        Thread.sleep(forTimeInterval: 1.1)
        let token = try resetLink(session.email)
        let mail = try #require(try api.mail(to: session.email).last?["text"] as? String)
        #expect(mail.contains("revokes every API key"))
        let reset = try api.call(
            .post, "/v1/auth/reset-password", json: ["token": token, "password": "a brand new passphrase"])
        #expect(reset.status == 204, "\(reset)")
        for credential in [key, minted, session.accessToken] {
            #expect(try api.call(.get, "/v1/me", token: credential).status == 401)
        }
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken]).status == 401)
        let login = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": "a brand new passphrase"])
        let access = try #require(login.json["accessToken"] as? String)
        let keys = try api.call(.get, "/v1/api-keys", token: access).json["apiKeys"] as? [Any]
        #expect(keys?.isEmpty == true)
    }

    @Test func aPasswordChangeRevokesKeysOnlyWhenAsked() throws {
        let session = try api.signup()
        let key = try createKey(session.accessToken)
        let kept = try api.call(
            .post, "/v1/me/password", token: session.accessToken,
            json: ["currentPassword": session.password, "newPassword": "second long passphrase"])
        #expect(kept.status == 200, "\(kept)")
        #expect(try api.call(.get, "/v1/me", token: key).status == 200)
        let access = try #require(kept.json["accessToken"] as? String)
        let revoked = try api.call(
            .post, "/v1/me/password", token: access,
            json: [
                "currentPassword": "second long passphrase", "newPassword": "third long passphrase",
                "revokeApiKeys": true,
            ])
        #expect(revoked.status == 200, "\(revoked)")
        #expect(try api.call(.get, "/v1/me", token: key).status == 401)
        let fresh = try #require(revoked.json["accessToken"] as? String)
        #expect(try api.call(.get, "/v1/me", token: fresh).status == 200)
    }

    @Test func aNewerResetLinkSpendsEveryOlderOne() throws {
        let session = try api.signup()
        let first = try resetLink(session.email)
        let second = try resetLink(session.email)
        #expect(first != second)
        let stale = try api.call(
            .post, "/v1/auth/reset-password", json: ["token": first, "password": "a brand new passphrase"])
        #expect(stale.status == 400)
        #expect(stale.errorCode == "invalid_token")
        let third = try resetLink(session.email)
        // Using the newest spends the one before it too.
        #expect(
            try api.call(
                .post, "/v1/auth/reset-password", json: ["token": third, "password": "a brand new passphrase"]
            )
            .status == 204)
        #expect(
            try api.call(
                .post, "/v1/auth/reset-password", json: ["token": second, "password": "yet another passphrase"]
            )
            .errorCode == "invalid_token")
        let login = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": "a brand new passphrase"])
        #expect(login.status == 200)
    }

    @Test func aWeakPasswordLeavesTheResetLinkUsable() throws {
        let session = try api.signup()
        let token = try resetLink(session.email)
        // Long enough, but it is the address itself: refused by the check that knows the account.
        let weak = try api.call(.post, "/v1/auth/reset-password", json: ["token": token, "password": session.email])
        #expect(weak.status == 400, "\(weak)")
        #expect(weak.errorCode == "weak_password")
        let good = try api.call(
            .post, "/v1/auth/reset-password", json: ["token": token, "password": "a brand new passphrase"])
        #expect(good.status == 204, "\(good)")
    }

    @Test func oneResetLinkUsedTwiceAtOnceResetsOnce() async throws {
        let session = try api.signup()
        let token = try resetLink(session.email)
        let api = self.api
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try api.call(
                        .post, "/v1/auth/reset-password",
                        json: ["token": token, "password": "parallel passphrase \(index)"]
                    ).status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 204 }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0 == 400 }.count == 5, "\(statuses)")
    }

    @Test func aRefreshTokenPresentedAgainWithinTenSecondsGetsASiblingPair() throws {
        let session = try api.signup()
        let first = try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken])
        #expect(first.status == 200)
        // The first answer was lost: the client tries again with the same token.
        let retry = try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken])
        #expect(retry.status == 200, "\(retry)")
        let a = try #require(first.json["refreshToken"] as? String)
        let b = try #require(retry.json["refreshToken"] as? String)
        #expect(a != b)
        #expect(try api.call(.get, "/v1/me", token: try #require(retry.json["accessToken"] as? String)).status == 200)
        let fromB = try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": b])
        #expect(fromB.status == 200, "the sibling pair is a live session")
        // Outside the window, reuse is theft: the whole session goes.
        Thread.sleep(forTimeInterval: 11)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": a]).status == 200)
        let late = try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": session.refreshToken])
        #expect(late.status == 401)
        let sibling = try #require(fromB.json["refreshToken"] as? String)
        #expect(try api.call(.post, "/v1/auth/refresh", json: ["refreshToken": sibling]).status == 401)
        // The sibling was stored as the others are: by its hash only.
        let db = try DynamoDBClient(configuration: api.aws)
        let stored = try #require(
            try db.getItem(
                table: table, key: ["pk": .s("REFRESH#\(Digest.sha256Hex(b))"), "sk": .s("REFRESH")],
                consistentRead: true))
        #expect(!stored.values.contains(.s(b)))
    }

    @Test func anAccessTokenHasOneSpellingOnly() throws {
        let session = try api.signup()
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 200)
        let parts = session.accessToken.split(separator: ".").map(String.init)
        let variants = [
            session.accessToken + "=", session.accessToken + "==",
            "\(parts[0])=.\(parts[1]).\(parts[2])", "\(parts[0]).\(parts[1])=.\(parts[2])",
            parts.joined(separator: ".").replacingOccurrences(of: "-", with: "+").replacingOccurrences(
                of: "_", with: "/"),
            "\(parts[0]).\(parts[1]).\(parts[2]).",
        ]
        for variant in variants where variant != session.accessToken {
            #expect(try api.call(.get, "/v1/me", token: variant).status == 401, "\(variant)")
        }
    }

    @Test func anAPIKeyCanExpire() throws {
        let session = try api.signup()
        for bad: Any in [0, 3651, -1, "7"] {
            let reply = try api.call(
                .post, "/v1/api-keys", token: session.accessToken, json: ["name": "x", "expiresInDays": bad])
            #expect(reply.status == 400, "\(bad): \(reply)")
        }
        let created = try api.call(
            .post, "/v1/api-keys", token: session.accessToken, json: ["name": "ci", "expiresInDays": 30])
        #expect(created.status == 201)
        let expiresAt = try #require(created.json["expiresAt"] as? String)
        let expected = Timestamp.now().adding(seconds: 30 * 24 * 3600).millisecondsSinceEpoch
        let actual = try #require(Timestamp(iso8601: expiresAt)).millisecondsSinceEpoch
        #expect(abs(actual - expected) < 60_000, "\(expiresAt)")
        let key = try #require(created.json["key"] as? String)
        #expect(try api.call(.get, "/v1/me", token: key).status == 200)
        let listed = try #require(
            (try api.call(.get, "/v1/api-keys", token: session.accessToken).json["apiKeys"] as? [[String: Any]])?.first)
        #expect(listed["expiresAt"] as? String == expiresAt)
        // Stand in for 30 days passing: the key's lookup says it expired a second ago.
        let db = try DynamoDBClient(configuration: api.aws)
        let hash = Digest.sha256Hex(key)
        try db.updateItem(
            table: table, key: ["pk": .s("KEYHASH#\(hash)"), "sk": .s("KEYHASH")], update: "SET expiresAt = :past",
            values: [":past": .number(Timestamp.now().secondsSinceEpoch - 1)])
        #expect(try api.call(.get, "/v1/me", token: key).status == 401)
        // A key made without an expiry lists `expiresAt: null`.
        _ = try createKey(session.accessToken)
        let keys = try #require(
            try api.call(.get, "/v1/api-keys", token: session.accessToken).json["apiKeys"] as? [[String: Any]])
        #expect(keys.last?["expiresAt"] is NSNull)
    }
}

/// An account deletion that stops part-way (here: the bucket failing every request) leaves the
/// account signed out and its address taken, and is finished by deleting again or by the sweep.
@Suite(.serialized) struct InterruptedDeletionTests {
    @Test func aDeletionCutShortIsFinishedByARetryOrByTheSweep() throws {
        let table = "transcriptor-local-Table"
        var failing: APIHarness? = try APIHarness(environment: ["FAULT_S3_ERROR_RATE": "1"])
        let first = try failing!.signup()
        let second = try failing!.signup()
        let key = try #require(
            try failing!.call(.post, "/v1/api-keys", token: first.accessToken, json: ["name": "k"]).json["key"]
                as? String)
        for session in [first, second] {
            let cut = try failing!.call(
                .delete, "/v1/me", token: session.accessToken, json: ["password": session.password])
            #expect(cut.status >= 500, "\(cut)")
        }
        // Half-deleted: nobody signs in, the key is dead, and the address is not free yet.
        #expect(try failing!.call(.get, "/v1/me", token: first.accessToken).status == 401)
        #expect(try failing!.call(.get, "/v1/me", token: key).status == 401)
        let login = try failing!.call(
            .post, "/v1/auth/login", json: ["email": first.email, "password": first.password])
        #expect(login.status == 401)
        let again = try failing!.call(
            .post, "/v1/auth/signup", json: ["email": first.email, "password": APIHarness.password])
        #expect(again.status == 409)
        let data = failing!.emulator.dataDirectory
        failing!.emulator.crash()  // keeps the data folder for the restart below
        failing = nil

        let api = try APIHarness(reusing: data)
        // The user deletes again: the rest is finished.
        let retried = try api.call(.delete, "/v1/me", token: first.accessToken, json: ["password": first.password])
        #expect(retried.status == 204, "\(retried)")
        #expect(try api.signup(first.email).email == first.email)
        // The other one is finished by the sweep, once the deletion is old enough not to be running.
        let db = try DynamoDBClient(configuration: api.aws)
        try db.updateItem(
            table: table, key: ["pk": .s("DELETING"), "sk": .s(second.userID)], update: "SET since = :past",
            values: [":past": .s("2020-01-01T00:00:00.000Z")])
        // A share link of the account's (its owner's item and the lookup by hash) goes with it.
        let hash = String(repeating: "ab", count: 32)
        try db.putItem(
            table: table,
            item: [
                "pk": .s("USER#\(second.userID)"), "sk": .s("SHARE#job_x#shr_y"), "shareHash": .s(hash),
            ])
        try db.putItem(
            table: table, item: ["pk": .s("SHARE#\(hash)"), "sk": .s("SHARE"), "userId": .s(second.userID)])
        let swept = try api.emulator.invoke("SweepFunction", payload: "{}")
        #expect(swept.bodyText.contains("\"accountsDeleted\":1"), "\(swept.bodyText)")
        let left = try db.query(
            table: table, keyCondition: "pk = :pk", values: [":pk": .s("USER#\(second.userID)")])
        #expect(left.items.isEmpty, "\(left.items)")
        #expect(try db.query(table: table, keyCondition: "pk = :pk", values: [":pk": .s("DELETING")]).items.isEmpty)
        #expect(try db.getItem(table: table, key: ["pk": .s("SHARE#\(hash)"), "sk": .s("SHARE")]) == nil)
        #expect(try api.signup(second.email).email == second.email)
    }
}
