import Foundation
import HTTP
import TestSupport
import Testing

extension HTTPClientIntegration {
    @Suite struct HTTPClientFailureTests {
        @Test func lateAnswerTimesOutAfterAboutTheTotalTimeout() throws {
            let server = try LoopbackHTTPServer { _ in
                Thread.sleep(forTimeInterval: 3)
                return .text(200, "too late")
            }
            defer { server.stop() }
            let clock = ContinuousClock()
            let start = clock.now
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, totalTimeout: .milliseconds(400)))
            }
            let elapsed = clock.now - start
            #expect(error == .timedOut)
            #expect(error.isTransient)
            #expect(elapsed >= .milliseconds(350))
            #expect(elapsed < .seconds(2))
        }

        @Test func closedPortFailsToConnect() throws {
            let port = try RefusingPort()
            let url = "http://127.0.0.1:\(port.port)/"
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: url))
            }
            #expect(error == .couldNotConnect)
            #expect(error.isTransient)
            #expect(error.url == url)
            #expect(error.curlCode == 7)
            #expect(!error.message.isEmpty)
            #expect(error.description.contains(url))
        }

        @Test func serverClosingMidBodyFailsInsteadOfHanging() throws {
            let server = try LoopbackHTTPServer { _ in
                .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this much".utf8))
            }
            defer { server.stop() }
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, totalTimeout: .seconds(10)))
            }
            #expect(error == .receiveFailed)
            #expect(error.isTransient)
        }

        @Test func serverClosingMidBodyRemovesThePartialFile() throws {
            let server = try LoopbackHTTPServer { _ in
                .raw(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this much".utf8))
            }
            defer { server.stop() }
            let path = temporaryPath("partial")
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, destination: .file(path: path)))
            }
            #expect(error == .receiveFailed)
            #expect(!FileManager.default.fileExists(atPath: path))
        }

        @Test func serverClosingWithoutAnswerFails() throws {
            let server = try LoopbackHTTPServer { _ in .close }
            defer { server.stop() }
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL))
            }
            #expect(error == .receiveFailed)
        }

        @Test func declaredLengthOverMaxResponseSizeFails() throws {
            let server = try LoopbackHTTPServer { _ in .respond(status: 200, body: [UInt8](repeating: 1, count: 1000)) }
            defer { server.stop() }
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, maxResponseSize: 100))
            }
            #expect(error == .responseTooLarge)
            #expect(!error.isTransient)
        }

        @Test func undeclaredBodyOverMaxResponseSizeFails() throws {
            let body = String(repeating: "x", count: 5000)
            let server = try LoopbackHTTPServer { _ in
                .raw(Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n\(body)".utf8))
            }
            defer { server.stop() }
            let path = temporaryPath("too-large")
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(
                    HTTPRequest(url: server.baseURL, destination: .file(path: path), maxResponseSize: 1000))
            }
            #expect(error == .responseTooLarge)
            #expect(!FileManager.default.fileExists(atPath: path))
        }

        @Test func bodyOverTheMemoryLimitFails() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "more than ten bytes") }
            defer { server.stop() }
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, destination: .memory(limit: 10)))
            }
            #expect(error == .responseTooLarge)
        }

        @Test(arguments: ["file:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1/", "dict://127.0.0.1/"])
        func nonHTTPSchemesAreUnsupported(url: String) throws {
            let attempts = Locked(0)
            let client = try HTTPClient { _ in
                attempts.withLock { $0 += 1 }
                return .refuse(reason: "no connection expected")
            }
            let error = try #require(throws: HTTPClientError.self) {
                try client.execute(HTTPRequest(url: url))
            }
            #expect(error == .unsupportedProtocol)
            #expect(attempts.current == 0)
        }

        @Test func redirectToNonHTTPSchemeIsRefused() throws {
            let server = try LoopbackHTTPServer { _ in .text(302, "", headers: [("Location", "file:///etc/passwd")]) }
            defer { server.stop() }
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, followRedirects: 5))
            }
            #expect(error == .unsupportedProtocol)
        }

        @Test(arguments: ["http://", "http://127.0.0.1:99999/", "http://[::1/"])
        func malformedURLsAreInvalid(url: String) throws {
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: url))
            }
            #expect(error == .invalidURL)
            #expect(!error.isTransient)
        }

        @Test func headerWithLineBreakIsRejectedBeforeSending() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "") }
            defer { server.stop() }
            let request = HTTPRequest(url: server.baseURL, headers: [("X-Bad", "value\r\nInjected: yes")])
            let error = try #require(throws: HTTPClientError.self) { try HTTPClient().execute(request) }
            #expect(error == .invalidRequest)
            #expect(server.requestCount == 0)
        }

        @Test func missingUploadFileFailsWithItsPath() throws {
            let path = temporaryPath("missing")
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(.put, url: "http://127.0.0.1:9/", body: .file(path: path)))
            }
            #expect(error == .fileIO)
            #expect(error.path == path)
            #expect(error.description.contains("No such file"))
        }

        @Test func clientWorksAgainAfterAFailure() throws {
            let server = try LoopbackHTTPServer { request in
                request.path == "/broken" ? .close : .text(200, "fine")
            }
            defer { server.stop() }
            let client = try HTTPClient()
            #expect(throws: HTTPClientError.self) { try client.execute(HTTPRequest(url: server.baseURL + "/broken")) }
            let response = try client.execute(HTTPRequest(url: server.baseURL + "/ok"))
            #expect(response.bodyText == "fine")
        }
    }
}
