import Cloud
import Foundation
import Hummingbird
import Runtime

/// The AWS-compatible endpoint on 127.0.0.1:4566. Requests are SigV4-verified with the local
/// credentials; the service is told by the credential scope. Part 1 serves Lambda's Invoke API.
struct AWSResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let lambda: LambdaService
    let verifier: SigV4Verifier

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let body = try await request.collectBytes(limit: 64 * 1024 * 1024) else {
            return Self.error(
                413, "RequestEntityTooLargeException",
                "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
        }
        let (rawPath, rawQuery) = request.rawPathAndQuery
        let signable = SignableRequest(
            method: request.method.rawValue, path: rawPath, query: rawQuery, headers: request.headerPairs)
        let verified: SigV4Verifier.Verified
        do {
            verified = try verifier.verify(signable, payloadHash: Digest.sha256Hex(body))
        } catch let error as SignatureError {
            return Self.signatureError(error)
        }
        switch verified.service {
        case "lambda":
            return await invoke(request, path: rawPath, body: body)
        default:
            return Self.error(400, "UnknownService", "The local emulator does not serve \(verified.service) yet")
        }
    }

    /// `POST /2015-03-31/functions/{name}/invocations`
    private func invoke(_ request: Request, path: String, body: [UInt8]) async -> Response {
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
                _ = try lambda.invokeAsync(name, payload: body)
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
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:\(name)")
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
        case .unknownAccessKey:
            error(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        case .expired, .skewed: error(403, "InvalidSignatureException", failure.message)
        case .malformed: error(403, "IncompleteSignatureException", failure.message)
        case .mismatch, .contentMismatch: error(403, "InvalidSignatureException", failure.message)
        }
    }
}
