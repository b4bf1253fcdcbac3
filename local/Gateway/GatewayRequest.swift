import Runtime

/// An HTTP request as the gateway received it, before any interpretation.
public struct GatewayRequest: Sendable {
    public var method: String
    /// The path as received, still percent-encoded (`/v1/jobs/a%20b`).
    public var rawPath: String
    /// The query string as received, without the `?` (empty when there is none).
    public var rawQuery: String
    /// The header fields in the order received, names as the client wrote them.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The client's address.
    public var sourceIP: String
    /// `HTTP/1.1`.
    public var protocolVersion: String

    public init(
        method: String, rawPath: String, rawQuery: String = "", headers: [(name: String, value: String)] = [],
        body: [UInt8] = [], sourceIP: String = "127.0.0.1", protocolVersion: String = "HTTP/1.1"
    ) {
        self.method = method
        self.rawPath = rawPath
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
        self.sourceIP = sourceIP
        self.protocolVersion = protocolVersion
    }

    /// The decoded path (`/v1/jobs/a b`): what routes are matched against.
    public var path: String { PercentEncoding.decode(rawPath) }

    /// Every value of a header, by name case-insensitively, in the order received.
    public func values(of name: String) -> [String] {
        let name = name.lowercased()
        return headers.filter { $0.name.lowercased() == name }.map(\.value)
    }

    /// A header's values joined with commas, as the event carries them; nil when absent.
    public func header(_ name: String) -> String? {
        let values = values(of: name)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
}
