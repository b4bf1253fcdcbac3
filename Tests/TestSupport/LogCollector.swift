import Foundation
import Runtime

/// Collects the lines a `Logger` writes, for tests that check what was logged.
public final class LogCollector: @unchecked Sendable {
    // @unchecked Sendable: `lines` is guarded by `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    public init() {}

    public var sink: Logger.Sink {
        { [self] bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            lock.withLock { lines += text.split(separator: "\n").map(String.init) }
        }
    }

    public func logger(_ label: String = "test", threshold: Logger.Level = .trace) -> Logger {
        Logger(label: label, threshold: threshold, sink: sink)
    }

    public var all: [String] { lock.withLock { lines } }

    /// Each line parsed as a JSON object.
    public var objects: [[String: Any]] {
        all.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }
}

/// Paths the tests need: the package root, the shared test data beside it, the built products.
public enum TestPaths {
    /// The package's root folder (found from this source file's path).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the project, where the recorded speech and the SigV4 vectors live.
    public static let shared: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// The folder of the running test binary, where SwiftPM also puts the package's executables.
    public static let products: URL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent()

    /// A built executable of this package, by product name.
    public static func executable(_ name: String) throws -> URL {
        let url = products.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw ServerError(
                "\(name) is not built in \(products.path): run `swift build --build-tests` (or `make build`) first")
        }
        return url
    }
}
