/// What Lambda tells a handler about the invocation at hand and the function it runs in.
public struct LambdaContext: Sendable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    public let requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: when the invocation times out.
    public let deadline: Timestamp
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public let invokedFunctionARN: String
    /// `Lambda-Runtime-Trace-Id` (X-Ray), also exported as `_X_AMZN_TRACE_ID` during the invocation.
    public let traceID: String?
    /// `Lambda-Runtime-Client-Context`: the mobile SDK's client context, as JSON text.
    public let clientContext: String?
    /// `Lambda-Runtime-Cognito-Identity`: the Cognito identity, as JSON text.
    public let cognitoIdentity: String?
    /// The function, from the environment Lambda sets.
    public let function: LambdaFunctionInfo
    /// A logger with this invocation's request id on every line.
    public let logger: Logger

    public init(
        requestID: String, deadline: Timestamp, invokedFunctionARN: String, traceID: String? = nil,
        clientContext: String? = nil, cognitoIdentity: String? = nil,
        function: LambdaFunctionInfo = .current, logger: Logger? = nil
    ) {
        self.requestID = requestID
        self.deadline = deadline
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.function = function
        self.logger = (logger ?? Logger(label: function.name)).with("requestId", requestID)
    }

    /// Milliseconds left before the deadline (negative once it has passed).
    public var remainingMilliseconds: Int64 {
        deadline.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch
    }
}

/// The function's identity and size, from `AWS_LAMBDA_FUNCTION_*`.
public struct LambdaFunctionInfo: Sendable {
    public var name: String
    public var version: String
    public var memoryMB: Int
    public var logGroup: String?
    public var logStream: String?
    public var region: String?

    public init(
        name: String, version: String = "$LATEST", memoryMB: Int = 128, logGroup: String? = nil,
        logStream: String? = nil, region: String? = nil
    ) {
        self.name = name
        self.version = version
        self.memoryMB = memoryMB
        self.logGroup = logGroup
        self.logStream = logStream
        self.region = region
    }

    /// Read once from the environment.
    public static let current = LambdaFunctionInfo(
        name: Environment.get("AWS_LAMBDA_FUNCTION_NAME") ?? "local",
        version: Environment.get("AWS_LAMBDA_FUNCTION_VERSION") ?? "$LATEST",
        memoryMB: Environment.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").flatMap(Int.init) ?? 128,
        logGroup: Environment.get("AWS_LAMBDA_LOG_GROUP_NAME"),
        logStream: Environment.get("AWS_LAMBDA_LOG_STREAM_NAME"),
        region: Environment.get("AWS_REGION") ?? Environment.get("AWS_DEFAULT_REGION"))
}
