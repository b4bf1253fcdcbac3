import Foundation
import HTTP
import TestSupport
import Testing

/// `transcriptor-local` as a person runs it: one-off invocations, and templates it cannot serve.
@Suite struct CommandLineTests {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/emulator.yaml"
    ).path

    func run(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try runProcess(TestPaths.executable("transcriptor-local").path, arguments, input: input)
    }

    @Test func invokeRunsAFunctionOnceAndPrintsItsResponse() throws {
        let result = try run(
            ["invoke", "Echo", "--template", fixture, "--build-dir", TestPaths.products.path, "--event", "-"],
            input: #"{"greeting":"hello"}"#)
        #expect(result.status == 0)
        #expect(result.output.contains(#"{"greeting":"hello"}"#))
        #expect(result.output.contains("REPORT RequestId:"))
    }

    @Test func invokeOfAFailingFunctionExitsNonZeroWithTheError() throws {
        let result = try run(["invoke", "Broken", "--template", fixture, "--build-dir", TestPaths.products.path])
        #expect(result.status != 0)
        #expect(result.output.contains("the setting WIDGETS is missing"))
        let unknown = try run(["invoke", "Nope", "--template", fixture, "--build-dir", TestPaths.products.path])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("Nope is not a function"))
    }

    @Test func aTemplateItCannotServeIsAnErrorNamingResourceAndProperty() throws {
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString).yaml")
            .path
        defer { try? FileManager.default.removeItem(atPath: broken) }
        try """
        Resources:
          Zipped:
            Type: AWS::Serverless::Function
            Properties:
              Handler: main
              Runtime: provided.al2023
              CodeUri: .
        """.write(toFile: broken, atomically: true, encoding: .utf8)
        let result = try run([
            "serve", "--template", broken, "--gateway-port", "0", "--aws-port", "0", "--data-dir",
            "/tmp/unused-\(UUID())",
        ])
        #expect(result.status != 0)
        #expect(result.output.contains("Zipped"))
        #expect(result.output.contains("ImageConfig"))
    }

    @Test func localConfigurationReachesFunctionsAndTheEnvironmentOverridesIt() throws {
        let emulator = try EmulatorHarness(
            environment: ["ALLOW_LOOPBACK_URLS": "false"],
            config: "# local settings\nALLOW_LOOPBACK_URLS=true\nGREETING=\"from config\"\n")
        defer { emulator.stop() }
        #expect(try emulator.invoke("Echo", payload: #"{"env":"GREETING"}"#).bodyText == #""from config""#)
        #expect(try emulator.invoke("Echo", payload: #"{"env":"ALLOW_LOOPBACK_URLS"}"#).bodyText == #""false""#)
        #expect(
            try emulator.invoke("Echo", payload: #"{"env":"STAGE"}"#).bodyText == #""test""#, "template variables too")
    }
}
