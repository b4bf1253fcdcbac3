import ArgumentParser
import Foundation

/// `transcriptor-local`: the whole system on one machine, from `template.yaml`.
@main
struct TranscriptorLocal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcriptor-local",
        abstract: "Runs Transcriptor's functions, API gateway and AWS services locally from template.yaml.",
        subcommands: [Serve.self, Invoke.self],
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

    var parameterOverrides: [String: String] {
        Dictionary(
            parameter.compactMap { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { $1 })
    }
}
