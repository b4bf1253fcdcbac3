import Foundation
import LocalTemplate
import NIOCore

/// One warm handler process and its Runtime API: started once, serves one invocation at a time,
/// replaced when it dies, times out or fails to initialise.
final class Worker: @unchecked Sendable {
    // @unchecked Sendable: the mutable state below is guarded by `lock`; `process` and `server`
    // are set once in `start`.

    enum Outcome {
        case success([UInt8])
        case functionError([UInt8], errorType: String?)
        /// The process reported an init error or exited before it was ready.
        case initFailed([UInt8], errorType: String)
        /// The process exited during the invocation.
        case exited(String)
        case timedOut
    }

    let id: Int
    let function: String
    let started = Date()
    private(set) var initDuration: TimeInterval = 0
    private let lock = NSLock()
    private var process: Process?
    private var server: RuntimeAPIServer?
    private var ready: CheckedContinuation<Outcome?, Never>?
    private var isReady = false
    private var initError: (body: [UInt8], type: String)?
    private var current: (requestID: String, continuation: CheckedContinuation<Outcome, Never>)?
    private var exitReason: String?
    private let output: ProcessOutput
    /// `serve --images`: the process is `podman run` of the function's image.
    private let container: (runner: ImageRunner, definition: FunctionDefinition, name: String)?
    /// The host's ids of the container's init and of the function's process in it, once started.
    private var containerPIDs: (initPID: Int32, functionPID: Int32?)?

    init(id: Int, function: String, output: ProcessOutput, images: (ImageRunner, FunctionDefinition)? = nil) {
        self.id = id
        self.function = function
        self.output = output
        self.container = images.map { runner, definition in
            (runner, definition, "transcriptor-\(getpid())-\(function.lowercased())-\(id)")
        }
    }

    /// The function's process: the handler, or inside its container the handler (not podman).
    var pid: Int32 {
        lock.withLock { containerPIDs.map { $0.functionPID ?? $0.initPID } ?? process?.processIdentifier ?? 0 }
    }
    var isAlive: Bool { lock.withLock { exitReason == nil } }

