/// Why an HTTP request failed.
///
/// Match on the kind with `==` (`error == .timedOut`): two errors are equal when they are of the
/// same kind, whatever their context. The context (libcurl's code and message, the URL, the refused
/// address, the file) is there for logs and for the user-facing ``description``.
public struct HTTPClientError: Error, Equatable, CustomStringConvertible, Sendable {
    private enum Code: Equatable, Sendable {
        case couldNotResolve
        case couldNotConnect
        case timedOut
        case tooManyRedirects
        case addressRefused
        case responseTooLarge
        case unsupportedProtocol
        case invalidURL
        case invalidRequest
        case tls
        case sendFailed
        case receiveFailed
        case fileIO
        case other
    }

    private let code: Code
    /// libcurl's result code (a `CURLcode`), or nil when the failure happened outside libcurl.
    public internal(set) var curlCode: Int?
    /// What went wrong in detail: libcurl's error buffer, the system's error text, or the policy's reason.
    public internal(set) var message: String
    /// The URL of the request (the first one, before any redirect).
    public internal(set) var url: String
    /// For ``addressRefused``: the address the policy refused.
    public internal(set) var address: SocketAddress?
    /// For ``fileIO``: the file involved.
    public internal(set) var path: String?

    private init(code: Code) {
        self.code = code
        self.message = ""
        self.url = ""
    }

    /// An error of `kind` carrying context.
    init(
        _ kind: HTTPClientError, message: String, url: String = "", curlCode: Int? = nil,
        address: SocketAddress? = nil, path: String? = nil
    ) {
        self.code = kind.code
        self.message = message
        self.url = url
        self.curlCode = curlCode
        self.address = address
        self.path = path
    }

    /// The host name did not resolve.
    public static let couldNotResolve = HTTPClientError(code: .couldNotResolve)
    /// No connection could be made (refused, unreachable).
    public static let couldNotConnect = HTTPClientError(code: .couldNotConnect)
    /// The connect or total timeout ran out.
    public static let timedOut = HTTPClientError(code: .timedOut)
    /// The server redirected more often than the request's `followRedirects` allows.
    public static let tooManyRedirects = HTTPClientError(code: .tooManyRedirects)
    /// The client's address policy refused every address the host resolved to.
    public static let addressRefused = HTTPClientError(code: .addressRefused)
    /// The response body (or its declared length) exceeded the request's limit.
    public static let responseTooLarge = HTTPClientError(code: .responseTooLarge)
    /// The URL's scheme is not http or https.
    public static let unsupportedProtocol = HTTPClientError(code: .unsupportedProtocol)
    /// The URL could not be parsed.
    public static let invalidURL = HTTPClientError(code: .invalidURL)
    /// The request itself is malformed (a header with a line break, say).
    public static let invalidRequest = HTTPClientError(code: .invalidRequest)
    /// The TLS handshake or certificate verification failed.
    public static let tls = HTTPClientError(code: .tls)
    /// Sending the request failed.
    public static let sendFailed = HTTPClientError(code: .sendFailed)
    /// Receiving the response failed: reset, closed early, or malformed.
    public static let receiveFailed = HTTPClientError(code: .receiveFailed)
    /// Reading the request body file or writing the response body file failed.
    public static let fileIO = HTTPClientError(code: .fileIO)
    /// Anything else libcurl reports.
    public static let other = HTTPClientError(code: .other)

    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool {
        lhs.code == rhs.code
    }

    /// Whether the same request may succeed if tried again later (used for retry decisions).
    public var isTransient: Bool {
        switch code {
        case .couldNotResolve, .couldNotConnect, .timedOut, .sendFailed, .receiveFailed:
            true
        case .tooManyRedirects, .addressRefused, .responseTooLarge, .unsupportedProtocol, .invalidURL,
            .invalidRequest, .tls, .fileIO, .other:
            false
        }
    }

    public var description: String {
        var text = "\(summary)"
        if !url.isEmpty { text += " (\(url))" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }

    /// What went wrong and what to do about it, in a line.
    private var summary: String {
        switch code {
        case .couldNotResolve: "The host name did not resolve; check the URL or retry later"
        case .couldNotConnect: "Could not connect to the server; retry later"
        case .timedOut: "The request timed out; retry later or raise the timeout"
        case .tooManyRedirects: "The server redirected more often than allowed; check the URL"
        case .addressRefused:
            "The address policy refused to connect to \(address?.description ?? "the host"); use another URL"
        case .responseTooLarge: "The response is larger than allowed; raise the limit or stream it to a file"
        case .unsupportedProtocol: "Only http and https URLs are supported"
        case .invalidURL: "The URL is malformed"
        case .invalidRequest: "The request is malformed"
        case .tls: "The TLS connection failed; check the server's certificate"
        case .sendFailed: "Sending the request failed; retry later"
        case .receiveFailed: "Receiving the response failed; retry later"
        case .fileIO: "A body file could not be read or written\(path.map { " (\($0))" } ?? "")"
        case .other: "The HTTP request failed"
        }
    }
}
