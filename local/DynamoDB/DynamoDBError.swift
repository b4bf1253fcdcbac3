import Foundation
import LocalStore
import Runtime

/// An error of the DynamoDB API, rendered as AWS renders it: HTTP 400 (500 for internal
/// failures) with `{"__type":"com.amazonaws.dynamodb.v20120810#<Code>","message":"…"}`.
struct DynamoDBError: Error, CustomStringConvertible {
    private enum Code: String {
        case validation = "ValidationException"
        case serialization = "SerializationException"
        case conditionalCheckFailed = "ConditionalCheckFailedException"
        case transactionCanceled = "TransactionCanceledException"
        case resourceNotFound = "ResourceNotFoundException"
        case resourceInUse = "ResourceInUseException"
        case unknownOperation = "UnknownOperationException"
        case internalFailure = "InternalServerError"
    }

    private let code: Code
    let message: String
    /// Further members of the error body (`CancellationReasons`, `Item`).
    var fields: [String: JSONValue] = [:]

    private init(_ code: Code, _ message: String, fields: [String: JSONValue] = [:]) {
        self.code = code
        self.message = message
        self.fields = fields
    }

    var codeName: String { code.rawValue }
    var description: String { "\(code.rawValue): \(message)" }

    static func validation(_ message: String) -> DynamoDBError { DynamoDBError(.validation, message) }
    static func serialization(_ message: String) -> DynamoDBError { DynamoDBError(.serialization, message) }
    static func resourceNotFound(_ message: String = "Requested resource not found") -> DynamoDBError {
        DynamoDBError(.resourceNotFound, message)
    }
    static func resourceInUse(_ message: String) -> DynamoDBError { DynamoDBError(.resourceInUse, message) }
    static func unknownOperation(_ name: String) -> DynamoDBError {
        DynamoDBError(.unknownOperation, "Unknown operation: \(name)")
    }
    static func internalFailure(_ error: any Error) -> DynamoDBError {
        DynamoDBError(.internalFailure, "Internal server error: \(error)")
    }

    /// A condition was false; `item` is the stored item when the caller asked for it (`ReturnValuesOnConditionCheckFailure`).
    static func conditionalCheckFailed(item: AttributeValue.Item? = nil) -> DynamoDBError {
        DynamoDBError(
            .conditionalCheckFailed, "The conditional request failed",
            fields: item.map { ["Item": AttributeValue.wire($0)] } ?? [:])
    }

    /// A transaction was refused; `reasons` holds one entry per action, in order.
    static func transactionCanceled(reasons: [JSONValue]) -> DynamoDBError {
        let codes = reasons.map { $0["Code"]?.stringValue ?? "None" }.joined(separator: ", ")
        return DynamoDBError(
            .transactionCanceled,
            "Transaction cancelled, please refer cancellation reasons for specific reasons [\(codes)]",
            fields: ["CancellationReasons": .array(reasons)])
    }

    var isConditionalCheckFailure: Bool { code == .conditionalCheckFailed }

    /// The HTTP answer.
    var response: ServiceResponse {
        let status = code == .internalFailure ? 500 : 400
        let namespace = code == .unknownOperation ? "com.amazon.coral.service" : "com.amazonaws.dynamodb.v20120810"
        if fields.isEmpty {
            return .jsonError(status, namespace: namespace, code: code.rawValue, message: message)
        }
        var body = fields
        body["__type"] = .string("\(namespace)#\(code.rawValue)")
        body["message"] = .string(message)
        var response = ServiceResponse.json(status, (try? JSON.encode(JSONValue.object(body), sortedKeys: true)) ?? [])
        response.headers.append(("x-amzn-ErrorType", code.rawValue))
        return response
    }
}
