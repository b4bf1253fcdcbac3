import Foundation
import HTTP
import Testing

/// The web app's hardening, over HTTP through the emulator: its pages' security headers, API
/// answers no cache keeps, the refresh token in an HttpOnly cookie that only the web app's header
/// unlocks (and the attacks on it), and names that cannot carry control or bidi characters.
@Suite(.serialized) struct WebSecurityTests {
    let api: APIHarness
    static let web: [(name: String, value: String)] = [("X-Transcriptor-Client", "web")]

    init() throws { api = try APIHarness(billing: true) }  // the CSP names local Stripe

    // MARK: - Headers

    @Test func thePagesCarryACSPThatAllowsOnlyTheAppTheAPITheBucketAndStripe() throws {
        for path in ["/", "/jobs/x", "/login?next=%2Fjobs"] {
            let page = try api.emulator.request(.get, path)
            #expect(page.status == 200, "\(path)")
            let csp = try #require(page.header("content-security-policy"), "\(path)")
            let directives = Dictionary(
                csp.split(separator: ";").map { part -> (String, [String]) in
                    let words = part.split(separator: " ").map(String.init)
                    return (words.first ?? "", Array(words.dropFirst()))
                }, uniquingKeysWith: { first, _ in first })
            // The app's own script and Stripe.js, from local Stripe (whatever port it got).
            #expect(directives["script-src"] == ["'self'", api.emulator.stripe], "\(csp)")
            #expect(directives["frame-src"] == ["'self'", api.emulator.stripe], "\(csp)")
            #expect(directives["object-src"] == ["'none'"], "\(csp)")
            #expect(directives["base-uri"] == ["'none'"], "\(csp)")
            #expect(directives["frame-ancestors"] == ["'none'"], "\(csp)")
            // The bucket is the emulator's AWS endpoint, whatever port it got: read, not assumed.
            #expect(directives["connect-src"] == ["'self'", api.emulator.aws, api.emulator.stripe], "\(csp)")
            #expect(directives["default-src"] == ["'self'"], "\(csp)")
            #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "\(csp)")
            #expect(page.header("x-content-type-options") == "nosniff", "\(path)")
            #expect(page.header("referrer-policy") == "no-referrer", "\(path)")
            #expect(page.header("permissions-policy")?.contains("camera=()") == true, "\(path)")
        }
    }

    @Test func everyAPIAnswerIsNoStoreAndNosniffWhateverTheRoute() throws {
        let session = try api.signup()
        let replies = [
            try api.call(.get, "/v1/me", token: session.accessToken),
            try api.call(.get, "/v1/jobs", token: session.accessToken),
            try api.call(.get, "/v1/api-keys", token: session.accessToken),
            try api.call(.get, "/v1/jobs/job_00000000000000000000000000", token: session.accessToken),
            try api.call(.get, "/v1/me"),
            try api.call(.post, "/v1/auth/forgot-password", json: ["email": session.email]),
        ]
        for reply in replies {
            #expect(reply.header("cache-control") == "no-store", "\(reply)")
            #expect(reply.header("x-content-type-options") == "nosniff", "\(reply)")
        }
    }

    // MARK: - The refresh cookie

