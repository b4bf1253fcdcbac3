import Cloud
import Foundation
import Hummingbird
import LocalStore

/// Lambda's Invoke API and the AWS error shapes of the endpoint.
extension AWSResponder {
    /// `POST /2015-03-31/functions/{name}/invocations`
    func invoke(_ request: Request, path: String, body: [UInt8]) async -> Response {
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count == 4, parts[0] == "2015-03-31", parts[1] == "functions", parts[3] == "invocations",
            request.method == .post
        else {
            return Self.error(404, "UnknownOperationException", "Unknown operation \(request.method.rawValue) \(path)")
        }
        // A name, a partial ARN or a full ARN; a qualifier after a colon is ignored locally.
        var name = parts[2]
        if let range = name.range(of: "function:") { name = String(name[range.upperBound...]) }
        if let colon = name.firstIndex(of: ":") { name = String(name[..<colon]) }
        let type = request.headers[.init("X-Amz-Invocation-Type")!] ?? "RequestResponse"
        do {
            switch type {
            case "Event":
                guard lambda.pools[name] != nil else { throw LambdaService.InvokeError.notFound(name) }
                guard body.count <= LambdaService.maxAsyncPayload else {
                    throw LambdaService.InvokeError.payloadTooLarge(body.count, limit: LambdaService.maxAsyncPayload)
                }
                try invoker.enqueue(function: name, payload: body)
                return .bytes(202, headers: [("x-amzn-RequestId", UUID().uuidString.lowercased())], body: [])
            case "DryRun":
                guard lambda.pools[name] != nil else { throw LambdaService.InvokeError.notFound(name) }
                return .bytes(204, body: [])
            case "RequestResponse":
                let traceID = request.headers[.init("X-Amzn-Trace-Id")!]
                let clientContext = request.headers[.init("X-Amz-Client-Context")!].flatMap { Data(base64Encoded: $0) }
                    .map { String(decoding: $0, as: UTF8.self) }
                let result = try await lambda.invoke(
                    name, payload: body, traceID: traceID, clientContext: clientContext)
                var headers = [
                    ("x-amzn-RequestId", result.requestID), ("X-Amz-Executed-Version", "$LATEST"),
                    ("Content-Type", "application/json"),
                ]
                switch result.kind {
                case .throttled:
                    return Self.error(
                        429, "TooManyRequestsException", "Rate Exceeded.",
                        extra: ["Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"])
                case .functionError:
                    headers.append(("X-Amz-Function-Error", "Unhandled"))
                case .success:
                    break
                }
                return .bytes(200, headers: headers, body: result.payload)
            default:
                return Self.error(
                    400, "InvalidParameterValueException",
                    "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun")
            }
        } catch LambdaService.InvokeError.notFound(let name) {
            return Self.error(
                404, "ResourceNotFoundException",
                "Function not found: \(lambda.functionARN(name))")
        } catch LambdaService.InvokeError.payloadTooLarge(let size, let limit) {
            return Self.error(
                413, "RequestEntityTooLargeException",
                "\(size) byte payload is too large for the \(type == "Event" ? "Event" : "RequestResponse") invocation type (limit \(limit) bytes)"
            )
        } catch {
            return Self.error(500, "ServiceException", "\(error)")
        }
    }

    static func error(_ status: Int, _ code: String, _ message: String, extra: [String: String] = [:]) -> Response {
        var object: [String: String] = ["Type": status >= 500 ? "Service" : "User", "message": message]
        object.merge(extra) { $1 }
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return .bytes(
            status, headers: [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], body: Array(body))
    }

    static func signatureError(_ failure: SignatureError) -> Response {
        switch failure.kind {
        case .missing: error(403, "MissingAuthenticationTokenException", failure.message)
        case .unknownAccessKey, .invalidToken:
            error(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        case .expired, .skewed: error(403, "InvalidSignatureException", failure.message)
        case .malformed: error(403, "IncompleteSignatureException", failure.message)
        case .mismatch, .contentMismatch: error(403, "InvalidSignatureException", failure.message)
        }
    }

    /// S3's XML error for a refused signature.
    static func s3SignatureError(_ failure: SignatureError) -> Response {
        let code: String
        switch failure.kind {
        case .missing, .expired: code = "AccessDenied"
        case .unknownAccessKey: code = "InvalidAccessKeyId"
        case .invalidToken: code = "InvalidToken"
        case .skewed: code = "RequestTimeTooSkewed"
        case .malformed: code = "AuthorizationQueryParametersError"
        case .mismatch: code = "SignatureDoesNotMatch"
        case .contentMismatch: code = "XAmzContentSHA256Mismatch"
        }
        let status = code == "XAmzContentSHA256Mismatch" || code == "InvalidToken" ? 400 : 403
        let message =
            failure.kind == .invalidToken ? "The provided token is malformed or otherwise invalid." : failure.message
        return s3Error(status, code, message)
    }

    /// S3's refusal of a body over `limit` bytes.
    static func s3EntityTooLarge(size: Int64, limit: Int64) -> Response {
        s3Error(
            400, "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size (\(size) bytes; at most \(limit))")
    }

    /// The refusal of a body over the service's limit, in the service's shape.
    static func tooLarge(service: String, limit: Int64) -> Response {
        if service == "s3" { return s3EntityTooLarge(size: limit + 1, limit: limit) }
        return error(
            413, "RequestEntityTooLargeException", "The request body is too large (at most \(limit) bytes)")
    }

    /// An S3 error document.
    static func s3Error(_ status: Int, _ code: String, _ message: String) -> Response {
        .bytes(status, headers: [("Content-Type", "application/xml")], body: Array(s3ErrorDocument(code, message).utf8))
    }

    static func s3ErrorDocument(_ code: String, _ message: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(XMLElement.escape(message))</Message><RequestId>\(UUID().uuidString)</RequestId></Error>"
    }
}
