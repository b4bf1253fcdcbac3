import Foundation

/// An AWS request after the endpoint verified its signature: what a local service handles.
public struct ServiceRequest: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Streamed to a temporary file by the endpoint (S3 uploads); the service may move it.
        case file(path: String, size: Int64)
    }

    public var method: String
    /// The path as received, percent-encoded.
    public var rawPath: String
    /// The query's parameters, decoded, in order.
    public var query: [(name: String, value: String)]
    /// Header names lowercased.
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// The access key that signed it (nil for anonymous requests such as CORS preflights).
    public var accessKeyID: String?
    /// Whether it came through a presigned URL.
    public var isPresigned: Bool

    public init(
        method: String, rawPath: String, query: [(name: String, value: String)],
        headers: [(name: String, value: String)],
        body: Body, accessKeyID: String?, isPresigned: Bool = false
    ) {
        self.method = method
        self.rawPath = rawPath
        self.query = query
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.body = body
        self.accessKeyID = accessKeyID
        self.isPresigned = isPresigned
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
    public func hasQuery(_ name: String) -> Bool { query.contains { $0.name == name } }

    /// The body in memory (small bodies: JSON, XML).
    public func bodyBytes() throws -> [UInt8] {
        switch body {
        case .bytes(let bytes): return bytes
        case .file(let path, _): return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }
}

/// A local service's answer.
public struct ServiceResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        /// A file (or a byte range of it), streamed by the endpoint.
        case file(path: String, offset: Int64, length: Int64)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON-protocol answer (`application/x-amz-json-1.0`).
    public static func json(_ status: Int, _ body: [UInt8], requestID: String = UUID().uuidString) -> ServiceResponse {
        ServiceResponse(
            status: status, headers: [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", requestID)],
            body: .bytes(body))
    }

    /// A JSON-protocol error: `{"__type":"com.amazonaws.<namespace>#<Code>","message":…}`.
    public static func jsonError(_ status: Int, namespace: String, code: String, message: String) -> ServiceResponse {
        let object: [String: String] = ["__type": "\(namespace)#\(code)", "message": message]
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var response = json(status, Array(body))
        response.headers.append(("x-amzn-ErrorType", code))
        return response
    }
}

/// The emulator's clock for AWS-faithful timers: `TIME_SCALE` (default 1) compresses every delay,
/// visibility timeout, batching window and schedule, so tests see a retry in seconds.
public struct TimeScale: Sendable {
    public let factor: Double

    public init(factor: Double) { self.factor = max(0.0001, factor) }

    public static let fromEnvironment = TimeScale(
        factor: ProcessInfo.processInfo.environment["TIME_SCALE"].flatMap(Double.init) ?? 1)

    /// How long an AWS delay of `seconds` lasts here.
    public func scaled(_ seconds: Double) -> Double { seconds * factor }
}
