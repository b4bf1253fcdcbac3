import LocalStore

/// An SQS API error: the JSON protocol's `__type` code, the query protocol's code (which AWS SDKs
/// read from `x-amzn-query-error`), the HTTP status and a message for the caller.
public struct SQSError: Error, CustomStringConvertible, Equatable {
    private enum Code: String {
        case queueDoesNotExist = "QueueDoesNotExist"
        case queueAlreadyExists = "QueueAlreadyExists"
        case invalidParameterValue = "InvalidParameterValue"
        case missingParameter = "MissingParameter"
        case invalidAttributeName = "InvalidAttributeName"
        case invalidAttributeValue = "InvalidAttributeValue"
        case receiptHandleIsInvalid = "ReceiptHandleIsInvalid"
        case messageNotInflight = "MessageNotInflight"
        case tooManyEntriesInBatchRequest = "TooManyEntriesInBatchRequest"
        case emptyBatchRequest = "EmptyBatchRequest"
        case batchEntryIdsNotDistinct = "BatchEntryIdsNotDistinct"
        case invalidBatchEntryId = "InvalidBatchEntryId"
        case invalidAction = "InvalidAction"
        case internalError = "InternalError"
    }

    private let code: Code
    public let message: String

    /// The JSON protocol's error code (the part of `__type` after `#`).
    public var errorCode: String { code.rawValue }

    /// The query protocol's code, sent in `x-amzn-query-error` for SDKs that map it.
    public var queryCode: String {
        switch code {
        case .queueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue"
        case .messageNotInflight, .tooManyEntriesInBatchRequest, .emptyBatchRequest, .batchEntryIdsNotDistinct,
            .invalidBatchEntryId:
            "AWS.SimpleQueueService.\(code.rawValue)"
        default: code.rawValue
        }
    }

    public var status: Int { code == .internalError ? 500 : 400 }
    /// Whether the caller is at fault (`SenderFault` in batch results).
    public var isSenderFault: Bool { code != .internalError }
    public var description: String { "\(code.rawValue): \(message)" }

    public static func queueDoesNotExist(_ name: String) -> SQSError {
        SQSError(code: .queueDoesNotExist, message: "The specified queue \(name) does not exist.")
    }
    public static func queueAlreadyExists(_ name: String) -> SQSError {
        SQSError(
            code: .queueAlreadyExists,
            message: "A queue named \(name) already exists with different attributes; delete it or use its attributes.")
    }
    public static func invalidParameterValue(_ message: String) -> SQSError {
        SQSError(code: .invalidParameterValue, message: message)
    }
    public static func missingParameter(_ name: String) -> SQSError {
        SQSError(code: .missingParameter, message: "The request must contain the parameter \(name).")
    }
    public static func invalidAttributeName(_ name: String) -> SQSError {
        SQSError(code: .invalidAttributeName, message: "Unknown Attribute \(name).")
    }
    public static func invalidAttributeValue(_ name: String, _ reason: String) -> SQSError {
        SQSError(code: .invalidAttributeValue, message: "Invalid value for the parameter \(name). Reason: \(reason)")
    }
    public static func receiptHandleIsInvalid(_ handle: String) -> SQSError {
        SQSError(
            code: .receiptHandleIsInvalid,
            message:
                "The input receipt handle \"\(handle)\" is not a valid receipt handle; use the one from the latest receive."
        )
    }
    public static func messageNotInflight() -> SQSError {
        SQSError(code: .messageNotInflight, message: "The message is not in flight; receive it again first.")
    }
    public static func tooManyEntriesInBatchRequest(_ count: Int) -> SQSError {
        SQSError(
            code: .tooManyEntriesInBatchRequest,
            message: "Maximum number of entries per request are 10. You have sent \(count).")
    }
    public static func emptyBatchRequest() -> SQSError {
        SQSError(code: .emptyBatchRequest, message: "There should be at least one entry in the request.")
    }
    public static func batchEntryIdsNotDistinct(_ id: String) -> SQSError {
        SQSError(code: .batchEntryIdsNotDistinct, message: "Id \(id) repeated; give each batch entry its own Id.")
    }
    public static func invalidBatchEntryId(_ id: String) -> SQSError {
        SQSError(
            code: .invalidBatchEntryId,
            message:
                "A batch entry id (\(id)) can only contain alphanumeric characters, hyphens and underscores, up to 80.")
    }
    public static func invalidAction(_ target: String) -> SQSError {
        SQSError(code: .invalidAction, message: "The action \(target) is not valid for this endpoint.")
    }
    public static func internalError(_ underlying: any Error) -> SQSError {
        SQSError(code: .internalError, message: "The local SQS store failed: \(underlying). Check the data directory.")
    }

    /// The error as the JSON protocol's answer.
    public var response: ServiceResponse {
        var response = ServiceResponse.jsonError(
            status, namespace: "com.amazonaws.sqs", code: code.rawValue, message: message)
        response.headers.append(("x-amzn-query-error", "\(queryCode);\(isSenderFault ? "Sender" : "Receiver")"))
        return response
    }
}
