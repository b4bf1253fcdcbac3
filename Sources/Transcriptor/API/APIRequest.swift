import Runtime

/// Reading an API request: the JSON body (at most 256 KiB, decoded into the route's type with a
/// 400 that names the field when it does not fit), the bearer credential, path and query values.
public struct APIRequest: Sendable {
    /// JSON request bodies over this are refused with 413 (DESIGN.md).
    public static let maxJSONBody = 256 * 1024

    public let event: APIGatewayV2Request

    public init(_ event: APIGatewayV2Request) { self.event = event }

    /// The body decoded as `T`.
    /// - Throws: `APIError` 413 when it is over 256 KiB, 400 when it is missing, not JSON, or does
    ///   not fit `T` (the message names the field and what was expected).
    public func json<T: Decodable>(_ type: T.Type) throws(APIError) -> T {
        let bytes: [UInt8]
        do {
            bytes = try event.bodyBytes()
        } catch {
            throw .badRequest("The request body is not valid base64.")
        }
        guard bytes.count <= Self.maxJSONBody else { throw .payloadTooLarge(limit: Self.maxJSONBody) }
        guard !bytes.isEmpty else { throw .badRequest("The request needs a JSON body.") }
        do {
            return try JSON.decode(T.self, from: bytes)
        } catch let error as JSONError {
            throw .badRequest(Self.explain(error))
        } catch let error as DecodingError {
            throw .badRequest(Self.explain(error))
        } catch {
            throw .badRequest("The request body could not be read: \(error)")
        }
    }

    /// The token or API key of `Authorization: Bearer …`; nil when absent or not a bearer.
    public var bearerCredential: String? {
        guard let value = event.header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let credential = parts[1].trimmingWhitespace()
        return credential.isEmpty ? nil : credential
    }

    public func pathParameter(_ name: String) -> String? { event.pathParameters?[name] }
    public func query(_ name: String) -> String? { event.queryStringParameters?[name] }

    static func explain(_ error: JSONError) -> String {
        let path = error.codingPath.isEmpty ? "" : " at \(error.codingPath)"
        switch error {
        case JSONError.syntax: return "The request body is not valid JSON: \(error.message)."
        case JSONError.keyNotFound:
            return error.codingPath.isEmpty
                ? "A required field is missing: \(error.message)." : "The field \(error.codingPath) is required."
        case JSONError.typeMismatch: return "The value\(path) has the wrong type: \(error.message)."
        default: return "The value\(path) is not valid: \(error.message)."
        }
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case .keyNotFound(let key, _):
            return "The field \(key.stringValue) is required."
        @unknown default:
            return "The request body does not fit this route."
        }
    }
}
