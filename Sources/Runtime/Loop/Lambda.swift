#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Entry points of a function's executable.
///
/// ```
/// Lambda.run { (event: SQSEvent, context) in try handleMessages(event, context) }
/// ```
/// or, with state made once per warm instance (a missing setting throws and becomes an init error):
/// ```
/// Lambda.run { try MyHandler(settings: .fromEnvironment()) }
/// ```
public enum Lambda {
    /// Runs a handler made by `setup`. An error thrown by `setup` is posted to the Runtime API's
    /// init error path and the process exits with status 1.
    public static func run<Handler: LambdaHandler>(_ setup: () throws -> Handler) -> Never {
        runBytes { CodableHandlerAdapter(handler: try setup()) }
    }

    /// Runs a closure for each event.
    public static func run<Event: Decodable, Output: Encodable>(
        _ body: @escaping (Event, LambdaContext) throws -> Output
    ) -> Never {
        run { ClosureHandler(body: body) }
    }

    /// Runs a closure with nothing to return (the response is JSON `null`).
    public static func run<Event: Decodable>(_ body: @escaping (Event, LambdaContext) throws -> Void) -> Never {
        run {
            ClosureHandler { (event: Event, context) in
                try body(event, context); return NoOutput()
            }
        }
    }

    /// Runs a handler of raw payload bytes.
    public static func runBytes<Handler: ByteLambdaHandler>(_ setup: () throws -> Handler) -> Never {
        let logger = Logger(label: LambdaFunctionInfo.current.name)
        guard let endpoint = Environment.get("AWS_LAMBDA_RUNTIME_API") else {
            logger.error("AWS_LAMBDA_RUNTIME_API is not set: this program runs inside Lambda or the local emulator.")
            exit(1)
        }
        let handler: Handler
        do {
            handler = try setup()
        } catch {
            LambdaRuntime<Handler>.reportInitError(error, endpoint: endpoint, logger: logger)
            exit(1)
        }
        do {
            var runtime = try LambdaRuntime(handler: handler, endpoint: endpoint, logger: logger)
            try runtime.run()
        } catch {
            logger.error("Runtime stopped: \(error)")
        }
        exit(1)
    }
}
