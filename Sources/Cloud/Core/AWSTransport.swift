import HTTP
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// One AWS request, before signing.
struct AWSCall {
    var method: HTTPMethod
    /// The path as sent, percent-encoded (S3 keys encoded once, `/` kept).
    var path: String
    var query: [(String, String)] = []
    var headers: [(name: String, value: String)] = []
    var body: HTTPBody = .none
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`; computed for byte bodies when nil.
    var payloadHash: String? = nil
    var destination: ResponseBodyDestination = .memory()
    /// Whether sending it twice is harmless; only such calls are retried after a failure that may
    /// have reached the service (throttling and refused connections are retried for every call).
    var idempotent: Bool
}

/// Signs, sends and retries AWS requests for one service over one HTTP client (keep-alive).
final class AWSTransport {
    let service: AWSService
    let configuration: AWSConfiguration
    let endpoint: Endpoint
    let isCustomEndpoint: Bool
    private let http: HTTPClient
    private let signer: SigV4
    /// Sleeps between attempts (replaced in tests).
    var sleep: (Duration) -> Void = { duration in
        let (seconds, attoseconds) = duration.components
        var remaining = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        while true {
            var requested = remaining
            if nanosleep(&requested, &remaining) == 0 || errno != EINTR { break }
        }
    }
    /// The base and cap of the backoff: attempt n waits a random time in 0…min(cap, base·2ⁿ).
    var backoffBase: Duration = .milliseconds(50)
    var backoffCap: Duration = .seconds(5)

    init(service: AWSService, configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        self.service = service
        self.configuration = configuration
        (self.endpoint, self.isCustomEndpoint) = configuration.endpoint(for: service)
        self.http = try http ?? HTTPClient()
        self.signer = SigV4(
            credentials: configuration.credentials, region: configuration.region, service: service.signingName)
    }

    /// Sends a call, retrying transient failures with exponential backoff and full jitter.
    /// - Returns: the response, whatever its status (the caller turns an error status into an `AWSError`).
    /// - Throws: `AWSError` for a connection failure that outlasted the retries.
    func send(_ call: AWSCall, host: String? = nil, errorParser: (HTTPResponse) -> AWSError) throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try sendOnce(call, host: host)
                guard response.status >= 300 else { return response }
                let error = errorParser(response)
                guard attempt < configuration.maxAttempts, error.isThrottling || (call.idempotent && error.isTransient)
                else {
                    return response
                }
            } catch let error as HTTPClientError {
                let neverSent = error == .couldNotConnect || error == .couldNotResolve
                guard attempt < configuration.maxAttempts, neverSent || (call.idempotent && error.isTransient) else {
                    throw AWSError.transport(error)
                }
            }
            sleep(backoff(attempt: attempt))
        }
    }

    func backoff(attempt: Int) -> Duration {
        let ceiling = min(backoffCap, backoffBase * (1 << min(attempt - 1, 20)))
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(0, nanoseconds)))
    }

    /// The signed request for a call; also used to build presigned URLs.
    func signable(_ call: AWSCall, host: String?) -> SignableRequest {
        let query = call.query.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(
            separator: "&")
        var headers = call.headers
        headers.insert(("Host", host ?? endpoint.hostHeader), at: 0)
        return SignableRequest(
            method: call.method.rawValue, path: endpoint.basePath + call.path, query: query, headers: headers)
    }

    private func sendOnce(_ call: AWSCall, host: String?) throws -> HTTPResponse {
        var request = signable(call, host: host)
        let payloadHash: String
        switch (call.payloadHash, call.body) {
        case (let hash?, _): payloadHash = hash
        case (nil, .bytes(let bytes)): payloadHash = Digest.sha256Hex(bytes)
        case (nil, .none): payloadHash = SigV4.emptyPayloadHash
        case (nil, .file): payloadHash = SigV4.unsignedPayload
        }
        if case .bytes(let bytes) = call.body { request.setHeader("Content-Length", String(bytes.count)) }
        signer.sign(&request, payloadHash: payloadHash, at: .now())
        let url =
            "\(endpoint.scheme)://\(host ?? endpoint.hostHeader)\(request.path)\(request.query.isEmpty ? "" : "?" + request.query)"
        let headers = request.headers.filter {
            $0.name.lowercased() != "host" && $0.name.lowercased() != "content-length"
        }
        return try http.execute(
            HTTPRequest(
                call.method, url: url, headers: headers, body: call.body, destination: call.destination,
                connectTimeout: .seconds(5), totalTimeout: nil))
    }

    /// Presigns a call for `expires` seconds.
    func presign(_ call: AWSCall, expires: Int, host: String? = nil, at time: Timestamp = .now()) -> String {
        let request = signable(call, host: host)
        let query = signer.presignedQuery(request, expires: expires, at: time)
        return "\(endpoint.scheme)://\(host ?? endpoint.hostHeader)\(request.path)?\(query)"
    }
}
