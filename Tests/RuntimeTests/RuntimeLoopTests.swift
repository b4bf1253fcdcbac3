import Foundation
import TestSupport
import Testing

@testable import Runtime

/// The runtime loop against a scripted Runtime API on 127.0.0.1, over real sockets.
@Suite struct RuntimeLoopTests {
    struct Greeting: Codable { var name: String }
    struct Reply: Codable { var message: String; var requestID: String }
    struct Refusal: Error, CustomStringConvertible { var description: String }

    struct Greeter: LambdaHandler {
        func handle(_ event: Greeting, context: LambdaContext) throws -> Reply {
            if event.name == "nobody" { throw Refusal(description: "no one to greet") }
            return Reply(message: "hello \(event.name)", requestID: context.requestID)
        }
    }

    /// Serves `limit` invocations of `handler` in process.
    func serve<H: ByteLambdaHandler>(
        _ api: ScriptedRuntimeAPI, _ handler: H, limit: Int, logs: LogCollector = LogCollector()
    ) throws {
        var runtime = try LambdaRuntime(handler: handler, endpoint: api.endpoint, logger: logs.logger())
        try runtime.run(limit: limit)
    }

    @Test func successfulInvocationPostsTheEncodedResponse() throws {
        let api = try ScriptedRuntimeAPI([.init(requestID: "req-1", payload: #"{"name":"Ada"}"#)])
        defer { api.stop() }
        try serve(api, CodableHandlerAdapter(handler: Greeter()), limit: 1)
        let posted = api.waitForPosted(1)
        try #require(posted.count == 1)
        #expect(posted[0].kind == .response)
        #expect(posted[0].requestID == "req-1")
        #expect(posted[0].bodyString == #"{"message":"hello Ada","requestID":"req-1"}"#)
    }

    @Test func handlerErrorIsReportedAndTheLoopGoesOn() throws {
        let api = try ScriptedRuntimeAPI([
            .init(requestID: "bad", payload: #"{"name":"nobody"}"#),
            .init(requestID: "good", payload: #"{"name":"Grace"}"#),
        ])
        defer { api.stop() }
        let logs = LogCollector()
        try serve(api, CodableHandlerAdapter(handler: Greeter()), limit: 2, logs: logs)
        let posted = api.waitForPosted(2)
        try #require(posted.count == 2)
        #expect(posted[0].kind == .error)
        #expect(posted[0].requestID == "bad")
        #expect(posted[0].header("Lambda-Runtime-Function-Error-Type") == "Refusal")
        let body = try #require(posted[0].json)
        #expect(body["errorMessage"] as? String == "no one to greet")
        #expect(body["errorType"] as? String == "Refusal")
        #expect((body["stackTrace"] as? [Any])?.isEmpty == true)
        #expect(posted[1].kind == .response)
        #expect(posted[1].requestID == "good")
        #expect(logs.objects.contains { $0["level"] as? String == "ERROR" && $0["requestId"] as? String == "bad" })
    }

    @Test func undecodableEventIsAnInvocationErrorNamingThePath() throws {
        let api = try ScriptedRuntimeAPI([.init(payload: #"{"name":42}"#)])
        defer { api.stop() }
        try serve(api, CodableHandlerAdapter(handler: Greeter()), limit: 1)
        let posted = api.waitForPosted(1)
        try #require(posted.count == 1)
        #expect(posted[0].kind == .error)
        let message = try #require(posted[0].json?["errorMessage"] as? String)
        #expect(message.contains("name"))
    }

    struct ContextProbe: ByteLambdaHandler {
        func handle(_ payload: [UInt8], context: LambdaContext) throws -> [UInt8] {
            let fields: [String: Any] = [
                "deadline": context.deadline.millisecondsSinceEpoch,
                "remaining": context.remainingMilliseconds,
                "arn": context.invokedFunctionARN,
                "trace": context.traceID ?? "",
                "traceEnv": Environment.get("_X_AMZN_TRACE_ID") ?? "",
                "clientContext": context.clientContext ?? "",
                "cognito": context.cognitoIdentity ?? "",
            ]
            return Array(try JSONSerialization.data(withJSONObject: fields))
        }
    }

    @Test func contextCarriesDeadlineTraceAndIdentityHeaders() throws {
        let deadline = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
        let api = try ScriptedRuntimeAPI([
            .init(
                payload: "{}",
                headers: [
                    ("Lambda-Runtime-Deadline-Ms", String(deadline)),
                    (
                        "Lambda-Runtime-Trace-Id",
                        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
                    ),
                    ("Lambda-Runtime-Client-Context", #"{"client":{"app_title":"t"}}"#),
                    ("Lambda-Runtime-Cognito-Identity", #"{"cognitoIdentityId":"id-1"}"#),
                ]),
            .init(payload: "{}"),
        ])
        defer { api.stop() }
        try serve(api, ContextProbe(), limit: 2)
        let posted = api.waitForPosted(2)
        let first = try #require(posted.first?.json)
        #expect(first["deadline"] as? Int64 == deadline || (first["deadline"] as? Int).map(Int64.init) == deadline)
        #expect(first["arn"] as? String == "arn:aws:lambda:us-east-1:000000000000:function:test")
        #expect(
            first["trace"] as? String == "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
        #expect(first["traceEnv"] as? String == first["trace"] as? String)
        #expect(first["clientContext"] as? String == #"{"client":{"app_title":"t"}}"#)
        #expect(first["cognito"] as? String == #"{"cognitoIdentityId":"id-1"}"#)
        let remaining = try #require(first["remaining"] as? Int)
        #expect(remaining > 0 && remaining <= 60_000)
        // A later invocation without a trace header does not see the earlier trace id.
        let second = try #require(posted.last?.json)
        #expect(second["traceEnv"] as? String == "")
    }

    struct Sized: ByteLambdaHandler {
        func handle(_ payload: [UInt8], context: LambdaContext) throws -> [UInt8] {
            [UInt8](repeating: UInt8(ascii: "a"), count: Int(String(decoding: payload, as: UTF8.self))!)
        }
    }

    @Test func manyInvocationsShareOneConnection() throws {
        let api = try ScriptedRuntimeAPI((0..<200).map { .init(requestID: "r\($0)", payload: "3") })
        defer { api.stop() }
        try serve(api, Sized(), limit: 200)
        let posted = api.waitForPosted(200)
        #expect(posted.count == 200)
        #expect(posted.map(\.requestID) == (0..<200).map { "r\($0)" })
        #expect(api.connectionCount == 1)
    }

    @Test func sixMegabyteResponseArrivesWhole() throws {
        let size = 6 * 1024 * 1024
        let api = try ScriptedRuntimeAPI([.init(payload: String(size))])
        defer { api.stop() }
        try serve(api, Sized(), limit: 1)
        let posted = api.waitForPosted(1)
        try #require(posted.count == 1)
        #expect(posted[0].body.count == size)
        #expect(posted[0].body.allSatisfy { $0 == UInt8(ascii: "a") })
    }

    @Test func connectionClosedByTheServerIsReopened() throws {
        // The server drops the connection after every result, as an idle timeout would; the
        // runtime notices on its next request, reconnects once, and goes on.
        let api = try ScriptedRuntimeAPI(
            (0..<5).map { .init(requestID: "c\($0)", payload: "1") }, dropConnectionAfterResult: true)
        defer { api.stop() }
        try serve(api, Sized(), limit: 5)
        let posted = api.waitForPosted(5)
        #expect(posted.map(\.requestID) == ["c0", "c1", "c2", "c3", "c4"])
        #expect(posted.map(\.connection) == [0, 1, 2, 3, 4])
    }

    @Test func runtimeStopsWhenTheRuntimeAPIIsGone() throws {
        let api = try ScriptedRuntimeAPI([])
        let endpoint = api.endpoint
        api.stop()
        var runtime = try LambdaRuntime(handler: Sized(), endpoint: endpoint, logger: LogCollector().logger())
        #expect(throws: RuntimeError.self) { try runtime.run(limit: 1) }
    }
}
