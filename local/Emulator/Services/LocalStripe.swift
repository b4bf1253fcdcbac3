import Foundation
import LocalTemplate

/// Stripe for the local system: localstripe (PyPI, a stateful fake of Stripe's API and Stripe.js)
/// started by `serve` through `local/stripe/localstripe_server.py`, which binds 127.0.0.1, keeps its
/// state in the data folder, registers the gateway's webhook route and creates the template's paid
/// plans before it says it is ready. The functions reach it through `STRIPE_API_URL`, the web app
/// loads its Stripe.js from `STRIPE_JS_URL`.
final class LocalStripe: @unchecked Sendable {
    // @unchecked Sendable: `process` is set once in `start` and only terminated after.
    let port: Int
    private let process: Process

    /// The API's base URL and the Stripe.js stand-in's.
    var apiURL: String { "http://127.0.0.1:\(port)" }
    var jsURL: String { "http://127.0.0.1:\(port)/js.stripe.com/v3/" }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Starts the wrapper and waits for its ready line (at most a minute).
    /// - Parameters:
    ///   - port: where it listens; 0 lets it pick a free port.
    ///   - webhookURL: the gateway's `POST /v1/billing/webhook`, which it signs with `webhookSecret`.
    ///   - plans: the template's `Plans` document.
    ///   - root: the project's folder (the template's), where `.venv` and the wrapper are.
    static func start(
        port: Int, dataDirectory: String, webhookURL: String, webhookSecret: String, plans: String, root: String
    ) throws -> LocalStripe {
        let folder = "\(dataDirectory)/stripe"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let plansFile = "\(folder)/plans.json"
        try plans.write(toFile: plansFile, atomically: true, encoding: .utf8)
        let python = ProcessInfo.processInfo.environment["STRIPE_PYTHON"] ?? "\(root)/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw LocalStripeError("\(python) is missing: run make bootstrap (it installs localstripe into .venv)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            "\(root)/local/stripe/localstripe_server.py", "--port", String(port), "--data", folder, "--webhook-url",
            webhookURL, "--webhook-secret", webhookSecret, "--plans", plansFile,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let log = LineLog()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { log.append(String(decoding: data, as: UTF8.self)) }
        }
        let ready = LineLog()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { ready.append(String(decoding: data, as: UTF8.self)) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline && process.isRunning {
            if let line = ready.text.split(separator: "\n").first(where: { $0.hasPrefix("localstripe ready on ") }),
                let bound = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            {
                return LocalStripe(port: bound, process: process)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning { process.terminate() }
        throw LocalStripeError("localstripe did not start: \(log.text.suffix(2000))")
    }

    /// The project's folder: the first of the template's folder, the working folder and the
    /// folders above this program (`.build/debug/…`) that holds the wrapper and the venv. A test's
    /// edited copy of the template lives elsewhere.
    static func projectRoot(templateFolder: String) -> String {
        let program = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var candidates = [templateFolder, FileManager.default.currentDirectoryPath]
        var folder = program.deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first {
            FileManager.default.fileExists(atPath: "\($0)/local/stripe/localstripe_server.py")
                && FileManager.default.isExecutableFile(atPath: "\($0)/.venv/bin/python")
        } ?? templateFolder
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

struct LocalStripeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Text a child process writes, collected as it comes.
final class LineLog: @unchecked Sendable {
    // @unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var collected = ""

    func append(_ text: String) { lock.withLock { collected += text } }
    var text: String { lock.withLock { collected } }
}
