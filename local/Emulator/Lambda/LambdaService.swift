import Foundation
import LocalTemplate
import NIOCore

/// Lambda, locally: a pool per function of the template, synchronous and asynchronous
/// invocations with AWS's limits, and the record the status page shows.
final class LambdaService: @unchecked Sendable {
    // @unchecked Sendable: `pools` is written once in `init`; `recent` is guarded by `lock`.

    /// Lambda's payload limits: 6 MB for a synchronous request, 1 MB for an asynchronous one.
    static let maxSyncPayload = 6 * 1024 * 1024
    static let maxAsyncPayload = 1024 * 1024

    let pools: [String: FunctionPool]
    /// The region and account the functions run in: the template's, one source for every ARN.
    let context: TemplateContext
    let output: ProcessOutput
    private let lock = NSLock()
    private var recent: [InvocationRecord] = []

    struct Settings {
        var buildDirectory: String
        var awsEndpoint: String
        var accessKeyID = "local"
        var secretAccessKey = "local-secret"
        /// The functions' role credentials, which each function gets as Lambda hands them (with
        /// `AWS_SESSION_TOKEN`); without them (`serve --iam off`, `invoke`) every function gets the
        /// unrestricted local credentials above.
        var roles: FunctionRoles?
        /// The concurrency of a function without `ReservedConcurrentExecutions`.
        var defaultConcurrency = 32
        /// Variables every function gets on top of its own (ALLOW_LOOPBACK_URLS, TIME_SCALE, …).
        var extraEnvironment: [String: String] = [:]
        /// Variables that override the functions' own (where the emulator runs a service the template
        /// points elsewhere: local Stripe's URLs).
        var forcedEnvironment: [String: String] = [:]
        /// `serve --images`: every function runs inside its image instead of from the build folder.
        var images: ImageRunner?
    }

    init(template: Template, settings: Settings, group: any EventLoopGroup, output: ProcessOutput) {
        self.output = output
        context = template.context
        var pools: [String: FunctionPool] = [:]
        for (name, function) in template.functions {
            var environment: [String: String] = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
                "LANG": "C.UTF-8",
                "TZ": ":UTC",
                "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp",
                "AWS_LAMBDA_FUNCTION_NAME": name,
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": String(function.memoryMB),
                "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/\(name)",
                "AWS_LAMBDA_LOG_STREAM_NAME": "local/[$LATEST]\(UUID().uuidString.lowercased().prefix(8))",
                "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
                "AWS_EXECUTION_ENV": "AWS_Lambda_provided.al2023",
                "AWS_REGION": template.context.region,
                "AWS_DEFAULT_REGION": template.context.region,
                "AWS_ACCESS_KEY_ID": settings.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": settings.secretAccessKey,
                "AWS_ENDPOINT_URL": settings.awsEndpoint,
            ]
            if let credentials = settings.roles?.session(of: name)?.credentials {
                environment["AWS_ACCESS_KEY_ID"] = credentials.accessKeyID
                environment["AWS_SECRET_ACCESS_KEY"] = credentials.secretAccessKey
                environment["AWS_SESSION_TOKEN"] = credentials.sessionToken
            }
            environment.merge(settings.extraEnvironment) { $1 }
            environment.merge(function.environment) { $1 }
            environment.merge(settings.forcedEnvironment) { $1 }
            let executable =
                function.executable.hasPrefix("/")
                ? function.executable : "\(settings.buildDirectory)/\(function.executable)"
            pools[name] = FunctionPool(
                definition: function, functionARN: Self.functionARN(name, in: template.context), executable: executable,
                environment: environment,
                limit: function.reservedConcurrency ?? settings.defaultConcurrency, images: settings.images,
                group: group, output: output)
        }
        self.pools = pools
        for pool in pools.values {
            Task { await pool.setRecorder { [weak self] record in self?.remember(record) } }
        }
    }

    /// A function's unqualified ARN, as Lambda names it in errors and destination records.
    func functionARN(_ name: String) -> String { Self.functionARN(name, in: context) }

    static func functionARN(_ name: String, in context: TemplateContext) -> String {
        "arn:aws:lambda:\(context.region):\(context.accountID):function:\(name)"
    }

    private func remember(_ record: InvocationRecord) {
        lock.withLock {
            recent.append(record)
            if recent.count > 200 { recent.removeFirst(recent.count - 200) }
        }
    }

    var recentInvocations: [InvocationRecord] { lock.withLock { recent } }

    enum InvokeError: Error {
        case notFound(String)
        case payloadTooLarge(Int, limit: Int)
    }

    /// A synchronous invocation (RequestResponse).
    func invoke(
        _ name: String, payload: [UInt8], traceID: String? = nil, clientContext: String? = nil
    ) async throws -> InvocationResult {
        guard let pool = pools[name] else { throw InvokeError.notFound(name) }
        guard payload.count <= Self.maxSyncPayload else {
            throw InvokeError.payloadTooLarge(payload.count, limit: Self.maxSyncPayload)
        }
        return await pool.invoke(payload: payload, traceID: traceID, clientContext: clientContext)
    }

    func shutdown() async {
        for pool in pools.values { await pool.stopAll() }
    }
}
