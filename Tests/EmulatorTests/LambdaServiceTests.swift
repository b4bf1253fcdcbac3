import Foundation
import HTTP
import TestSupport
import Testing

@testable import Runtime

/// The emulator's Lambda service driving real handler binaries, through the Invoke API on the
/// AWS endpoint (signed as the AWS CLI signs).
@Suite(.serialized) struct LambdaServiceTests {
    let emulator: EmulatorHarness

    init() throws { emulator = try EmulatorHarness() }

    func json(_ response: HTTPResponse) throws -> JSONValue { try JSON.decode(JSONValue.self, from: response.body) }

    @Test func requestResponseInvocationReturnsTheFunctionsPayload() throws {
        let response = try emulator.invoke("Echo", payload: #"{"context":true}"#)
        #expect(response.status == 200)
        #expect(response.header("X-Amz-Function-Error") == nil)
        #expect(response.header("X-Amz-Executed-Version") == "$LATEST")
        let body = try json(response)
        #expect(body["functionName"] == "Echo")
        #expect(body["memoryMB"] == 256, "Globals.Function.MemorySize reaches the process")
        #expect(body["functionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:Echo")
        let deadline = try #require(body["deadlineMs"]?.int64Value)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(deadline > now && deadline <= now + 5000, "the deadline is the function's 5 s timeout")
        // The function's own lines and the platform's START/END/REPORT lines, labelled.
        try waitFor { emulator.output.contains("[Echo] REPORT RequestId:") }
        #expect(emulator.output.contains("[Echo] START RequestId:"))
        #expect(emulator.output.contains("Init Duration:"))
        #expect(emulator.output.contains("Max Memory Used:"))
    }

    @Test func handlerErrorIsAnUnhandledFunctionErrorAndTheProcessStaysWarm() throws {
        let failed = try emulator.invoke("Echo", payload: #"{"fail":"no such job"}"#)
        #expect(failed.status == 200)
        #expect(failed.header("X-Amz-Function-Error") == "Unhandled")
        #expect(try json(failed)["errorMessage"] == "no such job")
        #expect(try json(failed)["errorType"] == "EchoError")
        let pid = try json(emulator.invoke("Echo", payload: #"{"context":true}"#))
        #expect(pid["requestId"] != nil)
    }

    @Test func timeoutKillsTheProcessAndTheNextInvocationSucceeds() throws {
        let started = Date()
        let timedOut = try emulator.invoke("Slow", payload: #"{"sleepMs":5000}"#)
        #expect(Date().timeIntervalSince(started) < 3.5)
        #expect(timedOut.header("X-Amz-Function-Error") == "Unhandled")
        let message = try #require(try json(timedOut)["errorMessage"]?.stringValue)
        #expect(message.contains("Task timed out after 1.00 seconds"))
        let next = try emulator.invoke("Slow", payload: #"{"n":2}"#)
        #expect(next.header("X-Amz-Function-Error") == nil)
        #expect(try json(next)["n"] == 2)
    }

    @Test func processKilledMidInvocationFailsItAndIsReplaced() throws {
        let crashed = try emulator.invoke("Echo", payload: #"{"crash":true}"#)
        #expect(crashed.header("X-Amz-Function-Error") == "Unhandled")
        #expect(try json(crashed)["errorType"] == "Runtime.ExitError")
        #expect(try json(crashed)["errorMessage"]?.stringValue?.contains("signal: aborted") == true)
        let next = try emulator.invoke("Echo", payload: #"{"after":"crash"}"#)
        #expect(try json(next)["after"] == "crash")
    }

    @Test func initErrorIsReportedToTheCaller() throws {
        let response = try emulator.invoke("Broken", payload: "{}")
        #expect(response.status == 200)
        #expect(response.header("X-Amz-Function-Error") == "Unhandled")
        #expect(try json(response)["errorMessage"] == "the setting WIDGETS is missing")
    }

    @Test func oversizePayloadIsRefusedWith413() throws {
        let big = #"{"data":""# + String(repeating: "x", count: 6 * 1024 * 1024) + #""}"#
        let response = try emulator.invoke("Echo", payload: big)
        #expect(response.status == 413)
        #expect(response.header("x-amzn-ErrorType") == "RequestEntityTooLargeException")
        let asyncBig = #"{"data":""# + String(repeating: "x", count: 1024 * 1024) + #""}"#
        #expect(try emulator.invoke("Echo", payload: asyncBig, type: "Event").status == 413)
        let response6MB = try emulator.invoke("Echo", payload: #"{"bytes":7000000}"#)
        #expect(response6MB.header("X-Amz-Function-Error") == "Unhandled", "a response over 6 MB fails the invocation")
        // AWS's Runtime Interface Emulator's answer (tests/rie): its limit is 6 MB and 100 bytes.
        #expect(try json(response6MB)["errorType"] == "Function.ResponseSizeTooLarge")
        #expect(
            try json(response6MB)["errorMessage"]
                == "Response payload size exceeded maximum allowed payload size (6291556 bytes).")
        let atTheLimit = try emulator.invoke("Echo", payload: #"{"bytes":\#(6 * 1024 * 1024 + 100 - 11)}"#)
        #expect(atTheLimit.header("X-Amz-Function-Error") == nil)
        #expect(atTheLimit.body.count == 6 * 1024 * 1024 + 100)
    }

    @Test func reservedConcurrencyThrottlesTheExcess() throws {
        let first = Thread.detachedResult { try emulator.invoke("Limited", payload: #"{"sleepMs":1500}"#) }
        Thread.sleep(forTimeInterval: 0.5)
        let second = try emulator.invoke("Limited", payload: "{}")
        #expect(second.status == 429)
        #expect(second.header("x-amzn-ErrorType") == "TooManyRequestsException")
        #expect(try first.wait().status == 200)
        #expect(try emulator.invoke("Limited", payload: "{}").status == 200, "free again once the first is done")
    }

    @Test func throttledEventsWaitAndAllRunOneAtATime() throws {
        // Limited runs one at a time: the second and third events are throttled, retried after
        // Lambda's backoff (1 s, then 2 s, …), and each still runs once.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("throttled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for index in 0..<3 {
            let marker = folder.appendingPathComponent("\(index)").path
            let response = try emulator.invoke(
                "Limited", payload: #"{"sleepMs":400,"touch":"\#(marker)"}"#, type: "Event")
            #expect(response.status == 202)
        }
        try waitFor(timeout: 30) {
            (try? FileManager.default.contentsOfDirectory(atPath: folder.path).count) == 3
        }
        #expect(emulator.output.components(separatedBy: "[Limited] START RequestId").count - 1 == 3)
    }

    @Test func eventInvocationIsAcceptedThenRuns() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("event-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let response = try emulator.invoke("Echo", payload: #"{"touch":"\#(marker)"}"#, type: "Event")
        #expect(response.status == 202)
        try waitFor { FileManager.default.fileExists(atPath: marker) }
    }

    @Test func unknownFunctionAndUnsignedRequestsGetAWSErrors() throws {
        let missing = try emulator.invoke("Nope", payload: "{}")
        #expect(missing.status == 404)
        #expect(missing.header("x-amzn-ErrorType") == "ResourceNotFoundException")
        let unsigned = try emulator.invoke("Echo", payload: "{}", sign: false)
        #expect(unsigned.status == 403)
    }

    @Test func theAWSCLIInvokesThroughTheEndpoint() throws {
        let cli =
            ["\(TestPaths.packageRoot.path)/.venv/bin/aws", "/usr/local/bin/aws", "/usr/bin/aws"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/aws" }
        let aws = try #require(
            cli.first { FileManager.default.isExecutableFile(atPath: $0) }, "the AWS CLI is on these machines")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: aws)
        process.arguments = [
            "lambda", "invoke", "--endpoint-url", emulator.aws, "--function-name", "Echo",
            "--payload", #"{"from":"cli"}"#, out,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local-secret", "AWS_DEFAULT_REGION": "us-east-1",
        ]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains(#""from":"cli""#))
    }
}

/// Polls until `condition` holds (up to 10 s).
func waitFor(timeout: TimeInterval = 10, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        guard Date() < deadline else { throw ServerError("condition not met within \(timeout) s") }
        Thread.sleep(forTimeInterval: 0.05)
    }
}

extension Thread {
    /// Runs `body` on a new thread; `wait()` returns its result.
    static func detachedResult<T: Sendable>(_ body: @escaping @Sendable () throws -> T) -> PendingResult<T> {
        let pending = PendingResult<T>()
        Thread.detachNewThread { pending.finish(Result { try body() }) }
        return pending
    }
}

final class PendingResult<T: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `result` is guarded by `condition`.
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    func finish(_ value: Result<T, any Error>) {
        condition.withLock {
            result = value
            condition.broadcast()
        }
    }

    func wait() throws -> T {
        try condition.withLock {
            while result == nil { condition.wait() }
            return try result!.get()
        }
    }
}
