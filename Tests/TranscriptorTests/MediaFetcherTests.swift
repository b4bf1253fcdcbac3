import Foundation
import HTTP
import Runtime
import TestSupport
import Testing

@testable import Transcriptor

/// The fetch stage's downloader: with the local opt-in off, every loopback form is refused before
/// a connection is made; media sites go through yt-dlp's answer (a recorded one of ours, since no
/// site is reachable here) and the media URL it gives is fetched through the same guarded client.
@Suite struct MediaFetcherTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var paths: [String] = []
        func add(_ path: String) { lock.withLock { paths.append(path) } }
        var all: [String] { lock.withLock { paths } }
    }

    static let jfkMP3 = try! Data(contentsOf: URL(fileURLWithPath: TestAudio.path("jfk.mp3")))

    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fetch-\(UUID().uuidString)").path
    }

    @Test func withTheOptInOffNoLoopbackFormIsFetched() throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { request in
            counter.add(request.path)
            return .respond(status: 200, headers: [("Content-Type", "audio/mpeg")], body: Array(Self.jfkMP3))
        }
        let port = server.port
        let fetcher = MediaFetcher(
            urlGuard: URLGuard(allowLoopback: false), maxBytes: 10_000_000, resolver: PageResolver(sites: []))
        let forms = [
            "127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::1]", "[::ffff:127.0.0.1]", "localhost",
            "LocalHost.",
        ]
        for form in forms {
            let path = Self.temporaryFile()
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try fetcher.download("http://\(form):\(port)/talk.mp3", to: path, logger: Logger(label: "test"))
                Issue.record("\(form) was fetched")
            } catch {
                #expect(error.code == "forbidden_url" && error.isPermanent, "\(form): \(error)")
            }
        }
        #expect(counter.all.isEmpty, "no request reached the server: \(counter.all)")
        #expect(server.connectionCount == 0)

        // The same server with the opt-in on (local development) is fetched.
        let local = MediaFetcher(
            urlGuard: URLGuard(allowLoopback: true), maxBytes: 10_000_000, resolver: PageResolver(sites: []))
        let path = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(
            try local.download("\(server.baseURL)/talk.mp3", to: path, logger: Logger(label: "test"))
                == Int64(Self.jfkMP3.count))
    }

    @Test func aRecordedYtDlpAnswerGivesTheMediaURL() throws {
        let recorded = try Data(contentsOf: Self.fixtures.appendingPathComponent("yt-dlp-video.json"))
        #expect(try PageResolver.media(fromJSON: Array(recorded)).url == "MEDIA_URL")
        let playlist = try Data(contentsOf: Self.fixtures.appendingPathComponent("yt-dlp-playlist.json"))
        #expect(throws: StageFailure.self) { try PageResolver.media(fromJSON: Array(playlist)) }
        #expect(throws: StageFailure.self) { try PageResolver.media(fromJSON: Array("not json".utf8)) }

        let resolver = PageResolver()
        #expect(resolver.handles("https://www.youtube.com/watch?v=x"))
        #expect(resolver.handles("https://youtu.be/x"))
        #expect(resolver.handles("https://user@vimeo.com:443/1"))
        #expect(!resolver.handles("https://notyoutube.com/watch"))
        #expect(!resolver.handles("https://example.com/youtube.com/a.mp3"))
    }

    /// yt-dlp's error line reaches the user only when it says nothing about the network or an
    /// address; otherwise the job says "no media was found" and the line goes to the log.
    @Test func ytDlpReasonsThatNameTheNetworkAreNotShown() {
        let hidden = [
            "ERROR: [generic] x: Unable to download webpage: <urlopen error [Errno 111] Connection refused>",
            "ERROR: Unsupported URL: http://10.1.2.3:8080/watch",
            "ERROR: [generic] x: Unable to download webpage: HTTP Error 502: Bad Gateway (caused by <HTTPError 502>)",
            "ERROR: Unsupported URL: http://[fd00::1]:81/a",
            "ERROR: [generic] None: Tunnel connection failed: 403 Forbidden",
        ]
        for line in hidden { #expect(PageResolver.userReason(line) == nil, "\(line)") }
        #expect(
            PageResolver.userReason("ERROR: [youtube] abc: Video unavailable. This video is private")
                == "[youtube] abc: Video unavailable. This video is private")
        #expect(PageResolver.userReason("ERROR: yt-dlp 2023.03.04 needs an update; please report this issue") != nil)
    }

    /// yt-dlp itself is replaced by a program that prints our recorded answer (pointing at a local
    /// server), and records its arguments: the link must come after `--`, so it can never be an option.
    @Test func aMediaSitePageIsResolvedThenFetchedThroughTheGuard() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/media/talk.mp3"
                ? .respond(status: 200, headers: [("Content-Type", "audio/mpeg")], body: Array(Self.jfkMP3))
                : .text(404, "not found")
        }
        let folder = Self.temporaryFile()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recorded = try String(
            contentsOf: Self.fixtures.appendingPathComponent("yt-dlp-video.json"), encoding: .utf8
        )
        .replacingOccurrences(of: "MEDIA_URL", with: "\(server.baseURL)/media/talk.mp3")
        try recorded.write(toFile: "\(folder)/answer.json", atomically: true, encoding: .utf8)
        let program = "\(folder)/yt-dlp"
        try "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"\(folder)/arguments\"\ncat \"\(folder)/answer.json\"\n".write(
            toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o755)
        let fetcher = MediaFetcher(
            urlGuard: URLGuard(allowLoopback: true), maxBytes: 10_000_000, resolver: PageResolver(program: program))
        let path = "\(folder)/download"
        let page = "https://www.youtube.com/watch?v=--exec=touch%20/tmp/pwned"
        #expect(try fetcher.download(page, to: path, logger: Logger(label: "test")) == Int64(Self.jfkMP3.count))
        let arguments = try String(contentsOfFile: "\(folder)/arguments", encoding: .utf8).split(separator: "\n").map(
            String.init)
        #expect(arguments.suffix(2) == ["--", page])
        #expect(arguments.contains("--ignore-config"))

        // A resolved URL that points somewhere forbidden is refused like any link.
        try recorded.replacingOccurrences(
            of: "\(server.baseURL)/media/talk.mp3", with: "http://169.254.169.254/latest/meta-data/"
        )
        .write(toFile: "\(folder)/answer.json", atomically: true, encoding: .utf8)
        do {
            _ = try fetcher.download(page, to: path, logger: Logger(label: "test"))
            Issue.record("the metadata address must be refused")
        } catch {
            #expect(error.code == "forbidden_url")
        }
    }
}
