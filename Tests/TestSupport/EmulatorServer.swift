import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `transcriptor-local` serving an empty template, started once per test process and killed
/// when it ends: the AWS endpoint the client conformance tests run against beside moto.
public final class EmulatorServer: Sendable {
    public let awsEndpoint: String

    public static let shared: Result<EmulatorServer, ServerError> = Result { try EmulatorServer() }.mapError {
        $0 as? ServerError ?? ServerError("\($0)")
    }

    /// - Throws: `ServerError` when the emulator is not built or does not start.
    public static func start() throws -> EmulatorServer { try shared.get() }

    private init() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let template = folder + "/template.yaml"
        try """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Alerts:
            Type: AWS::SNS::Topic
        """.write(toFile: template, atomically: true, encoding: .utf8)
        let log = folder + "/emulator.log"
        let executable = try TestPaths.executable("transcriptor-local").path
        // As with moto: a watcher in its own session kills the emulator when this process ends.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = [
            "/bin/sh", "-c",
            "\"$0\" serve --template \"$1\" --gateway-port 0 --aws-port 0 --data-dir \"$2\" --quiet >\"$3\" 2>&1 & child=$!; while kill -0 \"$4\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; kill -9 $child 2>/dev/null",
            executable, template, folder + "/data", log, String(getpid()),
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }),
                let ports = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: String],
                let aws = ports["aws"]
            {
                awsEndpoint = aws
                return
            }
            usleep(20_000)
        }
        throw ServerError(
            "transcriptor-local did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }
}
