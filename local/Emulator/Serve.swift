import ArgumentParser
import Cloud
import Foundation
import Hummingbird
import LocalGateway
import LocalStore
import LocalTemplate
import NIOCore
import NIOPosix

/// `transcriptor-local serve` (the default): the gateway on :3000 and the AWS endpoint on :4566.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the emulator (what `make run` does).")

    @OptionGroup var common: CommonOptions

    @Option(help: "The API gateway's port (0 picks a free one).")
    var gatewayPort = 3000

    @Option(help: "The AWS endpoint's port (0 picks a free one).")
    var awsPort = 4566

    @Option(help: "The folder of state (default: DATA_DIR or .local).")
    var dataDir: String?

    @Option(help: "The built web UI to serve at /.")
    var webRoot = "web/dist"

    @Flag(help: "Do not echo the functions' log lines.")
    var quiet = false

    @Flag(help: "Rebuild on source changes and restart the affected functions' processes.")
    var watch = false

    @Option(help: "Settings every function gets (KEY=VALUE lines); the environment overrides them.")
    var config = "local/config.env"

    @Flag(
        help:
            "Run every function inside its image (make images: localhost/transcriptor-<target>) as Lambda runs it, not from the build folder."
    )
    var images = false

    @Option(help: "Local Stripe's port (localstripe; 0 picks a free one).")
    var stripePort = 8420

    @Flag(help: "Do not start local Stripe: the billing routes then answer 503 (for runs that do not bill).")
    var noStripe = false

    @Option(
        help: """
            The functions' roles: enforce (each function signs with its role's credentials and the \
            AWS endpoint denies what its Policies do not allow), report (serve it, but log the \
            denial), off (every function gets the unrestricted local credentials).
            """)
    var iam = AccessControl.Mode.enforce

    func run() async throws {
        let dataDirectory = dataDir ?? ProcessInfo.processInfo.environment["DATA_DIR"] ?? ".local"
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let started = Date()
        let template: Template
        do {
            template = try common.loadTemplate(dataDirectory: dataDirectory)
        } catch {
            throw ValidationError("\(common.template): \(error)")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let output = ProcessOutput(quiet: quiet)
        let emf = EMFMetrics()
        output.observe { function, line in emf.observe(function: function, line: line) }
        let awsPortHolder = PortHolder()
        var settings = LambdaService.Settings(
            buildDirectory: common.resolvedBuildDirectory, awsEndpoint: "http://127.0.0.1:\(awsPort)")
        settings.extraEnvironment = LocalConfiguration.read(config)
        let roles = FunctionRoles(template: template)
        let access = AccessControl(mode: iam, roles: roles)
        if iam != .off { settings.roles = roles }
        for name in Set(settings.extraEnvironment.keys).union(["ALLOW_LOOPBACK_URLS", "TIME_SCALE", "LOG_LEVEL"]) {
            if let value = ProcessInfo.processInfo.environment[name] { settings.extraEnvironment[name] = value }
        }
        if images {
            let runner = try ImageRunner.make()
            try runner.checkImages(of: Array(template.functions.values))
            runner.removeOrphans()
            settings.images = runner
            Console.write(
                "transcriptor-local: functions run in their images (\(runner.imagePrefix)<target>); cgroups limit CPU: \(runner.limitsCPU ? "yes" : "no"), memory: \(runner.limitsMemory ? "yes" : "no")"
            )
        }
        if awsPort == 0 {
            // The functions need the AWS endpoint's address before it is bound: bind it first.
            awsPortHolder.reserve()
            settings.awsEndpoint = "http://127.0.0.1:\(awsPortHolder.port)"
        }
        // Local Stripe, ready (the webhook registered, the plans made) before the gateway opens;
        // its webhook is the gateway's route, so the gateway's port is chosen first.
        let gatewayPortHolder = PortHolder()
        if gatewayPort == 0 { gatewayPortHolder.reserve() }
        let boundGatewayPort = gatewayPort == 0 ? gatewayPortHolder.port : gatewayPort
        // Only a template that bills (its Plans document) gets it: the test fixtures do not.
        let stripe: LocalStripe? = try template.parameters["Plans"].flatMap { noStripe ? nil : $0 }.map { plans in
            do {
                return try LocalStripe.start(
                    port: stripePort, dataDirectory: dataDirectory,
                    webhookURL: "http://127.0.0.1:\(boundGatewayPort)/v1/billing/webhook",
                    webhookSecret: template.parameters["StripeWebhookSigningSecret"] ?? "", plans: plans,
                    root: LocalStripe.projectRoot(
                        templateFolder: URL(fileURLWithPath: common.template).standardizedFileURL
                            .deletingLastPathComponent().path))
            } catch {
                throw ValidationError("local Stripe: \(error)")
            }
        }
        defer { stripe?.stop() }
        if let stripe {
            settings.forcedEnvironment["STRIPE_API_URL"] = stripe.apiURL
            settings.forcedEnvironment["STRIPE_JS_URL"] = stripe.jsURL
        } else if template.parameters["Plans"] != nil {
            // Without it, Stripe is a closed port on this machine: no function reaches outside.
            settings.forcedEnvironment["STRIPE_API_URL"] = "http://127.0.0.1:9"
            settings.forcedEnvironment["STRIPE_JS_URL"] = "http://127.0.0.1:9/js.stripe.com/v3/"
        }
        let lambda = LambdaService(template: template, settings: settings, group: group, output: output)
        let timeScale = TimeScale.fromEnvironment
        let verifier = SigV4Verifier(
            secret: { $0 == "local" ? "local-secret" : access.session(forAccessKey: $0)?.credentials.secretAccessKey },
            sessionToken: { access.session(forAccessKey: $0)?.credentials.sessionToken })
        let services = try LocalServices(
            template: template, dataDirectory: dataDirectory, awsEndpoint: settings.awsEndpoint,
            timeScale: timeScale, verifier: verifier)
        let invoker = try AsyncInvoker(
            database: services.database, lambda: lambda, functions: template.functions, timeScale: timeScale)
        invoker.sendToQueue = { logicalID, body in
            guard let queue = template.queues[logicalID] else {
                throw ValidationError("no queue \(logicalID) in the template")
            }
            _ = try services.sqs.send(queue: queue.name, body: body)
        }
        let wiring = EventWiring(
            template: template, lambda: lambda, invoker: invoker, s3: services.s3, sqs: services.sqs,
            timeScale: timeScale)
        let routes = RouteTable(
            template.functions.values.flatMap { function in
                function.events.values.compactMap { event -> Route? in
                    if case .httpAPI(let method, let path) = event {
                        return Route(method: method, path: path, function: function.name)
                    }
                    return nil
                }
            })
        let gateway = Application(
            responder: GatewayResponder(
                lambda: lambda, routes: routes, cors: template.httpAPI.cors,
                staticFiles: StaticFiles(root: webRoot),
                operatorPages: OperatorPages(
                    lambda: lambda, template: template, services: services, invoker: invoker, emf: emf,
                    access: access),
                webOrigin: template.parameters["WebOrigin"],
                // The functions presign against the AWS endpoint: the page uploads and plays from it.
                webHeaders: WebSecurityHeaders(bucketOrigin: settings.awsEndpoint, stripeOrigin: stripe?.apiURL)),
            configuration: .init(
                address: .hostname("127.0.0.1", port: boundGatewayPort), serverName: "transcriptor-local"),
            onServerRunning: { channel in Ready.shared.report("gateway", port: channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(group))
        let aws = Application(
            responder: AWSResponder(
                lambda: lambda, invoker: invoker, verifier: verifier, s3: services.s3, sqs: services.sqs,
                dynamodb: services.dynamodb,
                ses: services.ses, secrets: services.secrets, uploads: services.uploads, access: access),
            configuration: .init(
                address: .hostname("127.0.0.1", port: awsPort == 0 ? awsPortHolder.release() : awsPort),
                serverName: "transcriptor-local"),
            onServerRunning: { channel in Ready.shared.report("aws", port: channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(group))
        Ready.shared.onReady = { ports in
            let elapsed = Int(Date().timeIntervalSince(started) * 1000)
            Console.write(
                "transcriptor-local: \(template.functions.count) functions from \(common.template); gateway http://127.0.0.1:\(ports["gateway"]!) (web UI, /v1/, /_local/), AWS endpoint http://127.0.0.1:\(ports["aws"]!); ready in \(elapsed) ms"
            )
            Console.write(
                "READY {\"gateway\":\"http://127.0.0.1:\(ports["gateway"]!)\",\"aws\":\"http://127.0.0.1:\(ports["aws"]!)\",\"stripe\":\"\(stripe?.apiURL ?? "")\"}"
            )
        }
        let signals = ShutdownSignals {
            stripe?.stop()
            await lambda.shutdown()
        }
        defer { _ = signals }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await gateway.run() }
            tasks.addTask { try await aws.run() }
            tasks.addTask { await invoker.run() }
            tasks.addTask { await wiring.run() }
            tasks.addTask {
                // DynamoDB's TTL sweep (AWS deletes expired items within days; here, every scaled minute).
                while !Task.isCancelled {
                    _ = try? services.dynamodb.expireItems(now: .now())
                    try? await Task.sleep(for: .seconds(max(0.05, timeScale.scaled(60))))
                }
            }
            if watch {
                let watcher = SourceWatcher(packageRoot: FileManager.default.currentDirectoryPath, lambda: lambda)
                tasks.addTask { await watcher.run() }
            }
            try await tasks.next()
            tasks.cancelAll()
        }
        await lambda.shutdown()
    }
}

/// Collects the bound ports and announces readiness once both servers listen.
final class Ready: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    static let shared = Ready()
    private let lock = NSLock()
    private var ports: [String: Int] = [:]
    var onReady: (@Sendable ([String: Int]) -> Void)?

    func report(_ name: String, port: Int) {
        let complete: [String: Int]? = lock.withLock {
            ports[name] = port
            return ports.count == 2 ? ports : nil
        }
        if let complete { onReady?(complete) }
    }
}

/// A free port chosen before the server that will use it binds it.
/// A free port for the AWS endpoint, chosen before the server binds it (the functions' environment
/// names it first). It is picked below the kernel's ephemeral range (32768 and up), so the
/// outbound connections of this and other processes, which take their local ports from that
/// range, cannot take it in the moment between the choice and the bind.
final class PortHolder: @unchecked Sendable {
    private(set) var port = 0

    func reserve() {
        for _ in 0..<200 {
            let candidate = Int.random(in: 20000..<32768)
            if Self.isFree(candidate) {
                port = candidate
                return
            }
        }
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    func release() -> Int { port }
}

/// Stops the handler processes on SIGINT and SIGTERM, then exits.
final class ShutdownSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(_ cleanup: @escaping @Sendable () async -> Void) {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                // A handler process that will not stop must not keep the emulator alive: exit
                // after 5 seconds whatever the cleanup is waiting for.
                DispatchQueue.global().asyncAfter(deadline: .now() + 5) { exit(0) }
                Task {
                    await cleanup()
                    exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
