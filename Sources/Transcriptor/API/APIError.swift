import Runtime

/// An error of the public API, rendered as `{"error":{"code":"…","message":"…"}}` with its HTTP
/// status (DESIGN.md's contract). Messages say what went wrong and what to do; they never carry a
/// stack trace, a token or another user's data.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    /// Extra response headers (`Retry-After` on 429, say).
    public let headers: [String: String]
    /// The current version of what a stale request named (412), beside `error` in the body.
    public let version: Int?

    public init(status: Int, code: String, message: String, headers: [String: String] = [:], version: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.version = version
    }

    public var description: String { "\(status) \(code): \(message)" }

    public static func badRequest(_ message: String, code: String = "invalid_request") -> APIError {
        APIError(status: 400, code: code, message: message)
    }

    public static func unauthorized(
        _ message: String = "Sign in again: the credential is missing, malformed, expired or revoked."
    )
        -> APIError
    {
        APIError(status: 401, code: "unauthorized", message: message)
    }

    /// 404 for anything the caller may not see: another user's ids get exactly this, never a hint.
    public static func notFound(_ what: String) -> APIError {
        APIError(status: 404, code: "not_found", message: "No \(what) with that id.")
    }

    public static func conflict(_ code: String, _ message: String) -> APIError {
        APIError(status: 409, code: code, message: message)
    }

    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(
            status: 413, code: "payload_too_large", message: "The request body is over \(limit / 1024) KiB; send less.")
    }

    public static func tooManyRequests(_ message: String, retryAfterSeconds: Int) -> APIError {
        APIError(
            status: 429, code: "rate_limited", message: message,
            headers: ["retry-after": String(max(1, retryAfterSeconds))])
    }

    public static let internalError = APIError(
        status: 500, code: "internal_error", message: "Something went wrong on our side; try again in a moment.")

    /// The gateway response for this error.
    public var response: APIGatewayV2Response {
        struct Body: Encodable {
            struct Detail: Encodable { var code: String; var message: String }
            var error: Detail
            var version: Int?
        }
        var all = headers
        all["content-type"] = "application/json"
        all["cache-control"] = "no-store"
        let body =
            (try? JSON.encodeString(Body(error: .init(code: code, message: message), version: version)))
            ?? #"{"error":{"code":"internal_error","message":""}}"#
        return APIGatewayV2Response(statusCode: status, headers: all, body: body)
    }
}
