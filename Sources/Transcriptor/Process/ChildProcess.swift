import Runtime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process with pipes to its standard input and output (and optionally its error
/// stream), for the tools a function drives: ffmpeg and ffprobe, yt-dlp, the speech worker. It
/// gets a minimal environment (never the function's credentials or secrets). Spawned with
/// `posix_spawnp` in a process group of its own, so a stuck tool and everything it started can be
/// killed together; reads wait with `poll` and a deadline, so no tool can hang an invocation.
public final class ChildProcess {
    public enum Failure: Error, CustomStringConvertible, Equatable, Sendable {
        case spawn(String, errno: Int32)
        case timedOut(String)
        case io(String, errno: Int32)

        public var description: String {
            switch self {
            case .spawn(let program, let code):
                "cannot start \(program): \(String(cString: strerror(code)))"
            case .timedOut(let program): "\(program) did not finish in time"
            case .io(let what, let code): "\(what): \(String(cString: strerror(code)))"
            }
        }
    }

    /// How a process ended.
    public enum Exit: Equatable, Sendable, CustomStringConvertible {
        case code(Int32)
        case signal(Int32)

        public var succeeded: Bool { self == .code(0) }
        public var description: String {
            switch self {
            case .code(let code): "exit code \(code)"
            case .signal(let signal): "signal \(signal)"
            }
        }
    }

    public let pid: pid_t
    public let program: String
    private var input: Int32
    private var output: Int32
    private var errors: Int32
    private var outputBuffer: [UInt8] = []
    private var exit: Exit?

    /// Starts `program` (looked up in `PATH` unless it has a slash).
    /// - Parameters:
    ///   - environment: what the tool needs besides the minimal environment every child gets
    ///     (`minimalEnvironment`); a secret-looking name is dropped even here.
    ///   - captureErrors: pipe standard error too (read with `readAll`); otherwise the child
    ///     writes it to ours, which is the function's log.
    public init(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], captureErrors: Bool = false
    ) throws(Failure) {
        // A child that dies while we write to it must not take this process with it.
        signal(SIGPIPE, SIG_IGN)
        self.program = program
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard Self.makePipe(&inPipe), Self.makePipe(&outPipe), !captureErrors || Self.makePipe(&errPipe)
        else { throw .spawn(program, errno: errno) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        if captureErrors { posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var envp = Self.childEnvironment(environment).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        // posix_spawnp looks the program up in the PATH of this process; the child gets its own.
        let status = posix_spawnp(&child, program, &actions, &attributes, argv, &envp)
        close(inPipe[0])
        close(outPipe[1])
        if captureErrors { close(errPipe[1]) }
        guard status == 0 else {
            close(inPipe[1])
            close(outPipe[0])
            if captureErrors { close(errPipe[0]) }
            throw .spawn(program, errno: status)
        }
        pid = child
        input = inPipe[1]
        output = outPipe[0]
        errors = captureErrors ? errPipe[0] : -1
    }

    /// The variables every child gets, from this process's: where to find programs, the locale and
    /// time zone, a home and a temporary folder (HOME is /tmp when this process has none), and the
    /// library path. Nothing else: no AWS credentials or endpoints, no secrets, no proxy settings
    /// of this process, none of the function's configuration.
    public static let minimalEnvironmentNames = ["PATH", "LANG", "LC_ALL", "TZ", "HOME", "TMPDIR", "LD_LIBRARY_PATH"]

    /// `name=value` lines for a child: the minimal environment, then `extra` (which wins), less
    /// any name that looks like a credential.
    static func childEnvironment(_ extra: [String: String]) -> [String] {
        var variables: [String: String] = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp"]
        for name in minimalEnvironmentNames {
            if let value = Environment.get(name), !value.isEmpty { variables[name] = value }
        }
        variables.merge(extra) { $1 }
        return variables.filter { !isSecretName($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// AWS_*, and any name that holds SECRET, TOKEN, PASSWORD, JWT, CREDENTIAL or KEY.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        if upper.hasPrefix("AWS_") { return true }
        return ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "JWT", "CREDENTIAL", "KEY", "SESSION"].contains {
            upper.contains($0)
        }
    }

    /// A pipe whose ends are closed on exec, so other children never inherit them.
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    deinit {
        if exit == nil {
            kill()
            _ = wait()
        }
        closeAll()
    }

    private func closeAll() {
        for fd in [input, output, errors] where fd >= 0 { close(fd) }
        input = -1
        output = -1
        errors = -1
    }

    /// Writes to the child's standard input.
    public func write(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .io("writing to \(program)", errno: errno)
            }
            offset += written
        }
    }

    /// Closes the child's standard input (end of file for it).
    public func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    /// The next line of standard output, without its newline; nil at end of file.
    /// - Throws: `.timedOut` when no full line came by `deadline`.
    public func readLine(until deadline: Timestamp) throws(Failure) -> String? {
        while true {
            if let newline = outputBuffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: outputBuffer[..<newline], as: UTF8.self)
                outputBuffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = try readSome(output, into: &chunk, until: deadline)
            if count == 0 {
                if outputBuffer.isEmpty { return nil }
                defer { outputBuffer.removeAll() }
                return String(decoding: outputBuffer, as: UTF8.self)
            }
            outputBuffer += chunk[..<count]
        }
    }

    /// Reads standard output (and the error stream, if captured) to their end, up to `limit` bytes
    /// of each (the rest is read and dropped, so the child never blocks on a full pipe).
    public func readAll(
        until deadline: Timestamp, limit: Int = 8 << 20
    ) throws(Failure) -> (output: [UInt8], errors: [UInt8]) {
        var out = outputBuffer
        outputBuffer.removeAll()
        var err: [UInt8] = []
        var open = [output, errors].filter { $0 >= 0 }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let wait = deadline.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch
            guard wait > 0 else { throw .timedOut(program) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(wait, 60_000)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .io("waiting for \(program)", errno: errno)
            }
            for entry in fds where entry.revents != 0 {
                let count = Glibc.read(entry.fd, &chunk, chunk.count)
                if count <= 0 {
                    if count < 0 && errno == EINTR { continue }
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                if entry.fd == output {
                    if out.count < limit { out += chunk[..<min(count, limit - out.count)] }
                } else if err.count < limit {
                    err += chunk[..<min(count, limit - err.count)]
                }
            }
        }
        return (out, err)
    }

    private func readSome(_ fd: Int32, into buffer: inout [UInt8], until deadline: Timestamp) throws(Failure) -> Int {
        while true {
            let wait = deadline.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch
            guard wait > 0 else { throw .timedOut(program) }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(wait, 60_000)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .io("waiting for \(program)", errno: errno)
            }
            if ready == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .io("reading from \(program)", errno: errno)
            }
            return count
        }
    }

    /// Sends `signal` to the child's whole process group.
    public func kill(_ signal: Int32 = SIGKILL) {
        guard exit == nil else { return }
        _ = Glibc.kill(-pid, signal)
    }

    /// Whether the child is still running (reaping it if it has ended).
    public var isRunning: Bool {
        guard exit == nil else { return false }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            exit = Self.decode(status)
            return false
        }
        return result == 0
    }

    /// Waits for the child to end.
    @discardableResult
    public func wait() -> Exit {
        if let exit { return exit }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR {
                exit = .code(-1)
                return .code(-1)
            }
        }
        let ended = Self.decode(status)
        exit = ended
        return ended
    }

    /// Waits for the child to end, until `deadline`.
    /// - Throws: `.timedOut` when it is still running then (the caller kills it).
    public func wait(until deadline: Timestamp) throws(Failure) -> Exit {
        var pause: UInt32 = 1_000
        while isRunning {
            guard Timestamp.now().millisecondsSinceEpoch < deadline.millisecondsSinceEpoch else {
                throw .timedOut(program)
            }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        return exit ?? wait()
    }

    static func decode(_ status: Int32) -> Exit {
        let signal = status & 0x7f
        return signal == 0 ? .code((status >> 8) & 0xff) : .signal(signal)
    }

    /// What a finished command printed, and how it ended.
    public struct Result: Sendable {
        public var exit: Exit
        public var output: [UInt8]
        public var errors: [UInt8]
        public var outputText: String { String(decoding: output, as: UTF8.self) }
        public var errorText: String { String(decoding: errors, as: UTF8.self) }
    }

    /// Runs a command to its end with a time limit; the process group is killed when time runs out.
    public static func run(
        _ program: String, _ arguments: [String], timeoutSeconds: Int64, environment: [String: String] = [:]
    ) throws(Failure) -> Result {
        let child = try ChildProcess(program, arguments, environment: environment, captureErrors: true)
        child.closeInput()
        let deadline = Timestamp.now().adding(seconds: timeoutSeconds)
        do {
            let (output, errors) = try child.readAll(until: deadline)
            // A tool can close its output and go on running: its end is waited for under the same
            // deadline, not for ever.
            return Result(exit: try child.wait(until: deadline), output: output, errors: errors)
        } catch {
            child.kill()
            child.wait()
            throw error
        }
    }
}
