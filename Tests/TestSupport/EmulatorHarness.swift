import Cloud
import Foundation
import HTTP
import Runtime

/// A `transcriptor-local` process serving a test template on free ports, stopped when the test ends.
public final class EmulatorHarness: @unchecked Sendable {
    // @unchecked Sendable: set once in `init`; the log is a `LogBuffer`.
    public let process = Process()
    public let gateway: String
    public let aws: String
    /// Local Stripe's API (empty for a template that does not bill).
    public let stripe: String
    public let dataDirectory: String
    private let log = LogBuffer()
    /// Set by `crash()`: the data folder outlives this emulator, for the next one to serve.
    private var keepsData = false

    /// - Parameters:
    ///   - templatePath: the template to serve.
    ///   - config: the lines of a `--config` file (settings every function gets).
    ///   - existingDataDirectory: a data folder to serve again (a restart); by default a new one.
    public init(
        templatePath fixture: String, environment: [String: String] = [:], config: String? = nil,
        reusing existingDataDirectory: String? = nil, arguments: [String] = []
    ) throws {
        dataDirectory =
            existingDataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("emulator-\(UUID().uuidString)").path
        process.executableURL = try TestPaths.executable("transcriptor-local")
        process.arguments =
            [
                "serve", "--template", fixture, "--gateway-port", "0", "--aws-port", "0", "--stripe-port", "0",
                "--data-dir", dataDirectory,
                "--build-dir", TestPaths.products.path, "--web-root", "/nonexistent",
            ] + arguments
        // `make test-images`: the functions run inside their images (make images), as on Lambda.
        if ProcessInfo.processInfo.environment["TRANSCRIPTOR_IMAGES"] == "1" { process.arguments! += ["--images"] }
        if let config {
            let path = dataDirectory + ".env"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            process.arguments! += ["--config", path]
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let log = self.log
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { log.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var readyLine: String?
        while readyLine == nil && Date() < deadline && process.isRunning {
            readyLine = log.text.split(separator: "\n").first { $0.hasPrefix("READY ") }.map { String($0.dropFirst(6)) }
            if readyLine == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let line = readyLine,
            let ports = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        else {
            process.terminate()
            throw ServerError("the emulator did not become ready: \(log.text)")
        }
        gateway = ports["gateway"]!
        aws = ports["aws"]!
        stripe = ports["stripe"] ?? ""
    }

    deinit { stop() }

    /// Kills the emulator at once (SIGKILL), as a crash would, keeping its data folder for a restart.
    public func crash() {
        keepsData = true
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops the emulator: SIGTERM, and SIGKILL if it has not ended 10 seconds later (a test must
    /// never hang on an emulator's shutdown).
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        if !keepsData { try? FileManager.default.removeItem(atPath: dataDirectory) }
    }

    /// Everything the emulator printed so far.
    public var output: String { log.text }

    /// A Lambda Invoke API call signed with the local credentials.
    public func invoke(
        _ function: String, payload: String, type: String = "RequestResponse", sign: Bool = true
    ) throws -> HTTPResponse {
        let endpoint = try Endpoint(url: aws)
        var request = SignableRequest(
            method: "POST", path: "/2015-03-31/functions/\(function)/invocations",
            headers: [
                ("Host", endpoint.hostHeader), ("X-Amz-Invocation-Type", type), ("Content-Type", "application/json"),
            ])
        let body = Array(payload.utf8)
        if sign {
            SigV4(
                credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"), region: "us-east-1",
                service: "lambda"
            )
            .sign(&request, payloadHash: Digest.sha256Hex(body), at: .now())
        }
        let headers = request.headers.filter { $0.name != "Host" }
        return try HTTPClient().execute(
            HTTPRequest(
                .post, url: aws + request.path, headers: headers, body: .bytes(body),
                totalTimeout: .seconds(30)))
    }

    /// A request through the API gateway.
    public func request(
        _ method: HTTPMethod, _ path: String, headers: [(name: String, value: String)] = [], body: String? = nil
    ) throws
        -> HTTPResponse
    {
        try HTTPClient().execute(
            HTTPRequest(
                method, url: gateway + path, headers: headers, body: body.map { .bytes(Array($0.utf8)) } ?? .none,
                totalTimeout: .seconds(30)))
    }
}

/// Text appended from one thread and read from others.
public final class LogBuffer: @unchecked Sendable {
    // @unchecked Sendable: `storage` is guarded by `lock`.
    private let lock = NSLock()
    private var storage = ""

    public init() {}

    public func append(_ text: String) { lock.withLock { storage += text } }
    public var text: String { lock.withLock { storage } }
}
