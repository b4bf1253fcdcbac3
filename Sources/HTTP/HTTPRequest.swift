/// One HTTP request: what to send, where the response body goes, and the limits that apply.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute http or https URL; any other scheme fails with ``HTTPClientError/unsupportedProtocol``.
    public var url: String
    /// Sent in this order. A header with an empty value is sent empty. `Expect` and `Content-Type`
    /// are left out unless given here (libcurl would otherwise add `Expect: 100-continue` and a
    /// form content type).
    public var headers: [(name: String, value: String)]
    public var body: HTTPBody
    public var destination: ResponseBodyDestination
    /// How long connecting (TCP and TLS) may take; nil for libcurl's default of 300 s.
    public var connectTimeout: Duration?
    /// How long the whole request may take, redirects included; nil for no limit.
    public var totalTimeout: Duration?
    /// How many redirects to follow; 0 returns a 3xx response as it is. Needing more fails with
    /// ``HTTPClientError/tooManyRedirects``.
    public var followRedirects: Int
    /// The largest response body accepted, declared (`Content-Length`) or received, whatever the
    /// destination; more fails with ``HTTPClientError/responseTooLarge``. Nil for no limit beyond
    /// the destination's.
    public var maxResponseSize: Int?

    public init(
        _ method: HTTPMethod = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: HTTPBody = .none,
        destination: ResponseBodyDestination = .memory(),
        connectTimeout: Duration? = .seconds(10),
        totalTimeout: Duration? = nil,
        followRedirects: Int = 0,
        maxResponseSize: Int? = nil
    ) {
        precondition(followRedirects >= 0, "HTTPRequest: followRedirects must not be negative")
        precondition((maxResponseSize ?? 0) >= 0, "HTTPRequest: maxResponseSize must not be negative")
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.destination = destination
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.followRedirects = followRedirects
        self.maxResponseSize = maxResponseSize
    }

    /// The first value of the header called `name` (compared without case), if any.
    public func header(_ name: String) -> String? {
        headers.first { HTTPResponse.sameName($0.name, name) }?.value
    }

    /// The largest body the response may have: the smaller of the memory cap and `maxResponseSize`.
    var responseSizeLimit: Int? {
        switch (destination, maxResponseSize) {
        case (.memory(let limit), let maximum?): min(limit, maximum)
        case (.memory(let limit), nil): limit
        case (.file, let maximum): maximum
        }
    }
}
