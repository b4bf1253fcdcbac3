import Runtime

extension PayloadV2 {
    /// The HTTP response for a function's result, by the rules of payload format 2.0.
    ///
    /// - A JSON object with a `statusCode` is a response: the status (an integer, 100–599),
    ///   `headers` (scalar values, written as text), `cookies` (each a `set-cookie` header) and
    ///   `body` (a string, base64-decoded when `isBase64Encoded` is true). Other members are
    ///   ignored. A body without a content type is sent as `text/plain; charset=utf-8`, as HTTP
    ///   APIs do.
    /// - Any other JSON (an object without `statusCode`, an array, a string, a number…) is the
    ///   body itself, verbatim, sent with status 200 and `content-type: application/json`.
    /// - Anything else (not JSON, a bad status, headers or body of the wrong type, bad base64)
    ///   is the gateway's 500 `{"message":"Internal Server Error"}`.
    public static func response(fromFunctionPayload payload: [UInt8]) -> GatewayResponse {
        guard let value = try? JSON.decode(JSONValue.self, from: payload) else { return .error(500) }
        guard let members = value.objectValue, let statusCode = members["statusCode"] else {
            return GatewayResponse(
                status: 200, headers: [(name: "content-type", value: "application/json")], body: payload)
        }
        return structuredResponse(statusCode: statusCode, members) ?? .error(500)
    }

    /// The response a `{"statusCode": …}` object describes; nil when it is malformed.
    private static func structuredResponse(statusCode: JSONValue, _ members: [String: JSONValue]) -> GatewayResponse? {
        guard let status = statusCode.intValue, (100...599).contains(status) else { return nil }

        var headers: [(name: String, value: String)] = []
        switch members["headers"] {
        case nil, .null?: break
        case .object(let fields)?:
            for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
                if value.isNull { continue }
                guard let text = scalarText(value) else { return nil }
                headers.append((name: name, value: text))
            }
        default: return nil
        }

        switch members["cookies"] {
        case nil, .null?: break
        case .array(let cookies)?:
            for cookie in cookies {
                guard let text = cookie.stringValue else { return nil }
                headers.append((name: "set-cookie", value: text))
            }
        default: return nil
        }

        var body: [UInt8] = []
        switch members["body"] {
        case nil, .null?: break
        case .string(let text)?:
            if members["isBase64Encoded"]?.boolValue == true {
                guard let bytes = Base64.decode(text) else { return nil }
                body = bytes
            } else {
                body = Array(text.utf8)
            }
        default: return nil
        }

        if !body.isEmpty, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append((name: "content-type", value: "text/plain; charset=utf-8"))
        }
        return GatewayResponse(status: status, headers: headers, body: body)
    }

    /// A header value as text: strings as they are, numbers and booleans as JSON writes them.
    private static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .integer(let number): String(number)
        case .double(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .bool(let flag): flag ? "true" : "false"
        default: nil
        }
    }
}
