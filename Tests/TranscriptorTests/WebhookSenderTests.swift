import Foundation
import Runtime
import TestSupport
import Testing

@testable import Transcriptor

/// Webhook delivery: signed bodies, retries on 5xx and 429 with backoff, none on other 4xx, and
/// the URL guard's rules for the receiver's address.
@Suite struct WebhookSenderTests {
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [LoopbackHTTPServer.Request] = []
        func add(_ request: LoopbackHTTPServer.Request) -> Int {
            lock.withLock {
                requests.append(request)
                return requests.count
            }
        }
        var all: [LoopbackHTTPServer.Request] { lock.withLock { requests } }
    }

    static func job(webhook: String) -> Job {
        Job(
            item: [
                "jobId": .s("job_0000000000abcdefghjkmnpqrs"), "userId": .s("usr_abc"), "title": .s("Talk"),
                "status": .s("done"), "sourceType": .s("upload"), "createdAt": .s("2026-11-28T10:00:00.000Z"),
                "webhookUrl": .s(webhook), "chunksDone": .n("1"), "chunksTotal": .n("1"), "durationSec": .n("11"),
            ])!
    }

    func sender() -> WebhookSender {
        var sender = WebhookSender(urlGuard: URLGuard(allowLoopback: true))
        sender.backoffMilliseconds = 10
        return sender
    }

    @Test func retriesAnOutageAndSignsEveryAttempt() throws {
        let log = Log()
        let server = try LoopbackHTTPServer { request in
            switch log.add(request) {
            case 1: return .text(503, "busy")
            case 2: return .text(429, "slow down")
            default: return .text(200, "ok")
            }
        }
        let outcome = sender().deliver(
            type: "job.completed", job: Self.job(webhook: "\(server.baseURL)/hook"), secret: "whsec_test")
        #expect(outcome == .delivered(status: 200, attempts: 3))
        #expect(log.all.count == 3)
        for request in log.all {
            let header = try #require(request.header("transcriptor-signature"))
            try WebhookSignature.verify(header: header, body: request.body, secret: "whsec_test")
            #expect(request.header("transcriptor-event") == "job.completed")
        }
        let body = try JSON.decode(JSONValue.self, from: log.all[0].body)
        #expect(body["data"]?["job"]?["title"]?.stringValue == "Talk")
        #expect(body["data"]?["job"]?["userID"] == nil, "the owner's id is not sent")
    }

    @Test func aRefusalIsNotRetriedAndAnOutageGivesUp() throws {
        let log = Log()
        let refusing = try LoopbackHTTPServer { request in
            _ = log.add(request)
            return .text(410, "gone")
        }
        let refused = sender().deliver(
            type: "job.failed", job: Self.job(webhook: "\(refusing.baseURL)/hook"), secret: "s")
        #expect(refused == .failed(reason: "the receiver answered HTTP 410", attempts: 1))
        let down = try LoopbackHTTPServer { _ in .text(500, "down") }
        guard
            case .failed(_, let attempts) = sender().deliver(
                type: "job.failed", job: Self.job(webhook: "\(down.baseURL)/h"), secret: "s")
        else {
            Issue.record("a receiver that always fails is not delivered to")
            return
        }
        #expect(attempts == 4)
    }

    @Test func forbiddenReceiversAreNeverContacted() {
        let strict = WebhookSender(urlGuard: URLGuard(allowLoopback: false))
        for url in ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest", "http://[::1]/x", "ftp://example.com/"]
        {
            guard
                case .failed(_, let attempts) = strict.deliver(
                    type: "job.completed", job: Self.job(webhook: url), secret: "s")
            else {
                Issue.record("\(url) must be refused")
                continue
            }
            #expect(attempts == 0, "\(url)")
        }
    }
}
