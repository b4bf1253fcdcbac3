import Foundation
import HTTP
import Runtime
import Testing

/// Limits that hold under bursts: every limit takes its place with one conditional write before
/// the work it guards, so N requests at once get at most the limit, over HTTP through the emulator.
@Suite(.serialized) struct ThrottleTests {
    let api: APIHarness

    init() throws { api = try APIHarness() }

    /// `count` copies of one request at once; their replies.
    static func burst(
        _ count: Int, _ request: @escaping @Sendable () throws -> APIHarness.Reply
    ) async throws -> [APIHarness.Reply] {
        try await withThrowingTaskGroup(of: APIHarness.Reply.self) { group in
            for _ in 0..<count { group.addTask { try request() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func expectThrottled(_ replies: [APIHarness.Reply], allowed: Int, status: Int) {
        let passed = replies.filter { $0.status == status }
        let limited = replies.filter { $0.status == 429 }
        #expect(passed.count + limited.count == replies.count, "\(replies.map(\.status))")
        #expect(passed.count <= allowed, "\(passed.count) of \(replies.count) got \(status); the limit is \(allowed)")
        #expect(!passed.isEmpty)
        for reply in limited {
            #expect(reply.errorCode == "rate_limited")
            #expect(reply.header("retry-after").flatMap(Int.init).map { $0 > 0 } == true, "\(reply)")
        }
    }

    @Test func thirtyParallelWrongLoginsGetAtMostTenUnauthorized() async throws {
        let session = try api.signup()
        let api = self.api
        let replies = try await Self.burst(30) {
            try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": "wrong password!"])
        }
        Self.expectThrottled(replies, allowed: 10, status: 401)
        // The right password is not even checked now.
        let blocked = try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        #expect(blocked.status == 429)
    }

    @Test func aSuccessfulLoginGivesItsPlaceBack() throws {
        let session = try api.signup()
        for _ in 0..<9 {
            let wrong = try api.call(
                .post, "/v1/auth/login", json: ["email": session.email, "password": "wrong password!"])
            #expect(wrong.status == 401)
        }
        // Successes do not count: nine failures and any number of successes leave one more try.
        for _ in 0..<3 {
            let right = try api.call(
                .post, "/v1/auth/login", json: ["email": session.email.uppercased(), "password": session.password])
            #expect(right.status == 200, "\(right)")
        }
        let tenth = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": "wrong again!"])
        #expect(tenth.status == 401)
        let eleventh = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": "and again!"])
        #expect(eleventh.status == 429)
    }

    @Test func parallelSignupsFromOneAddressStayWithinTheLimit() async throws {
        let limited = try APIHarness(parameters: ["SignupsPerAddressPerHour": "5"])
        let replies = try await Self.burst(20) {
            try limited.call(
                .post, "/v1/auth/signup",
                json: ["email": "burst-\(UUID().uuidString.prefix(8))@example.com", "password": APIHarness.password])
        }
        Self.expectThrottled(replies, allowed: 5, status: 201)
    }

    @Test func passwordChecksWhileSignedInCountAgainstTheLoginLimit() async throws {
        let session = try api.signup()
        let api = self.api
        let replies = try await Self.burst(30) {
            try api.call(
                .post, "/v1/me/password", token: session.accessToken,
                json: ["currentPassword": "a guessed password", "newPassword": "another long passphrase"])
        }
        Self.expectThrottled(replies, allowed: 10, status: 403)
        // Deleting the account checks the password under the same limit; so does logging in.
        let delete = try api.call(
            .delete, "/v1/me", token: session.accessToken, json: ["password": session.password])
        #expect(delete.status == 429, "\(delete)")
        let login = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        #expect(login.status == 429)
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 200)
    }

    @Test func parallelResetRequestsSendAtMostFiveMailsAndAlwaysAnswer202() async throws {
        let session = try api.signup()
        let api = self.api
        let replies = try await Self.burst(30) {
            try api.call(.post, "/v1/auth/forgot-password", json: ["email": session.email])
        }
        #expect(replies.allSatisfy { $0.status == 202 }, "\(replies.map(\.status))")
        let resets = try api.mail(to: session.email).filter {
            ($0["text"] as? String)?.contains("/reset-password?token=") == true
        }
        #expect(resets.count >= 1 && resets.count <= 5, "\(resets.count) reset mails went out")
    }

    @Test func parallelConfirmationMailsStayWithinTheLimit() async throws {
        let session = try api.signup()
        let api = self.api
        let replies = try await Self.burst(30) {
            try api.call(.post, "/v1/me/verification-email", token: session.accessToken)
        }
        Self.expectThrottled(replies, allowed: 5, status: 202)
        // The sign-up's own mail and at most five more.
        let mails = try api.mail(to: session.email).count
        #expect(mails >= 2 && mails <= 6, "\(mails) confirmation mails")
    }

    @Test func parallelKeyCreationsCannotPassTheCap() async throws {
        let session = try api.signup()
        let api = self.api
        let replies = try await Self.burst(60) {
            try api.call(.post, "/v1/api-keys", token: session.accessToken, json: ["name": "burst"])
        }
        let created = replies.filter { $0.status == 201 }.count
        #expect(created == 50, "\(created) keys made; the cap is 50 (\(Set(replies.map(\.status))))")
        #expect(replies.filter { $0.status == 409 }.allSatisfy { $0.errorCode == "too_many_api_keys" })
        let listed = try api.call(.get, "/v1/api-keys", token: session.accessToken).json["apiKeys"] as? [Any]
        #expect(listed?.count == 50)
        // Revoking one makes room for exactly one.
        let first = try #require((listed?.first as? [String: Any])?["id"] as? String)
        #expect(try api.call(.delete, "/v1/api-keys/\(first)", token: session.accessToken).status == 204)
        #expect(try api.call(.delete, "/v1/api-keys/\(first)", token: session.accessToken).status == 404)
        #expect(try api.call(.post, "/v1/api-keys", token: session.accessToken, json: ["name": "a"]).status == 201)
        #expect(try api.call(.post, "/v1/api-keys", token: session.accessToken, json: ["name": "b"]).status == 409)
    }
}
