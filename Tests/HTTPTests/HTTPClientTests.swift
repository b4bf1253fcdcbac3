import Foundation
import HTTP
import TestSupport
import Testing

extension HTTPClientIntegration {
    @Suite struct HTTPClientTests {
        /// A server that answers every request with its body and describes the rest in headers.
        static func echoServer(seen: Locked<[LoopbackHTTPServer.Request]> = Locked([])) throws -> LoopbackHTTPServer {
            try LoopbackHTTPServer { request in
                seen.withLock { $0.append(request) }
                return .respond(
                    status: 200,
                    headers: [("X-Method", request.method), ("X-Target", request.target), ("X-Echo", "yes")],
                    body: request.body)
            }
        }

        @Test func getReturnsStatusHeadersAndBody() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "hello", headers: [("X-Custom", "A value")]) }
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(url: server.baseURL + "/greeting"))
            #expect(response.status == 200)
            #expect(response.bodyText == "hello")
            #expect(response.bytesReceived == 5)
            #expect(response.header("x-custom") == "A value")
            #expect(response.header("X-CUSTOM") == "A value")
            #expect(response.headers.contains { $0.name == "X-Custom" })
            #expect(response.header("Content-Length") == "5")
            #expect(response.effectiveURL == server.baseURL + "/greeting")
            #expect(response.redirectCount == 0)
            #expect(response.primaryIP == "127.0.0.1")
            #expect(response.primaryPort == server.port)
        }

        @Test(arguments: [HTTPMethod.post, .put, .patch, .delete])
        func bodyAndHeadersRoundTripForMethodsWithBodies(method: HTTPMethod) throws {
            let seen = Locked<[LoopbackHTTPServer.Request]>([])
            let server = try Self.echoServer(seen: seen)
            defer { server.stop() }
            let payload = Array("payload for \(method)".utf8)
            let request = HTTPRequest(
                method, url: server.baseURL + "/items?id=7",
                headers: [("X-First", "1"), ("Content-Type", "application/json"), ("X-Second", "2"), ("X-Empty", "")],
                body: .bytes(payload))
            let response = try HTTPClient().execute(request)

            #expect(response.status == 200)
            #expect(response.body == payload)
            #expect(response.header("X-Method") == method.rawValue)
            #expect(response.header("X-Target") == "/items?id=7")
            let received = try #require(seen.current.first)
            #expect(received.header("Content-Length") == String(payload.count))
            #expect(received.header("Content-Type") == "application/json")
            #expect(received.header("X-Empty") == "")
            #expect(received.header("Expect") == nil)
            let order = received.headers.map(\.name).filter { $0.hasPrefix("X-") }
            #expect(order == ["X-First", "X-Second", "X-Empty"])
        }

        @Test func postWithoutContentTypeSendsNoFormContentType() throws {
            let seen = Locked<[LoopbackHTTPServer.Request]>([])
            let server = try Self.echoServer(seen: seen)
            defer { server.stop() }
            _ = try HTTPClient().execute(HTTPRequest(.post, url: server.baseURL, body: .bytes([1, 2, 3])))
            let received = try #require(seen.current.first)
            #expect(received.header("Content-Type") == nil)
            #expect(received.body == [1, 2, 3])
        }

        @Test func postAndPutWithoutBodySendZeroContentLength() throws {
            let seen = Locked<[LoopbackHTTPServer.Request]>([])
            let server = try Self.echoServer(seen: seen)
            defer { server.stop() }
            let client = try HTTPClient()
            for method in [HTTPMethod.post, .put] {
                let response = try client.execute(HTTPRequest(method, url: server.baseURL))
                #expect(response.status == 200)
            }
            #expect(seen.current.map(\.method) == ["POST", "PUT"])
            #expect(seen.current.map { $0.header("Content-Length") } == ["0", "0"])
        }

        @Test func headRequestReturnsHeadersOnly() throws {
            let server = try LoopbackHTTPServer { _ in .respond(status: 204, headers: [("X-Head", "ok")]) }
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(.head, url: server.baseURL))
            #expect(response.status == 204)
            #expect(response.header("X-Head") == "ok")
            #expect(response.body.isEmpty)
        }

        @Test func explicitExpectContinueKeepsOnlyFinalResponseHeaders() throws {
            let server = try Self.echoServer()
            defer { server.stop() }
            let request = HTTPRequest(
                .post, url: server.baseURL, headers: [("Expect", "100-continue")], body: .bytes(Array("abc".utf8)))
            let response = try HTTPClient().execute(request)
            #expect(response.status == 200)
            #expect(response.bodyText == "abc")
            #expect(response.headers.first?.name == "X-Method")
        }

        @Test func requestsReuseOneKeptAliveConnection() throws {
            let server = try Self.echoServer()
            defer { server.stop() }
            let client = try HTTPClient()
            for index in 0..<5 {
                let response = try client.execute(HTTPRequest(url: server.baseURL + "/\(index)"))
                #expect(response.status == 200)
            }
            _ = try client.execute(HTTPRequest(.post, url: server.baseURL, body: .bytes([1])))
            _ = try client.execute(HTTPRequest(.put, url: server.baseURL, body: .bytes([2])))
            _ = try client.execute(HTTPRequest(.delete, url: server.baseURL))
            #expect(server.requestCount == 8)
            #expect(server.connectionCount == 1)
        }

        @Test func serverErrorStatusIsAResponseNotAnError() throws {
            let server = try LoopbackHTTPServer { _ in .text(503, "busy") }
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(url: server.baseURL))
            #expect(response.status == 503)
            #expect(response.bodyText == "busy")
        }
    }
}
