import Foundation
import LocalTemplate
import NIOCore

/// The result of one invocation, as Lambda's Invoke API reports it.
struct InvocationResult: Sendable {
    enum Kind: Sendable, Equatable { case success, functionError, throttled }
    var kind: Kind
    var payload: [UInt8]
    var requestID: String
    var durationMs: Double
    var initDurationMs: Double?
}

/// A record kept for the operator's status page.
struct InvocationRecord: Sendable, Codable {
    var function: String
    var requestID: String
    var startedAt: Date
    var durationMs: Double
    var outcome: String
}

/// The warm processes of one function: at most `limit` at a time, each serving one invocation at
/// a time, as Lambda runs them.
actor FunctionPool {
    let definition: FunctionDefinition
    /// What the runtime API tells the function it is (`Lambda-Runtime-Invoked-Function-Arn`).
    let functionARN: String
    let executable: String
    let environment: [String: String]
    let limit: Int
    /// `serve --images`: how the function's processes run inside its image.
    let images: ImageRunner?
    private let group: any EventLoopGroup
    private let output: ProcessOutput
    private var idle: [Worker] = []
    private var active = 0
    private var nextWorkerID = 0
    private(set) var invocationCount = 0
    private(set) var errorCount = 0
    private(set) var throttleCount = 0
    private var all: [Int: Worker] = [:]
    var onRecord: (@Sendable (InvocationRecord) -> Void)?

    init(
        definition: FunctionDefinition, functionARN: String, executable: String, environment: [String: String],
        limit: Int, images: ImageRunner? = nil, group: any EventLoopGroup, output: ProcessOutput
    ) {
        self.images = images
        self.definition = definition
        self.functionARN = functionARN
        self.executable = executable
        self.environment = environment
        self.limit = limit
        self.group = group
        self.output = output
    }

    func setRecorder(_ recorder: @escaping @Sendable (InvocationRecord) -> Void) { onRecord = recorder }

    /// Warm processes: (pid, busy).
    var processes: [(pid: Int32, busy: Bool)] {
        let idleIDs = Set(idle.map(\.id))
        return all.values.sorted { $0.id < $1.id }.map { ($0.pid, !idleIDs.contains($0.id)) }
    }

    func invoke(
        payload: [UInt8], requestID: String = UUID().uuidString.lowercased(), traceID: String? = nil,
        clientContext: String? = nil
    ) async -> InvocationResult {
        invocationCount += 1
        let name = definition.name
        let worker: Worker
        var initDuration: Double?
        while let warm = idle.last, !warm.isAlive {
            idle.removeLast()
            all[warm.id] = nil
            warm.stop()
        }
        if let warm = idle.popLast() {
            worker = warm
        } else if active + idle.count < limit {
            active += 1
            nextWorkerID += 1
            let fresh = Worker(
                id: nextWorkerID, function: name, output: output, images: images.map { ($0, definition) })
            all[fresh.id] = fresh
            let failure = await fresh.start(
                executable: executable, arguments: definition.arguments, environment: environment, group: group,
                initTimeout: max(10, Double(definition.timeoutSeconds)))
            if let failure {
                active -= 1
                all[fresh.id] = nil
                fresh.stop()
                errorCount += 1
                let payload: [UInt8]
                if case .initFailed(let body, _) = failure { payload = body } else { payload = [] }
                Console.write(
                    "[\(name)] INIT_REPORT Init Duration: \(Self.ms(Date().timeIntervalSince(fresh.started) * 1000)) ms Phase: init Status: error"
                )
                record(requestID, durationMs: 0, outcome: "init error")
                return InvocationResult(kind: .functionError, payload: payload, requestID: requestID, durationMs: 0)
            }
            initDuration = fresh.initDuration * 1000
            worker = fresh
            active -= 1
        } else {
            throttleCount += 1
            record(requestID, durationMs: 0, outcome: "throttled")
            return InvocationResult(kind: .throttled, payload: [], requestID: requestID, durationMs: 0)
        }
        active += 1
        Console.write("[\(name)] START RequestId: \(requestID) Version: $LATEST")
        let started = Date()
        let timeout = Double(definition.timeoutSeconds)
        let invocation = RuntimeAPIServer.Invocation(
            requestID: requestID, payload: payload, deadlineMs: Int64((started.timeIntervalSince1970 + timeout) * 1000),
            functionARN: functionARN, traceID: traceID,
            clientContext: clientContext)
        if FaultInjection.current.killsAnInvocation(of: name) {
            let delay = Double.random(in: 0.05...max(0.05, min(2, timeout / 2)))
            Console.write("[\(name)] fault injection: SIGKILL of the handler process in \(Int(delay * 1000)) ms")
            Task {
                try? await Task.sleep(for: .seconds(delay))
                worker.kill()
            }
        }
        let outcome = await worker.invoke(invocation, timeout: timeout)
        let duration = Date().timeIntervalSince(started) * 1000
        active -= 1
        var result = InvocationResult(
            kind: .success, payload: [], requestID: requestID, durationMs: duration, initDurationMs: initDuration)
        var keep = true
        var status = "success"
        switch outcome {
        case .success(let body):
            result.payload = body
        case .functionError(let body, _):
            result.kind = .functionError
            result.payload = body
            status = "error"
        case .timedOut:
            result.kind = .functionError
            result.payload = ErrorPayload.json(
                type: "Sandbox.Timedout",
                message:
                    "RequestId: \(requestID) Error: Task timed out after \(String(format: "%.2f", timeout)) seconds")
            keep = false
            status = "timeout"
        case .exited(let reason), .initFailed(_, errorType: let reason):
            result.kind = .functionError
            result.payload = ErrorPayload.json(
                type: "Runtime.ExitError",
                message: "RequestId: \(requestID) Error: Runtime exited with error: \(reason)")
            keep = false
            status = "crashed"
        }
        if result.kind == .functionError { errorCount += 1 }
        let memory = worker.maxMemoryMB
        Console.write("[\(name)] END RequestId: \(requestID)")
        var report =
            "[\(name)] REPORT RequestId: \(requestID)\tDuration: \(Self.ms(duration)) ms\tBilled Duration: \(Int(duration.rounded(.up))) ms\tMemory Size: \(definition.memoryMB) MB\tMax Memory Used: \(memory) MB"
        if let initDuration { report += "\tInit Duration: \(Self.ms(initDuration)) ms" }
        if status == "timeout" { report += "\tStatus: timeout" }
        Console.write(report)
        if keep && worker.isAlive {
            idle.append(worker)
        } else {
            worker.stop()
            all[worker.id] = nil
        }
        record(requestID, durationMs: duration, outcome: status)
        return result
    }

    private func record(_ requestID: String, durationMs: Double, outcome: String) {
        onRecord?(
            InvocationRecord(
                function: definition.name, requestID: requestID, startedAt: Date(), durationMs: durationMs,
                outcome: outcome))
    }

    /// Stops every process (shutdown, or a rebuild in watch mode).
    func stopAll() {
        for worker in all.values { worker.stop() }
        all.removeAll()
        idle.removeAll()
    }

    static func ms(_ value: Double) -> String { String(format: "%.2f", value) }
}
