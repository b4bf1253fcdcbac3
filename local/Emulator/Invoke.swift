import ArgumentParser
import Foundation
import LocalTemplate
import NIOPosix

/// `transcriptor-local invoke NAME --event FILE`: one invocation of a function, as `sam local invoke` does.
struct Invoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invoke one function once with an event and print its response.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The function's logical ID in the template.")
    var name: String

    @Option(help: "A file with the event (JSON); - for standard input. Default: {}.")
    var event: String?

    @Option(help: "The AWS endpoint the function calls.")
    var awsEndpoint = "http://127.0.0.1:4566"

    func run() async throws {
        let template = try common.loadTemplate(
            dataDirectory: ProcessInfo.processInfo.environment["DATA_DIR"] ?? ".local")
        guard template.functions[name] != nil else {
            throw ValidationError(
                "\(name) is not a function of \(common.template): \(template.functions.keys.sorted().joined(separator: ", "))"
            )
        }
        let payload: Data
        switch event {
        case nil: payload = Data("{}".utf8)
        case "-": payload = FileHandle.standardInput.readDataToEndOfFile()
        case let path?: payload = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let output = ProcessOutput()
        let lambda = LambdaService(
            template: template,
            settings: .init(buildDirectory: common.resolvedBuildDirectory, awsEndpoint: awsEndpoint),
            group: MultiThreadedEventLoopGroup.singleton, output: output)
        let result = try await lambda.invoke(name, payload: Array(payload))
        await lambda.shutdown()
        FileHandle.standardOutput.write(Data(result.payload) + Data("\n".utf8))
        if result.kind != .success { throw ExitCode(1) }
    }
}
