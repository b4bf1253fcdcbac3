/// The final response to a request, after any redirects.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The final response's headers in the order received, names as the server spelled them.
    public var headers: [(name: String, value: String)]
    /// The body; empty when it was streamed to a file.
    public var body: [UInt8]
    /// The URL the final response came from.
    public var effectiveURL: String
    /// How many redirects were followed.
    public var redirectCount: Int
    /// The length of the body received, in memory or in the file.
    public var bytesReceived: Int
    /// The IP address the final response came from ("127.0.0.1", "::1"), empty if unknown.
    public var primaryIP: String
    /// The port the final response came from, 0 if unknown.
    public var primaryPort: Int

    public init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], effectiveURL: String = "",
        redirectCount: Int = 0, bytesReceived: Int? = nil, primaryIP: String = "", primaryPort: Int = 0
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.redirectCount = redirectCount
        self.bytesReceived = bytesReceived ?? body.count
        self.primaryIP = primaryIP
        self.primaryPort = primaryPort
    }

    /// The first value of the header called `name` (compared without case), if any.
    public func header(_ name: String) -> String? {
        headers.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the header called `name` (compared without case), in order.
    public func headers(named name: String) -> [String] {
        headers.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// The body as UTF-8 text, invalid sequences replaced.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether two header names are the same, ignoring ASCII case.
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count
            && zip(lhs.utf8, rhs.utf8).allSatisfy { asciiLowercase($0) == asciiLowercase($1) }
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (0x41...0x5a).contains(byte) ? byte | 0x20 : byte
    }
}
