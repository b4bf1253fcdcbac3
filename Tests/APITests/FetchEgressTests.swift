import Foundation
import HTTP
import Speech
import TestSupport
import Testing

/// A media-site link fetched through the emulator with the production rule for outbound URLs
/// (`ALLOW_LOOPBACK_URLS=false`) and an allow-list that admits exactly the page's host and port:
/// yt-dlp runs on the page, and every connection it makes goes through the fetch's egress proxy,
/// so a redirect (http or ftp) or an embed that points at a second loopback port is refused, that port sees no
/// connection, and the job's error names the problem, not the address.
@Suite(.serialized) final class FetchEgressTests {
    let forbidden: LoopbackHTTPServer
    let page: LoopbackHTTPServer
    let api: APIHarness
    let session: APIHarness.Session
    let media: String

    init() throws {
        media = try PipelineMedia.folder()
        let opus = Array(
            try Data(
                contentsOf: URL(
                    fileURLWithPath: PipelineMedia.encode(TestAudio.path("jfk.wav"), as: "opus", in: media))))
        let forbidden = try LoopbackHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Type", "audio/ogg")], body: opus)
        }
        self.forbidden = forbidden
        page = try LoopbackHTTPServer { request in
            switch request.path {
            case "/watch": .respond(status: 302, headers: [("Location", "\(forbidden.baseURL)/talk.opus")])
            // urllib follows a redirect to ftp:// too, with a handler of its own.
            case "/ftp": .respond(status: 302, headers: [("Location", "ftp://127.0.0.1:\(forbidden.port)/talk.opus")])
            case "/embed":
                .text(
                    200, "<html><body><audio src=\"\(forbidden.baseURL)/talk.opus\"></audio></body></html>",
                    headers: [("Content-Type", "text/html")])
            case "/own":
                .text(
                    200, "<html><body><audio src=\"/media/talk.opus\"></audio></body></html>",
                    headers: [("Content-Type", "text/html")])
            case "/media/talk.opus": .respond(status: 200, headers: [("Content-Type", "audio/ogg")], body: opus)
            default: .text(404, "not found")
            }
        }
        api = try APIHarness(
            parameters: ["ChunkSeconds": "10", "MaxUploadBytes": "20000000", "MediaSites": "127.0.0.1"],
            environment: [
                "TIME_SCALE": "0.01", "ALLOW_LOOPBACK_URLS": "false", "URL_ALLOWED_HOSTS": "127.0.0.1:\(page.port)",
            ])
        session = try api.signup()
    }

    deinit { PipelineMedia.remove(media) }

    func link(_ url: String) throws -> String { try api.link(url, token: session.accessToken) }

    func finished(_ id: String, timeout: TimeInterval = 180) throws -> [String: Any] {
        try api.finished(id, token: session.accessToken, timeout: timeout)
    }

    @Test func aRedirectOrEmbedToASecondLoopbackPortIsRefusedAndNeverConnected() throws {
        // The allow-list admits the page's port only: a link straight at the second port is refused.
        let direct = try api.call(
            .post, "/v1/jobs", token: session.accessToken, json: ["source": ["url": "\(forbidden.baseURL)/talk.opus"]])
        #expect(direct.status == 400, "\(direct)")

        for path in ["/watch", "/embed", "/ftp"] {
            let job = try finished(try link("\(page.baseURL)\(path)"))
            #expect(job["status"] as? String == "failed", "\(path): \(job)")
            let error = try #require(job["error"] as? [String: Any])
            #expect(error["code"] as? String == "forbidden_url", "\(path): \(error)")
            let message = error["message"] as? String ?? ""
            #expect(message.contains("never fetched"), "\(path): \(message)")
            for leak in ["127.0.0.1", ":\(forbidden.port)", String(forbidden.port), "refused", "Errno", "connect"] {
                #expect(!message.contains(leak), "\(path): the message names \(leak): \(message)")
            }
        }
        #expect(forbidden.connectionCount == 0, "the second port saw \(forbidden.connectionCount) connection(s)")
    }

    @Test func mediaOnTheAllowedPageHostIsFetchedAndTranscribed() throws {
        let id = try link("\(page.baseURL)/own")
        let job = try finished(id)
        #expect(job["status"] as? String == "done", "\(job)")
        let text =
            try api.call(.get, "/v1/jobs/\(id)/transcript?format=json", token: session.accessToken)
            .json["text"] as? String ?? ""
        #expect(WordErrorRate.measure(reference: PipelineTests.jfk, hypothesis: text).rate < 0.15, "\(text)")
        #expect(forbidden.connectionCount == 0)
    }
}
