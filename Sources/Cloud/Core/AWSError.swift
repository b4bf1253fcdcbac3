import HTTP

/// A failed AWS call: the service's error code (`NoSuchKey`, `ConditionalCheckFailedException`,
/// `QueueDoesNotExist`, …), HTTP status and request id, or the transport error underneath.
public struct AWSError: Error, CustomStringConvertible, Sendable {
    /// AWS's error code, without a namespace (`com.amazonaws.dynamodb.v20120810#` is dropped).
    public let code: String
    public let message: String
    /// The HTTP status; 0 when no response arrived.
    public let status: Int
    public let requestID: String?
    /// The connection failure, when there was no response.
    public let transport: HTTPClientError?
    /// Extra fields of the error body (DynamoDB's `CancellationReasons`, say), as JSON text.
    public let details: String?

    public init(
        code: String, message: String, status: Int, requestID: String? = nil,
        transport: HTTPClientError? = nil, details: String? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
        self.transport = transport
        self.details = details
    }

    public var description: String {
        var text = "\(code) (HTTP \(status)): \(message)"
        if let requestID { text += " [request id \(requestID)]" }
        return text
    }

    /// Throttling and capacity errors: the request was not carried out and may be sent again.
    public var isThrottling: Bool {
        status == 429 || Self.throttlingCodes.contains(code)
    }

    /// Errors worth another attempt (throttling, 5xx, connection failures).
    public var isTransient: Bool {
        if let transport { return transport.isTransient }
        return isThrottling || status >= 500 || code == "RequestTimeout"
    }

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "RequestTimeoutException",
    ]

    static func invalidEndpoint(_ url: String) -> AWSError {
        AWSError(code: "InvalidEndpoint", message: "\(url) is not an http(s) endpoint URL", status: 0)
    }

    static func transport(_ error: HTTPClientError) -> AWSError {
        AWSError(code: "NetworkingError", message: error.description, status: 0, transport: error)
    }

    static func invalidResponse(_ what: String, status: Int, requestID: String?) -> AWSError {
        AWSError(code: "InvalidResponse", message: what, status: status, requestID: requestID)
    }
}
