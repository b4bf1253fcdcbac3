/// The response of a function behind an HTTP API, payload format 2.0.
public struct APIGatewayV2Response: Codable, Sendable {
    public var statusCode: Int
    public var headers: [String: String]?
    public var cookies: [String]?
    public var body: String?
    public var isBase64Encoded: Bool?

    public init(
        statusCode: Int, headers: [String: String]? = nil, cookies: [String]? = nil, body: String? = nil,
        isBase64Encoded: Bool? = nil
    ) {
        self.statusCode = statusCode
        self.headers = headers
        self.cookies = cookies
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    /// A JSON response with `content-type: application/json`.
    /// - Throws: a `JSONError` when `value` cannot be encoded.
    public static func json<Value: Encodable>(
        _ status: Int, _ value: Value, headers: [String: String] = [:]
    ) throws
        -> APIGatewayV2Response
    {
        var all = headers
        all["content-type"] = "application/json"
        return APIGatewayV2Response(statusCode: status, headers: all, body: try JSON.encodeString(value))
    }

    /// A binary body, base64-encoded as the gateway expects.
    public static func bytes(
        _ status: Int, _ bytes: [UInt8], contentType: String, headers: [String: String] = [:]
    )
        -> APIGatewayV2Response
    {
        var all = headers
        all["content-type"] = contentType
        return APIGatewayV2Response(statusCode: status, headers: all, body: Base64.encode(bytes), isBase64Encoded: true)
    }

    /// A response with no body (204 and the like).
    public static func empty(_ status: Int, headers: [String: String]? = nil) -> APIGatewayV2Response {
        APIGatewayV2Response(statusCode: status, headers: headers)
    }
}