    /// `refresh=…; Path=/v1/auth; …` → the value and the attributes (names lowercased).
    static func refreshCookie(_ reply: APIHarness.Reply) throws -> (value: String, attributes: [String: String]) {
        let all = reply.response.headers(named: "set-cookie").filter { $0.hasPrefix("refresh=") }
        try #require(all.count == 1, "one refresh cookie: \(all)")
        let parts = all[0].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        var attributes: [String: String] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            attributes[pair[0].lowercased()] = pair.count > 1 ? pair[1] : ""
        }
        return (String(parts[0].dropFirst("refresh=".count)), attributes)
    }

    func login(
        _ session: APIHarness.Session, headers: [(name: String, value: String)] = web
    ) throws
        -> APIHarness.Reply
    {
        try api.call(
            .post, "/v1/auth/login", json: ["email": session.email, "password": session.password], headers: headers)
    }

    func refresh(
        cookie: String?, headers: [(name: String, value: String)] = web, body: String? = nil
    ) throws
        -> APIHarness.Reply
    {
        try api.call(
            .post, "/v1/auth/refresh", body: body,
            headers: headers + (cookie.map { [("Cookie", $0)] } ?? []))
    }

    @Test func theWebAppGetsItsRefreshTokenAsAnHttpOnlyStrictCookieForTheAuthRoutesOnly() throws {
        let session = try api.signup()
        let login = try login(session)
        #expect(login.status == 200, "\(login)")
        #expect(login.json["refreshToken"] == nil, "no page script ever sees the refresh token: \(login)")
        #expect(login.json["accessToken"] is String)
        let (token, attributes) = try Self.refreshCookie(login)
        #expect(token.hasPrefix("rt_"))
        #expect(attributes["httponly"] != nil)
        #expect(attributes["samesite"] == "Strict")
        #expect(attributes["path"] == "/v1/auth")
        #expect(attributes["max-age"] == String(30 * 24 * 3600))
        #expect(attributes["secure"] == nil, "over plain HTTP a secure cookie would be dropped")
        #expect(attributes["domain"] == nil, "host-only")

        // API clients keep today's contract: the token in the body, no cookie.
        let plain = try self.login(session, headers: [])
        #expect((plain.json["refreshToken"] as? String)?.hasPrefix("rt_") == true)
        #expect(plain.response.headers(named: "set-cookie").isEmpty)

        // Signup and a password change answer the web app the same way.
        let signup = try api.call(
            .post, "/v1/auth/signup",
            json: ["email": "web-\(UUID().uuidString.prefix(6))@example.com", "password": APIHarness.password],
            headers: Self.web)
        #expect(signup.status == 201 && signup.json["refreshToken"] == nil, "\(signup)")
        _ = try Self.refreshCookie(signup)
        let changed = try api.call(
            .post, "/v1/me/password", token: login.json["accessToken"] as? String,
            json: ["currentPassword": session.password, "newPassword": "another horse battery staple"],
            headers: Self.web)
        #expect(changed.status == 200 && changed.json["refreshToken"] == nil, "\(changed)")
        #expect(try Self.refreshCookie(changed).value != token)
    }

    @Test func refreshWithTheCookieRotatesItAndLogoutClearsIt() throws {
        let session = try api.signup()
        let first = try Self.refreshCookie(try login(session)).value
        // The header in any case, as HTTP header names are; the cookie as the browser sends it.
        let renewed = try refresh(
            cookie: "theme=dark; refresh=\(first); other=1", headers: [("x-TRANSCRIPTOR-client", "Web")])
        #expect(renewed.status == 200, "\(renewed)")
        #expect(renewed.json["refreshToken"] == nil)
        let access = try #require(renewed.json["accessToken"] as? String)
        #expect(try api.call(.get, "/v1/me", token: access).status == 200)
        let second = try Self.refreshCookie(renewed).value
        #expect(second != first, "the cookie rotates")

        let logout = try api.call(.post, "/v1/auth/logout", headers: Self.web + [("Cookie", "refresh=\(second)")])
        #expect(logout.status == 204, "\(logout)")
        let cleared = try Self.refreshCookie(logout)
        #expect(
            cleared.value.isEmpty && cleared.attributes["max-age"] == "0" && cleared.attributes["path"] == "/v1/auth")
        #expect(try refresh(cookie: "refresh=\(second)").status == 401, "logout ended the session")
        // Logout without a cookie still clears it (and says nothing about any session).
        let again = try api.call(.post, "/v1/auth/logout", headers: Self.web)
        #expect(again.status == 204)
        #expect(try Self.refreshCookie(again).value.isEmpty)
        // The web app without its cookie: the session is over, as the client expects.
        let none = try refresh(cookie: nil)
        #expect(none.status == 401 && none.errorCode == "invalid_refresh_token", "\(none)")
    }

    @Test func theCookieWithoutTheWebAppsHeaderIs403SoACrossSiteFormCannotUseIt() throws {
        let session = try api.signup()
        let token = try Self.refreshCookie(try login(session)).value
        // What a cross-site <form enctype="text/plain"> can send: a cookie (were SameSite not
        // there), any text body, no custom header.
        let forms: [(path: String, body: String?)] = [
            ("/v1/auth/refresh", nil), ("/v1/auth/refresh", #"{"x":"="}"#), ("/v1/auth/logout", #"{"x":"="}"#),
            ("/v1/auth/logout", nil),
        ]
        for form in forms {
            let reply = try api.call(
                .post, form.path, body: form.body,
                headers: [("Content-Type", "text/plain"), ("Cookie", "refresh=\(token)")])
            #expect(reply.status == 403 && reply.errorCode == "csrf_required", "\(form.path) → \(reply)")
            #expect(reply.errorMessage.contains("X-Transcriptor-Client"))
        }
        // The header with another value is no better.
        let other = try refresh(cookie: "refresh=\(token)", headers: [("X-Transcriptor-Client", "curl")])
        #expect(other.status == 403, "\(other)")
        // None of that spent or ended the session.
        #expect(try refresh(cookie: "refresh=\(token)").status == 200)
        // An API client's body token needs no header (it is no ambient credential).
        let plain = try self.login(session, headers: [])
        let body = try refresh(
            cookie: nil, headers: [("Content-Type", "application/json")],
            body: #"{"refreshToken":"\#(plain.json["refreshToken"] as? String ?? "")"}"#)
        #expect(body.status == 200 && body.json["refreshToken"] is String, "\(body)")
    }

    @Test func aPlantedSecondCookieAMalformedOneOrAnOversizedOneIsRefused() throws {
        let session = try api.signup()
        let token = try Self.refreshCookie(try login(session)).value
        let cases: [(cookie: String, code: String)] = [
            // A sibling site or another path planting its own refresh cookie beside ours.
            ("refresh=rt_planted; refresh=\(token)", "invalid_cookie"),
            ("refresh=\(token); refresh=\(token)", "invalid_cookie"),
            // Off the grammar: a space, a quote inside, a comma, a control character.
            ("refresh=\(token) x", "invalid_cookie"), ("refresh=a\"b", "invalid_cookie"),
            ("refresh=\(token),x", "invalid_cookie"), ("refresh =\(token)", "invalid_cookie"),
            // Far longer than any token, and a header over the parser's limit.
            ("refresh=rt_" + String(repeating: "A", count: 600), "invalid_cookie"),
            ("junk=" + String(repeating: "j", count: 9000) + "; refresh=\(token)", "invalid_cookie"),
        ]
        for item in cases {
            let reply = try refresh(cookie: item.cookie)
            #expect(reply.status == 400 && reply.errorCode == item.code, "\(item.cookie.prefix(80)) → \(reply)")
        }
        // Unrelated cookies off the grammar (other apps on 127.0.0.1 set what they like) are
        // ignored, and a quoted value is read without its quotes.
        let tolerant = try refresh(cookie: "prefs={\"a\": 1}; refresh=\"\(token)\"; x")
        #expect(tolerant.status == 200, "\(tolerant)")
        // A name that differs in case is another cookie, not ours.
        let next = try Self.refreshCookie(tolerant).value
        #expect(try refresh(cookie: "Refresh=\(next)").status == 401)
    }

    // MARK: - Names people read

    @Test func titlesAndKeyNamesWithControlOrBidiCharactersAreRefused() throws {
        let session = try api.signup()
        let bad = [
            "invoice\u{202E}fdp.exe", "a\u{2066}b\u{2069}", "x\u{200F}", "x\u{200E}", "x\u{061C}", "bell\u{07}",
            "del\u{7F}", "next\u{85}line", "csi\u{9B}31m", "tab\tin", "nul\u{0}",
        ]
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 3]], "title": "Ok"])
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String, "\(created)")
        for text in bad {
            let job = try api.call(
                .post, "/v1/jobs", token: session.accessToken,
                json: ["source": ["url": "http://127.0.0.1:9/a.mp3"], "title": text])
            #expect(job.status == 400 && job.errorMessage.contains("title"), "\(text.debugDescription) → \(job)")
            #expect(job.errorMessage.contains("U+"), "the message names the character: \(job)")
            let upload = try api.call(
                .post, "/v1/jobs", token: session.accessToken,
                json: ["source": ["upload": ["filename": "\(text).wav", "contentType": "audio/wav", "size": 3]]])
            #expect(upload.status == 400, "\(text.debugDescription) → \(upload)")
            let rename = try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["title": text])
            #expect(
                rename.status == 400 && rename.errorMessage.contains("title"), "\(text.debugDescription) → \(rename)")
            let key = try api.call(.post, "/v1/api-keys", token: session.accessToken, json: ["name": text])
            #expect(key.status == 400 && key.errorMessage.contains("name"), "\(text.debugDescription) → \(key)")
        }
        // Names in other scripts, right-to-left ones included, are fine: only the controls are not.
        for text in ["Интервью", "مقابلة", "שיחה 2", "会議 ✓"] {
            let rename = try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["title": text])
            #expect(rename.status == 200 && rename.json["title"] as? String == text, "\(text) → \(rename)")
        }
        // A title taken from a link's last segment is stripped of them instead.
        let link = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["url": "http://127.0.0.1:9/evil%E2%80%AEfdp.mp3%C2%85"]])
        #expect(link.status == 201, "\(link)")
        #expect((link.json["job"] as? [String: Any])?["title"] as? String == "evilfdp.mp3", "\(link)")
    }
}
