/// An API Gateway HTTP API request, payload format 2.0.
///
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
public struct APIGatewayV2Request: Codable, Sendable {
    public struct Context: Codable, Sendable {
        public struct HTTP: Codable, Sendable {
            public var method: String
            public var path: String
            public var `protocol`: String
            public var sourceIp: String
            public var userAgent: String

            public init(
                method: String, path: String, protocol: String = "HTTP/1.1", sourceIp: String, userAgent: String = ""
            ) {
                self.method = method
                self.path = path
                self.protocol = `protocol`
                self.sourceIp = sourceIp
                self.userAgent = userAgent
            }
        }

        public var accountId: String
        public var apiId: String
        public var domainName: String
        public var domainPrefix: String
        public var http: HTTP
        public var requestId: String
        public var routeKey: String
        public var stage: String
        /// `28/Nov/2026:16:22:10 +0000`
        public var time: String
        public var timeEpoch: Int64
        public var authentication: JSONValue?
        public var authorizer: JSONValue?

        public init(
            accountId: String, apiId: String, domainName: String, domainPrefix: String, http: HTTP,
            requestId: String, routeKey: String, stage: String, time: String, timeEpoch: Int64,
            authentication: JSONValue? = nil, authorizer: JSONValue? = nil
        ) {
            self.accountId = accountId
            self.apiId = apiId
            self.domainName = domainName
            self.domainPrefix = domainPrefix
            self.http = http
            self.requestId = requestId
            self.routeKey = routeKey
            self.stage = stage
            self.time = time
            self.timeEpoch = timeEpoch
            self.authentication = authentication
            self.authorizer = authorizer
        }
    }

    public var version: String
    public var routeKey: String
    public var rawPath: String
    public var rawQueryString: String
    public var cookies: [String]?
    /// Header names lowercased; repeated headers joined with commas.
    public var headers: [String: String]
    public var queryStringParameters: [String: String]?
    public var pathParameters: [String: String]?
    public var stageVariables: [String: String]?
    public var requestContext: Context
    public var body: String?
    public var isBase64Encoded: Bool

    public init(
        version: String = "2.0", routeKey: String, rawPath: String, rawQueryString: String = "",
        cookies: [String]? = nil, headers: [String: String] = [:], queryStringParameters: [String: String]? = nil,
        pathParameters: [String: String]? = nil, stageVariables: [String: String]? = nil,
        requestContext: Context, body: String? = nil, isBase64Encoded: Bool = false
    ) {
        self.version = version
        self.routeKey = routeKey
        self.rawPath = rawPath
        self.rawQueryString = rawQueryString
        self.cookies = cookies
        self.headers = headers
        self.queryStringParameters = queryStringParameters
        self.pathParameters = pathParameters
        self.stageVariables = stageVariables
        self.requestContext = requestContext
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    public var method: String { requestContext.http.method }

    /// A header by name, case-insensitively.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()] ?? headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }

    /// The body's bytes: base64-decoded when the gateway encoded it.
    /// - Throws: `RuntimeError.invalidPayload` when `isBase64Encoded` is set and the body is not base64.
    public func bodyBytes() throws -> [UInt8] {
        guard let body else { return [] }
        guard isBase64Encoded else { return Array(body.utf8) }
        guard let bytes = Base64.decode(body) else { throw RuntimeError.invalidPayload("body is not valid base64") }
        return bytes
    }

    /// The value of a cookie by name.
    public func cookie(_ name: String) -> String? {
        for cookie in cookies ?? [] {
            let parts = cookie.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingWhitespace() == name { return String(parts[1]) }
        }
        return nil
    }
}
