import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// moto server (PyPI `moto[server]`, installed into `.venv` by `scripts/bootstrap.sh`), started
/// once per test process on 127.0.0.1 and stopped when the process ends. Tests share it and keep
/// apart by naming their buckets, queues and tables uniquely.
public final class MotoServer: Sendable {
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The one server of this test process, started on first use.
    public static let shared: Result<MotoServer, ServerError> = Result { try MotoServer() }.mapError {
        $0 as? ServerError ?? ServerError("\($0)")
    }

    /// - Throws: `ServerError` when moto is not installed or does not start.
    public static func start() throws -> MotoServer { try shared.get() }

    private init() throws {
        let candidates =
            [TestPaths.packageRoot.appendingPathComponent(".venv/bin/moto_server").path]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/moto_server" }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ServerError(
                "moto_server is not installed: run scripts/bootstrap.sh (it installs moto[server] into .venv)")
        }
        port = try Self.freePort()
        // A watcher shell ends moto when this test process ends, however it ends. It runs in a
        // session of its own, so the test runner's clean-up of its process group cannot orphan moto.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = [
            "/bin/sh", "-c",
            "\"$0\" -H 127.0.0.1 -p \"$1\" >/dev/null 2>&1 & child=$!; while kill -0 \"$2\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.5; done; kill -9 $child 2>/dev/null",
            executable, String(port), String(getpid()),
        ]
        // Not the test runner's pipes: it waits for them to close before it reaps the test process.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if Self.isListening(port) { return }
            guard process.isRunning else { throw ServerError("moto_server exited at start") }
            usleep(100_000)
        }
        throw ServerError("moto_server did not listen on 127.0.0.1:\(port) within 60 s")
    }

    /// A port nothing listens on now (the kernel's choice for port 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw ServerError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
