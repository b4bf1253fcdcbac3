import LocalGateway
import Runtime

/// Shorthands the gateway's test suites share.
enum GatewayTesting {
    /// A request with header pairs written as `("Name", "value")`.
    static func request(
        _ method: String, _ rawPath: String, query: String = "", headers: [(String, String)] = [],
        body: [UInt8] = [], sourceIP: String = "198.51.100.7"
    ) -> GatewayRequest {
        GatewayRequest(
            method: method, rawPath: rawPath, rawQuery: query, headers: headers.map { (name: $0.0, value: $0.1) },
            body: body, sourceIP: sourceIP)
    }

    /// The event for a request that selected `$default`.
    static func event(_ request: GatewayRequest, match: RouteMatch? = nil) -> APIGatewayV2Request {
        PayloadV2.event(
            for: request, match: match ?? RouteMatch(route: .catchAll(function: "Web")), requestID: "req-1",
            time: Timestamp(millisecondsSinceEpoch: 1_584_039_838_390), accountID: "000000000000")
    }

    /// The gateway's answer to a function payload written as text.
    static func response(_ payload: String) -> GatewayResponse {
        PayloadV2.response(fromFunctionPayload: Array(payload.utf8))
    }

    /// A response's header fields as sorted `name: value` lines, names lowercased.
    static func headerLines(_ response: GatewayResponse) -> [String] {
        response.headers.map { "\($0.name.lowercased()): \($0.value)" }.sorted()
    }
}

extension GatewayResponse {
    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
