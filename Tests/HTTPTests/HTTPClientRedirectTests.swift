import HTTP
import TestSupport
import Testing

extension HTTPClientIntegration {
    @Suite struct HTTPClientRedirectTests {
        /// `/hops/N` redirects to `/hops/N-1`; `/hops/0` answers "arrived".
        static func chainServer() throws -> LoopbackHTTPServer {
            try LoopbackHTTPServer { request in
                let remaining = Int(request.path.split(separator: "/").last ?? "") ?? 0
                if remaining == 0 { return .text(200, "arrived", headers: [("X-Final", "yes")]) }
                return .text(
                    302, "moved", headers: [("Location", "/hops/\(remaining - 1)"), ("X-Hop", "\(remaining)")])
            }
        }

        @Test func redirectsAreFollowedUpToTheLimit() throws {
            let server = try Self.chainServer()
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(url: server.baseURL + "/hops/3", followRedirects: 3))
            #expect(response.status == 200)
            #expect(response.bodyText == "arrived")
            #expect(response.redirectCount == 3)
            #expect(response.effectiveURL == server.baseURL + "/hops/0")
            #expect(response.header("X-Final") == "yes")
            #expect(response.header("X-Hop") == nil)
            #expect(response.header("Location") == nil)
        }

        @Test func oneRedirectMoreThanTheLimitFails() throws {
            let server = try Self.chainServer()
            defer { server.stop() }
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL + "/hops/4", followRedirects: 3))
            }
            #expect(error == .tooManyRedirects)
            #expect(!error.isTransient)
            #expect(error.url == server.baseURL + "/hops/4")
        }

        @Test func redirectsAreReturnedAsIsWhenNotFollowed() throws {
            let server = try Self.chainServer()
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(url: server.baseURL + "/hops/2"))
            #expect(response.status == 302)
            #expect(response.header("Location") == "/hops/1")
            #expect(response.bodyText == "moved")
            #expect(response.redirectCount == 0)
            #expect(server.requestCount == 1)
        }

        @Test func postRedirectedWithSeeOtherBecomesGet() throws {
            let seen = Locked<[String]>([])
            let server = try LoopbackHTTPServer { request in
                seen.withLock { $0.append("\(request.method) \(request.path)") }
                if request.path == "/form" { return .text(303, "", headers: [("Location", "/result")]) }
                return .text(200, "done")
            }
            defer { server.stop() }
            let request = HTTPRequest(.post, url: server.baseURL + "/form", body: .bytes([1, 2]), followRedirects: 1)
            let response = try HTTPClient().execute(request)
            #expect(response.bodyText == "done")
            #expect(seen.current == ["POST /form", "GET /result"])
        }

        @Test func uploadIsRewoundWhenTemporaryRedirectResendsIt() throws {
            let seen = Locked<[String]>([])
            let server = try LoopbackHTTPServer { request in
                seen.withLock { $0.append("\(request.method) \(request.path) \(request.bodyString)") }
                if request.path == "/old" { return .text(307, "", headers: [("Location", "/new")]) }
                return .text(201, "stored")
            }
            defer { server.stop() }
            let request = HTTPRequest(
                .put, url: server.baseURL + "/old", body: .bytes(Array("data".utf8)), followRedirects: 2)
            let response = try HTTPClient().execute(request)
            #expect(response.status == 201)
            #expect(seen.current == ["PUT /old data", "PUT /new data"])
        }
    }
}