    /// Starts the process and waits until it asks for its first event (its init is done).
    /// - Returns: nil when ready, or the failure.
    func start(
        executable: String, arguments: [String], environment: [String: String], group: any EventLoopGroup,
        initTimeout: TimeInterval
    ) async -> Outcome? {
        let server = RuntimeAPIServer(group: group) { [weak self] report in self?.handle(report) }
        do {
            try await server.start()
        } catch {
            return .initFailed(
                ErrorPayload.json(type: "Runtime.Unknown", message: "Runtime API: \(error)"),
                errorType: "Runtime.Unknown")
        }
        var env = environment
        env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(server.port)"
        var (executable, arguments) = (executable, arguments)
        if let container {
            (executable, arguments, env) = container.runner.command(
                for: container.definition, container: container.name, environment: env)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = env
        let (stdout, stderr) = (Pipe(), Pipe())
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        output.attach(stdout, function: function)
        output.attach(stderr, function: function)
        process.terminationHandler = { [weak self] process in
            let reason =
                process.terminationReason == .uncaughtSignal
                ? "signal: \(Self.signalName(process.terminationStatus))" : "exit status \(process.terminationStatus)"
            self?.exited(reason)
        }
        lock.withLock {
            self.process = process
            self.server = server
        }
        do {
            try process.run()
        } catch {
            server.stop()
            let message =
                "Couldn't start \(executable): \(error.localizedDescription). Build the functions first (make build)."
            return .initFailed(
                ErrorPayload.json(type: "Runtime.InvalidEntrypoint", message: message),
                errorType: "Runtime.InvalidEntrypoint")
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(initTimeout))
            self.kill()
        }
        defer { timeout.cancel() }
        let failure: Outcome? = await withCheckedContinuation { continuation in
            lock.lock()
            if isReady {
                lock.unlock()
                continuation.resume(returning: nil)
            } else if let reason = exitReason {
                let failure = initFailure(reason)
                lock.unlock()
                continuation.resume(returning: failure)
            } else {
                ready = continuation
                lock.unlock()
            }
        }
        if failure == nil, let container {
            // The function asked for its first event, so its container runs: learn its process
            // (for kills that reach it at once, and its memory).
            // (podman is a process to wait for: off Swift's cooperative threads.)
            let found = await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(returning: container.runner.hostPIDs(of: container.name))
                }
            }
            lock.withLock { containerPIDs = found }
        }
        return failure
    }

    /// Runs one invocation; kills the process when the deadline passes.
    func invoke(_ invocation: RuntimeAPIServer.Invocation, timeout: TimeInterval) async -> Outcome {
        let timer = Task {
            try await Task.sleep(for: .seconds(timeout))
            self.timeOut(invocation.requestID)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in
            lock.lock()
            if let reason = exitReason {
                lock.unlock()
                continuation.resume(returning: .exited(reason))
                return
            }
            current = (invocation.requestID, continuation)
            let server = self.server
            lock.unlock()
            server?.dispatch(invocation)
        }
    }

    /// Peak resident memory of the process so far, in MB (VmHWM).
    var maxMemoryMB: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    func kill() {
        let (process, containerPID) = lock.withLock { (self.process, self.containerPIDs?.initPID) }
        guard let process, process.isRunning else { return }
        if let container {
            // Killing podman would leave its container running; killing the container's init ends
            // the container (and every process in it, the tools the function started too).
            if let containerPID {
                Foundation.kill(containerPID, SIGKILL)
            } else {
                container.runner.kill(container.name)
            }
        } else {
            Foundation.kill(process.processIdentifier, SIGKILL)
        }
    }

    func stop() {
        kill()
        lock.withLock { server }?.stop()
    }

    // MARK: Reports

    private func handle(_ report: RuntimeAPIServer.Report) {
        lock.lock()
        switch report {
        case .ready:
            isReady = true
            initDuration = Date().timeIntervalSince(started)
            let waiting = ready
            ready = nil
            lock.unlock()
            waiting?.resume(returning: nil)
        case .response(let requestID, let body):
            let waiting = take(requestID)
            lock.unlock()
            waiting?.resume(returning: .success(body))
        case .error(let requestID, let body, let errorType):
            let waiting = take(requestID)
            lock.unlock()
            waiting?.resume(returning: .functionError(body, errorType: errorType))
        case .initError(let body, let errorType):
            initError = (body, errorType ?? "Runtime.InitError")
            lock.unlock()
        }
    }

    /// The continuation of the invocation with this id (reports for another id are stale).
    private func take(_ requestID: String) -> CheckedContinuation<Outcome, Never>? {
        guard let current, current.requestID == requestID else { return nil }
        self.current = nil
        return current.continuation
    }

    private func exited(_ reason: String) {
        lock.lock()
        exitReason = reason
        let waitingReady = ready
        ready = nil
        let failure = initFailure(reason)
        let waitingInvocation = current?.continuation
        current = nil
        let server = self.server
        lock.unlock()
        server?.stop()
        waitingReady?.resume(returning: failure)
        waitingInvocation?.resume(returning: .exited(reason))
    }

    private func timeOut(_ requestID: String) {
        lock.lock()
        let waiting = take(requestID)
        lock.unlock()
        guard let waiting else { return }
        kill()
        waiting.resume(returning: .timedOut)
    }

    /// Must hold `lock`.
    private func initFailure(_ reason: String) -> Outcome {
        if let initError { return .initFailed(initError.body, errorType: initError.type) }
        return .initFailed(
            ErrorPayload.json(type: "Runtime.ExitError", message: "Runtime exited with error: \(reason)"),
            errorType: "Runtime.ExitError")
    }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGKILL: "killed"
        case SIGABRT: "aborted"
        case SIGSEGV: "segmentation fault"
        case SIGTERM: "terminated"
        case SIGILL: "illegal instruction"
        case SIGTRAP: "trace/breakpoint trap"
        default: "signal \(signal)"
        }
    }
}

/// Lambda's error payloads.
enum ErrorPayload {
    static func json(type: String, message: String) -> [UInt8] {
        let object: [String: Any] = ["errorType": type, "errorMessage": message]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
