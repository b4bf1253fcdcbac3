import Foundation
import LocalTemplate

/// `transcriptor-local serve --images`: each function runs inside its image (`make images`), as
/// Lambda runs an image function: its `ImageConfig.Command`, a read-only root file system, a writable
/// `/tmp` of its `EphemeralStorage` size, a user that is not root, no capabilities, Lambda's
/// environment variables, memory from `MemorySize` and a CPU share from it (Lambda gives one vCPU at
/// 1,769 MB), and the Runtime API on loopback (the container shares the host's network, so the
/// function reaches the emulator's Runtime API and AWS endpoint at 127.0.0.1). As in Lambda's
/// sandbox, the function is not the first process: an init (podman's catatonit) is, which reaps the
/// orphans of the tools a function starts and lets signals reach the function as on the host.
struct ImageRunner: Sendable {
    /// Lambda's CPU share: one vCPU at this much memory, in proportion below and above it.
    static let megabytesPerVCPU = 1769.0
    /// The label that marks the emulator's containers (its value: the emulator's process id).
    static let label = "transcriptor-local.pid"

    var podman: String
    var imagePrefix = "localhost/transcriptor-"
    /// The user the function runs as (Lambda's sandbox user is not root either).
    var user = "993:990"
    /// Whether this machine's cgroups can limit a container's CPU (`--cpus`) and memory (`--memory`).
    var limitsCPU: Bool
    var limitsMemory: Bool

    /// Finds podman and what this machine's cgroups allow, or says what is missing.
    static func make() throws -> ImageRunner {
        let candidates = ["/usr/bin/podman", "/usr/local/bin/podman"]
        guard let podman = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ImageRunnerError("podman is not installed: `make images` installs it and builds the images")
        }
        // cgroups v2 lists its controllers in one file; v1 has a folder a controller.
        let fileManager = FileManager.default
        if let listed = try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.controllers", encoding: .utf8) {
            let controllers = Set(listed.split(whereSeparator: \.isWhitespace))
            return ImageRunner(
                podman: podman, limitsCPU: controllers.contains("cpu"), limitsMemory: controllers.contains("memory"))
        }
        return ImageRunner(
            podman: podman, limitsCPU: fileManager.fileExists(atPath: "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
            limitsMemory: fileManager.fileExists(atPath: "/sys/fs/cgroup/memory/memory.limit_in_bytes"))
    }

    func image(of function: FunctionDefinition) -> String {
        imagePrefix + (function.imageTarget ?? "api")
    }

    /// Checks that every function's image exists before anything starts.
    func checkImages(of functions: [FunctionDefinition]) throws {
        let images = Set(functions.map(image(of:)))
        for image in images.sorted() {
            let status = run([podman, "image", "exists", image])
            guard status == 0 else {
                throw ImageRunnerError("the image \(image) does not exist: build the images first (make images)")
            }
        }
    }

    /// The environment of a function inside its image: Lambda's variables and the function's own;
    /// not the host's PATH or HOME (the image sets its own).
    func containerEnvironment(_ environment: [String: String]) -> [String: String] {
        var inside = environment
        for name in ["PATH", "HOME"] { inside[name] = nil }
        inside["LAMBDA_TASK_ROOT"] = "/var/task"
        return inside
    }

    /// `podman run` for one warm process of `function`. The values of the environment stay out of
    /// the command line (`--env NAME` takes each from podman's own environment, which the worker
    /// sets), so no secret shows in the process list.
    func command(
        for function: FunctionDefinition, container: String, environment: [String: String]
    ) -> (executable: String, arguments: [String], environment: [String: String]) {
        var arguments = [
            "run", "--rm", "--name", container, "--label", "\(Self.label)=\(getpid())",
            "--pull=never", "--init", "--network=host", "--read-only", "--user", user, "--workdir", "/var/task",
            "--tmpfs", "/tmp:rw,nosuid,nodev,mode=1777,size=\(function.ephemeralStorageMB)m",
            "--cap-drop=all", "--security-opt", "no-new-privileges", "--pids-limit", "1024",
            "--log-driver", "none", "--attach", "stdout", "--attach", "stderr",
        ]
        if limitsMemory {
            arguments += ["--memory", "\(function.memoryMB)m", "--memory-swap", "\(function.memoryMB)m"]
        }
        if limitsCPU {
            let cpus = max(0.05, Double(function.memoryMB) / Self.megabytesPerVCPU)
            arguments += ["--cpus", String(format: "%.3f", cpus)]
        }
        let inside = containerEnvironment(environment)
        for name in inside.keys.sorted() { arguments += ["--env", name] }
        arguments += [image(of: function), function.executable] + function.arguments
        // podman itself runs with the emulator's environment plus the function's variables.
        var outside = ProcessInfo.processInfo.environment
        outside.merge(inside) { $1 }
        return (podman, arguments, outside)
    }

    /// The host's process ids of the container's init (killing it ends the container, and every
    /// process in it) and of the function (the init's child), once the function runs.
    func hostPIDs(of container: String) -> (initPID: Int32, functionPID: Int32?)? {
        let (status, output) = capture([podman, "inspect", "--format", "{{.State.Pid}}", container])
        guard status == 0, let pid = Int32(output.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
        else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return (pid, children.split(separator: " ").first.flatMap { Int32($0) })
    }

    /// Stops a container whose process id is not known (yet).
    func kill(_ container: String) {
        _ = run([podman, "kill", "--signal", "KILL", container])
    }

    /// Removes the containers that emulators no longer running left behind.
    func removeOrphans() {
        let (status, output) = capture([
            podman, "ps", "-a", "--filter", "label=\(Self.label)", "--format",
            "{{.ID}} {{index .Labels \"\(Self.label)\"}}",
        ])
        guard status == 0 else { return }
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let id = fields.first else { continue }
            let owner = fields.dropFirst().first.flatMap { Int32($0) } ?? 0
            if owner > 0, Foundation.kill(owner, 0) == 0 { continue }
            _ = run([podman, "rm", "-f", "-t", "0", String(id)])
        }
    }

    @discardableResult
    private func run(_ command: [String]) -> Int32 { capture(command).status }

    private func capture(_ command: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

struct ImageRunnerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
