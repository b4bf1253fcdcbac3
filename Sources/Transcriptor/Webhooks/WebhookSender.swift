import HTTP
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers `job.completed` and `job.failed` events to a job's webhook URL: a JSON body signed
/// with the user's webhook secret (`Transcriptor-Signature`), sent through the guarded HTTP client
/// (the same address rules as job links), retried with backoff on network errors, 429 and 5xx.
public struct WebhookSender {
    public var urlGuard: URLGuard
    public var attempts = 4
    public var backoffMilliseconds: Int64 = 1000
    public var timeoutSeconds: Int64 = 10

    public init(urlGuard: URLGuard) { self.urlGuard = urlGuard }

    public enum Outcome: Equatable, Sendable {
        case delivered(status: Int, attempts: Int)
        case failed(reason: String, attempts: Int)
    }

    /// The body of an event: `{id, type, createdAt, data: {job}}`.
    public static func body(type: String, job: Job, at time: Timestamp) throws -> [UInt8] {
        struct Event: Encodable {
            struct Data: Encodable { var job: Job }
            var id: String
            var type: String
            var createdAt: String
            var data: Data
        }
        return try JSON.encode(
            Event(id: Identifiers.random("evt"), type: type, createdAt: time.iso8601, data: .init(job: job)))
    }

    /// Sends one event; never throws (a receiver's trouble does not fail the job).
    public func deliver(type: String, job: Job, secret: String, now: Timestamp = .now()) -> Outcome {
        guard let url = job.webhook?.url else { return .failed(reason: "no webhook URL", attempts: 0) }
        do {
            _ = try urlGuard.check(url)
        } catch {
            return .failed(reason: error.message, attempts: 0)
        }
        let body: [UInt8]
        let client: HTTPClient
        do {
            body = try Self.body(type: type, job: job, at: now)
            client = try HTTPClient(addressPolicy: urlGuard.addressPolicy)
        } catch {
            return .failed(reason: "\(error)", attempts: 0)
        }
        var wait = backoffMilliseconds
        var reason = ""
        for attempt in 1...attempts {
            let headers: [(name: String, value: String)] = [
                ("Content-Type", "application/json"), ("User-Agent", "Transcriptor-Webhooks/1.0"),
                ("Transcriptor-Event", type),
                (WebhookSignature.headerName, WebhookSignature.header(secret: secret, body: body, at: .now())),
            ]
            do {
                let response = try client.execute(
                    HTTPRequest(
                        .post, url: url, headers: headers, body: .bytes(body), connectTimeout: .seconds(5),
                        totalTimeout: .seconds(timeoutSeconds), maxResponseSize: 64 * 1024))
                if (200..<300).contains(response.status) {
                    return .delivered(status: response.status, attempts: attempt)
                }
                reason = "the receiver answered HTTP \(response.status)"
                guard response.status == 429 || response.status >= 500 || response.status == 408 else {
                    return .failed(reason: reason, attempts: attempt)
                }
            } catch let error as HTTPClientError {
                reason = error.description
                guard error.isTransient else { return .failed(reason: reason, attempts: attempt) }
            } catch {
                return .failed(reason: "\(error)", attempts: attempt)
            }
            if attempt < attempts {
                usleep(UInt32(min(wait, 30_000) * 1000))
                wait *= 3
            }
        }
        return .failed(reason: reason, attempts: attempts)
    }
}
