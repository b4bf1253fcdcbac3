import Runtime

/// The HTTP API's Lambda proxy integration, payload format 2.0: the event a request becomes, and
/// the response a function's result becomes.
///
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
public enum PayloadV2 {
    /// The event for `request`, which selected `match`.
    ///
    /// Header names are lowercased and repeated headers joined with commas; the `cookie` headers
    /// become `cookies` (split at `;`) and leave `headers`, and the gateway adds
    /// `x-forwarded-for` (the source address appended), `x-forwarded-proto` and
    /// `x-forwarded-port`, as AWS's does. The query string's parameters are decoded, repeated names
    /// joined with commas. The body is text when its content type is textual and it is valid
    /// UTF-8, and base64 otherwise (`isBase64Encoded`).
    public static func event(
        for request: GatewayRequest, match: RouteMatch, requestID: String, time: Timestamp, apiID: String = "local",
        domainName: String = "127.0.0.1", accountID: String, stage: String = "$default"
    ) -> APIGatewayV2Request {
        let (body, isBase64Encoded) = encodedBody(request)
        let context = APIGatewayV2Request.Context(
            accountId: accountID, apiId: apiID, domainName: domainName,
            domainPrefix: String(domainName.split(separator: ".", omittingEmptySubsequences: false).first ?? ""),
            http: .init(
                method: request.method, path: request.path, protocol: request.protocolVersion,
                sourceIp: request.sourceIP, userAgent: request.header("user-agent") ?? ""),
            requestId: requestID, routeKey: match.route.routeKey, stage: stage, time: time.requestTime,
            timeEpoch: time.millisecondsSinceEpoch)
        return APIGatewayV2Request(
            routeKey: match.route.routeKey, rawPath: request.rawPath, rawQueryString: request.rawQuery,
            cookies: cookies(request), headers: headers(request), queryStringParameters: queryParameters(request),
            pathParameters: match.pathParameters.isEmpty ? nil : match.pathParameters, stageVariables: nil,
            requestContext: context, body: body, isBase64Encoded: isBase64Encoded)
    }

    /// Every cookie of every `Cookie` header (`a=1; b=2` → `["a=1", "b=2"]`); nil when there are none.
    /// Split at the byte `;`: a split at Characters would also cut at U+037E (canonically equal to
    /// `;`) and miss a `;` that a combining mark follows, letting a pair hide inside another.
    static func cookies(_ request: GatewayRequest) -> [String]? {
        let cookies = request.values(of: "cookie").flatMap { header in
            header.utf8.split(separator: UInt8(ascii: ";")).map {
                String(decoding: $0, as: UTF8.self).trimmingWhitespace()
            }
            .filter { !$0.isEmpty }
        }
        return cookies.isEmpty ? nil : cookies
    }

    /// Lowercased names, repeats joined with commas, without `cookie`, with the forwarding headers.
    static func headers(_ request: GatewayRequest) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in request.headers {
            let name = name.lowercased()
            guard name != "cookie" else { continue }
            headers[name] = headers[name].map { "\($0),\(value)" } ?? value
        }
        headers["x-forwarded-for"] = headers["x-forwarded-for"].map { "\($0), \(request.sourceIP)" } ?? request.sourceIP
        headers["x-forwarded-proto"] = "http"
        headers["x-forwarded-port"] = port(ofHost: headers["host"]) ?? "80"
        return headers
    }

    /// Decoded query parameters, repeated names joined with commas; nil without a query.
    static func queryParameters(_ request: GatewayRequest) -> [String: String]? {
        let pairs = PercentEncoding.parseQuery(request.rawQuery)
        guard !pairs.isEmpty else { return nil }
        var parameters: [String: String] = [:]
        for (name, value) in pairs {
            parameters[name] = parameters[name].map { "\($0),\(value)" } ?? value
        }
        return parameters
    }

    /// The body as the event carries it: nil when empty, text when textual, base64 otherwise.
    static func encodedBody(_ request: GatewayRequest) -> (body: String?, isBase64Encoded: Bool) {
        guard !request.body.isEmpty else { return (nil, false) }
        if isTextual(contentType: request.header("content-type")),
            let text = String(validating: request.body, as: UTF8.self)
        {
            return (text, false)
        }
        return (Base64.encode(request.body), true)
    }

    /// Whether a content type is text: `text/*`, JSON, XML, JavaScript, form data, `+json`, `+xml`.
    static func isTextual(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = String(contentType.split(separator: ";", maxSplits: 1).first ?? "")
            .trimmingWhitespace().lowercased()
        if mediaType.hasPrefix("text/") || mediaType.hasSuffix("+json") || mediaType.hasSuffix("+xml") { return true }
        return textualTypes.contains(mediaType)
    }

    private static let textualTypes: Set<String> = [
        "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded",
    ]

    /// `127.0.0.1:3000` → `3000`; nil without a port (or for a bracketed IPv6 host without one).
    private static func port(ofHost host: String?) -> String? {
        guard let host, let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") else { return nil }
        let port = host[host.index(after: colon)...]
        return !port.isEmpty && port.allSatisfy(\.isASCIIDigit) ? String(port) : nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Timestamp {
    /// `12/Mar/2020:19:03:58 +0000`: the form of `requestContext.time` and `$context.requestTime`.
    public var requestTime: String {
        let c = components
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(c.day))/\(months[c.month - 1])/\(c.year):\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
