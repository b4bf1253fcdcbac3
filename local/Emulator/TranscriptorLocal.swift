import ArgumentParser
import Foundation
import LocalTemplate

/// `transcriptor-local`: the whole system on one machine, from `template.yaml`.
@main
struct TranscriptorLocal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcriptor-local",
        abstract: "Runs Transcriptor's functions, API gateway and AWS services locally from template.yaml.",
        subcommands: [Serve.self, Invoke.self, Transcribe.self, Diarize.self, PlanCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "The SAM template.")
    var template = "template.yaml"

    @Option(help: "Where the function executables are (default: beside this program).")
    var buildDir: String?

    @Option(help: "A template parameter, NAME=VALUE (repeatable).")
    var parameter: [String] = []

    var resolvedBuildDirectory: String {
        if let buildDir { return (buildDir as NSString).standardizingPath }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// The template with the overrides; secret parameters without a value (the JWT key) are
    /// generated once and kept in `dataDirectory/secrets/`, so tokens survive a restart.
    func loadTemplate(dataDirectory: String) throws -> Template {
        try Template.load(
            path: template, parameterOverrides: parameterOverrides,
            secrets: { name in try LocalSecrets(directory: "\(dataDirectory)/secrets").value(of: name) })
    }

    var parameterOverrides: [String: String] {
        Dictionary(
            parameter.compactMap { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { $1 })
    }
}

/// Secrets the emulator makes for itself: 48 random bytes, base64, in a file only the user can read.
struct LocalSecrets {
    let directory: String

    func value(of name: String) throws -> String {
        let path = "\(directory)/\(name)"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.count >= 32 {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var bytes = [UInt8](repeating: 0, count: 48)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let secret = Data(bytes).base64EncodedString()
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return secret
    }
}
