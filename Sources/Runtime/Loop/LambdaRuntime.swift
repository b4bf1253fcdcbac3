#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The Lambda custom-runtime loop: fetch the next event from the Runtime API, run the handler,
/// post its response or error, repeat, all on the calling thread over one connection.
///
/// Protocol: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
public struct LambdaRuntime<Handler: ByteLambdaHandler> {
    private var handler: Handler
    private let connection: RuntimeAPIConnection
    private let logger: Logger
    private let function: LambdaFunctionInfo

    private static var invocationPath: String { "/2018-06-01/runtime/invocation" }

    package init(handler: Handler, endpoint: String, logger: Logger, function: LambdaFunctionInfo = .current) throws {
        self.handler = handler
        self.connection = try RuntimeAPIConnection(endpoint: endpoint)
        self.logger = logger
        self.function = function
    }

    /// Serves invocations until the Runtime API goes away (or `limit` invocations, for tests).
    /// - Throws: a `RuntimeError` when the Runtime API cannot be reached or answers wrongly; Lambda
    ///   then restarts the instance.
    package mutating func run(limit: Int? = nil) throws {
        var served = 0
        while limit.map({ served < $0 }) ?? true {
            try serveOne()
            served += 1
        }
    }

    private mutating func serveOne() throws {
        let next = try connection.request("GET", "\(Self.invocationPath)/next")
        guard next.status == 200 else {
            throw RuntimeError.unexpectedStatus(
                next.status, path: "next", body: String(decoding: next.body, as: UTF8.self))
        }
        guard let requestID = next.header("lambda-runtime-aws-request-id"), !requestID.isEmpty else {
            throw RuntimeError.protocolViolation("next invocation without Lambda-Runtime-Aws-Request-Id")
        }
        let traceID = next.header("lambda-runtime-trace-id")
        Environment.set("_X_AMZN_TRACE_ID", traceID)
        let context = LambdaContext(
            requestID: requestID,
            deadline: Timestamp(
                millisecondsSinceEpoch: next.header("lambda-runtime-deadline-ms").flatMap(Int64.init) ?? 0),
            invokedFunctionARN: next.header("lambda-runtime-invoked-function-arn") ?? "",
            traceID: traceID,
            clientContext: next.header("lambda-runtime-client-context"),
            cognitoIdentity: next.header("lambda-runtime-cognito-identity"),
            function: function,
            logger: logger)

        let result: Result<[UInt8], any Error>
        do {
            result = .success(try handler.handle(next.body, context: context))
        } catch {
            result = .failure(error)
        }
        let path = "\(Self.invocationPath)/\(requestID)"
        let posted: RuntimeAPIConnection.Response
        switch result {
        case .success(let output):
            posted = try connection.request("POST", "\(path)/response", body: output)
        case .failure(let error):
            let report = ErrorReport(error)
            context.logger.error("Invocation failed: \(report.errorMessage)", [("error.type", report.errorType)])
            posted = try connection.request(
                "POST", "\(path)/error",
                headers: [
                    ("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", report.errorType),
                ],
                body: report.json)
        }
        if posted.status == 413, case .success = result {
            // Lambda refuses responses over its limit; tell the caller through an error instead.
            let report = ErrorReport(
                type: "Function.ResponseSizeTooLarge",
                message: "Response payload size exceeded maximum allowed payload size.")
            _ = try connection.request(
                "POST", "\(path)/error",
                headers: [
                    ("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", report.errorType),
                ],
                body: report.json)
        } else if posted.status >= 300 {
            logger.error("Runtime API answered \(posted.status) to the result of \(requestID)")
        }
    }

    /// Reports a failed set-up to `/runtime/init/error`, as Lambda expects before the process exits.
    package static func reportInitError(_ error: any Error, endpoint: String, logger: Logger) {
        let report = ErrorReport(error)
        logger.error("Init failed: \(report.errorMessage)", [("error.type", report.errorType)])
        do {
            let connection = try RuntimeAPIConnection(endpoint: endpoint)
            _ = try connection.request(
                "POST", "/2018-06-01/runtime/init/error",
                headers: [
                    ("Content-Type", "application/json"), ("Lambda-Runtime-Function-Error-Type", "Runtime.InitError"),
                ],
                body: report.json)
        } catch {
            logger.error("Could not report the init error: \(error)")
        }
    }
}

/// The body Lambda expects for `/error` and `/init/error`.
struct ErrorReport {
    let errorType: String
    let errorMessage: String

    init(_ error: any Error) {
        errorType = String(describing: type(of: error))
        errorMessage = String(describing: error)
    }

    init(type: String, message: String) {
        errorType = type
        errorMessage = message
    }

    var json: [UInt8] {
        Array(
            "{\"errorMessage\":\(JSONText.quoted(errorMessage)),\"errorType\":\(JSONText.quoted(errorType)),\"stackTrace\":[]}"
                .utf8)
    }
}
