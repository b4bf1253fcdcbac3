import HTTP
import Runtime

/// AWS's JSON protocol, 1.0 (DynamoDB, SQS) or 1.1 (Secrets Manager): `POST /` with
/// `X-Amz-Target: Prefix.Operation`.
extension AWSTransport {
    func jsonCall<Input: Encodable, Output: Decodable>(
        targetPrefix: String, operation: String, input: Input, idempotent: Bool, jsonVersion: String = "1.0",
        as output: Output.Type = Output.self
    ) throws -> Output {
        let body = try JSON.encode(input)
        let call = AWSCall(
            method: .post, path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-\(jsonVersion)"),
                ("X-Amz-Target", "\(targetPrefix).\(operation)"),
            ],
            body: .bytes(body), idempotent: idempotent)
        let response = try send(call, errorParser: Self.jsonError)
        guard response.status < 300 else { throw Self.jsonError(response) }
        do {
            return try JSON.decode(Output.self, from: response.body.isEmpty ? Array("{}".utf8) : response.body)
        } catch {
            throw AWSError.invalidResponse(
                "\(operation) answered with an unexpected body: \(error)", status: response.status,
                requestID: Self.requestID(response))
        }
    }

    static func requestID(_ response: HTTPResponse) -> String? {
        response.header("x-amzn-RequestId") ?? response.header("x-amz-request-id")
    }

    /// `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"…"}`;
    /// SQS also says its legacy code in `x-amzn-query-error` (`AWS.SimpleQueueService.NonExistentQueue;Sender`).
    static func jsonError(_ response: HTTPResponse) -> AWSError {
        let value = try? JSON.decode(JSONValue.self, from: response.body)
        var code = value?["__type"]?.stringValue ?? response.header("x-amzn-ErrorType") ?? "HTTP\(response.status)"
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        let message = value?["message"]?.stringValue ?? value?["Message"]?.stringValue ?? response.bodyText
        var details: String?
        if case .object(var fields)? = value {
            fields["__type"] = nil
            fields["message"] = nil
            fields["Message"] = nil
            if !fields.isEmpty { details = try? JSON.encodeString(JSONValue.object(fields)) }
        }
        return AWSError(
            code: code, message: message, status: response.status, requestID: requestID(response), details: details)
    }
}
