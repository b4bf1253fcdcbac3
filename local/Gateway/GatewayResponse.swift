/// An HTTP response for the gateway to send.
///
/// Two responses are equal when they have the same status, the same body and the same header
/// fields in any order (names compared case-insensitively).
public struct GatewayResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The gateway's own error: `{"message":"Not Found"}` and the like, as an HTTP API answers.
    ///
    /// HTTP APIs answer 404 for an unknown route, 413 for a body over the limit, 429 when
    /// throttled, 500 when the function fails or returns an invalid response, and 503 when it
    /// times out. Other statuses get their standard reason phrase.
    public static func error(_ status: Int) -> GatewayResponse {
        let body = Array(#"{"message":"\#(reasonPhrase(status))"}"#.utf8)
        return GatewayResponse(status: status, headers: [(name: "content-type", value: "application/json")], body: body)
    }

    /// The first value of a header, by name case-insensitively.
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name.lowercased() == name }?.value
    }

    public static func == (lhs: GatewayResponse, rhs: GatewayResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && sortedHeaders(lhs) == sortedHeaders(rhs)
    }

    private static func sortedHeaders(_ response: GatewayResponse) -> [[String]] {
        response.headers.map { [$0.name.lowercased(), $0.value] }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Request Entity Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: status < 500 ? "Bad Request" : "Internal Server Error"
        }
    }
}
