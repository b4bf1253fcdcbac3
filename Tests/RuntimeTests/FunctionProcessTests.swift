import Foundation
import TestSupport
import Testing

/// A real function executable (`echo-function`) started as Lambda starts it, against a scripted
/// Runtime API: init errors, the loop across invocations, and exit when the API is gone.
@Suite struct FunctionProcessTests {
    func start(_ api: ScriptedRuntimeAPI?, environment: [String: String] = [:]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = try TestPaths.executable("echo-function")
        var env = [
            "AWS_LAMBDA_FUNCTION_NAME": "echo", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "PATH": "/usr/bin:/bin",
        ]
        if let api { env["AWS_LAMBDA_RUNTIME_API"] = api.endpoint }
        env.merge(environment) { $1 }
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    func wait(_ process: Process, timeout: TimeInterval = 20) -> Int32? {
        let until = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < until { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    @Test func initErrorIsPostedAndTheProcessExitsNonZero() throws {
        let api = try ScriptedRuntimeAPI([.init(payload: "{}")])
        defer { api.stop() }
        let (process, output) = try start(api, environment: ["ECHO_FAIL_INIT": "the setting WIDGETS is missing"])
        let status = wait(process)
        #expect(status == 1)
        let posted = api.allPosted
        try #require(posted.count == 1)
        #expect(posted[0].kind == .initError)
        #expect(posted[0].header("Lambda-Runtime-Function-Error-Type") == "Runtime.InitError")
        #expect(posted[0].json?["errorMessage"] as? String == "the setting WIDGETS is missing")
        #expect(posted[0].json?["errorType"] as? String == "EchoError")
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("\"level\":\"ERROR\""))
        #expect(log.contains("the setting WIDGETS is missing"))
    }

    @Test func executableServesEventsInOrderThenExitsWhenTheAPIIsGone() throws {
        let api = try ScriptedRuntimeAPI([
            .init(requestID: "a", payload: #"{"n":1}"#),
            .init(requestID: "b", payload: #"{"fail":"asked to fail"}"#),
            .init(requestID: "c", payload: #"{"context":true}"#, headers: [("Lambda-Runtime-Trace-Id", "Root=1-abc")]),
        ])
        defer { api.stop() }
        let (process, _) = try start(api)
        let posted = api.waitForPosted(3)
        let status = wait(process)
        #expect(status == 1, "the runtime exits non-zero once the Runtime API is gone")
        try #require(posted.count == 3)
        #expect(posted[0].kind == .response && posted[0].bodyString == #"{"n":1}"#)
        #expect(posted[1].kind == .error && posted[1].json?["errorMessage"] as? String == "asked to fail")
        let context = try #require(posted[2].json)
        #expect(context["requestId"] as? String == "c")
        #expect(context["traceId"] as? String == "Root=1-abc")
        #expect(context["traceEnv"] as? String == "Root=1-abc")
        #expect(context["functionName"] as? String == "echo")
        #expect(context["memoryMB"] as? Int == 256)
        #expect(api.connectionCount <= 2, "one connection for the invocations, at most one retry at the end")
    }

    @Test func executableWithoutRuntimeAPIExitsWithAClearMessage() throws {
        let (process, output) = try start(nil)
        #expect(wait(process) == 1)
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("AWS_LAMBDA_RUNTIME_API is not set"))
    }
}
