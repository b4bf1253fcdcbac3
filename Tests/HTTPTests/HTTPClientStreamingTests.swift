import Foundation
import HTTP
import TestSupport
import Testing

extension HTTPClientIntegration {
    @Suite struct HTTPClientStreamingTests {
        @Test func largeBodyStreamsToFileWithFlatMemory() throws {
            let size = 256 << 20
            let before = try residentMemory()
            let peakDuring = Locked(before.current)
            let server = try LoopbackHTTPServer { _ in
                .stream(status: 200, headers: [("Content-Type", "application/octet-stream")], contentLength: size) {
                    offset in
                    // Sample the resident size while the body is in flight (every ~1 MiB).
                    if offset % (16 * BodyPattern.block.count) == 0, let now = try? residentMemory().current {
                        peakDuring.withLock { $0 = max($0, now) }
                    }
                    return BodyPattern.chunk(at: offset)
                }
            }
            defer { server.stop() }
            let path = temporaryPath("large-download")
            defer { try? FileManager.default.removeItem(atPath: path) }

            let response = try HTTPClient().execute(
                HTTPRequest(url: server.baseURL + "/large", destination: .file(path: path), totalTimeout: .seconds(120))
            )
            let after = try residentMemory()

            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(response.bytesReceived == size)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.size] as? Int) == size)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o600 } == 0o600)
            #expect(try BodyPattern.fileMatches(path, size: size))
            let growthDuring = peakDuring.current - before.current
            let peakGrowth = after.peak - before.peak
            #expect(growthDuring < 64 << 20, "resident memory grew by \(growthDuring >> 20) MiB while streaming")
            #expect(peakGrowth < 64 << 20, "peak resident memory grew by \(peakGrowth >> 20) MiB")
        }

        @Test func fileBodyIsStreamedWithItsLength() throws {
            let size = 32 << 20
            let path = temporaryPath("upload")
            try BodyPattern.writeFile(path, size: size)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let server = try LoopbackHTTPServer { request in
                let intact = request.body.withUnsafeBytes { BodyPattern.matches($0, at: 0) }
                return .text(
                    200, "\(request.body.count) \(intact)",
                    headers: [("X-Declared-Length", request.header("Content-Length") ?? "none")])
            }
            defer { server.stop() }

            let response = try HTTPClient().execute(
                HTTPRequest(.put, url: server.baseURL + "/upload", body: .file(path: path), totalTimeout: .seconds(60)))
            #expect(response.status == 200)
            #expect(response.bodyText == "\(size) true")
            #expect(response.header("X-Declared-Length") == String(size))
        }

        @Test func fileBodyCanBePosted() throws {
            let path = temporaryPath("post-body")
            try BodyPattern.writeFile(path, size: 100_000)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let server = try LoopbackHTTPServer { request in
                .respond(status: 200, body: request.body)
            }
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(.post, url: server.baseURL, body: .file(path: path)))
            #expect(response.body.count == 100_000)
            #expect(response.body.withUnsafeBytes { BodyPattern.matches($0, at: 0) })
        }

        @Test func fileDestinationReplacesAnExistingFile() throws {
            let path = temporaryPath("existing")
            try Array(repeating: UInt8(ascii: "z"), count: 10_000).withUnsafeBytes {
                try Data($0).write(to: URL(fileURLWithPath: path))
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            let server = try LoopbackHTTPServer { _ in .text(200, "short") }
            defer { server.stop() }
            let response = try HTTPClient().execute(HTTPRequest(url: server.baseURL, destination: .file(path: path)))
            #expect(response.bytesReceived == 5)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "short")
        }

        @Test func unwritableDestinationFailsBeforeSending() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "") }
            defer { server.stop() }
            let path = temporaryPath("no-such-directory") + "/body"
            let error = try #require(throws: HTTPClientError.self) {
                try HTTPClient().execute(HTTPRequest(url: server.baseURL, destination: .file(path: path)))
            }
            #expect(error == .fileIO)
            #expect(server.requestCount == 0)
        }
    }
}
