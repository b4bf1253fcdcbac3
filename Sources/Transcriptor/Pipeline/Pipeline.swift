import Cloud
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// What every pipeline stage shares: the services, temporary files,
/// failing a job with a notification, and the stage's metrics.
public final class Pipeline {
    public let services: Services
    public let urlGuard: URLGuard

    /// The namespace of every metric the pipeline writes.
    static let metricsNamespace = "Transcriptor"

    public init(services: Services) {
        self.services = services
        urlGuard = .fromEnvironment()
    }

    public static func fromEnvironment() throws -> Pipeline { try Pipeline(services: .fromEnvironment()) }

    public var bucket: String { services.settings.bucketName }
    public var jobs: JobStore { services.jobs }

    /// A fresh temporary folder for one piece of work, removed by `removeTemporary`. Its name
    /// carries this process's id (`transcriptor-{pid}-XXXXXX`), for `removeStaleTemporaries`.
    public func temporaryDirectory() throws -> String {
        var template = Array("\(Self.temporaryBase)/transcriptor-\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw StageFailure.transient(
                "no_scratch_space", "No temporary space for the work: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    static var temporaryBase: String { Environment.get("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp" }

    public func removeTemporary(_ directory: String) { Self.removeTemporary(directory) }

    static func removeTemporary(_ directory: String) {
        guard directory.contains("/transcriptor-") else { return }
        _ = try? ChildProcess.run("rm", ["-rf", "--", directory], timeoutSeconds: 60)
    }

    /// Removes the scratch folders an earlier invocation could not: one that Lambda stopped at its
    /// deadline, or a process that crashed (Lambda keeps `/tmp` for the next invocation in the
    /// same environment). A folder is stale when the process that made it has ended, or is this
    /// one: call this before an invocation's own work, when this process has none in progress.
    /// Folders of other live processes (other functions sharing the machine) are left alone.
    public func removeStaleTemporaries() { Self.removeStaleTemporaries(in: Self.temporaryBase) }

    static func removeStaleTemporaries(in base: String) {
        guard let folder = opendir(base) else { return }
        var stale: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = temporaryOwner(name) else { continue }
            if pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH) {
                stale.append("\(base)/\(name)")
            }
        }
        closedir(folder)
        for path in stale { Self.removeTemporary(path) }
    }

    /// The process id in a scratch folder's name (`transcriptor-{pid}-XXXXXX`); nil for any other name.
    static func temporaryOwner(_ name: String) -> pid_t? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "transcriptor", parts[2].count == 6,
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let pid = pid_t(parts[1]), pid > 0
        else { return nil }
        return pid
    }

    /// Fails the job (once) and tells the user's webhook; a storage error is logged (the stage's
    /// own retry or the sweep comes back to the job).
    public func fail(userID: String, jobID: String, _ failure: StageFailure, stage: String, logger: Logger) {
        do {
            try recordFailure(userID: userID, jobID: jobID, failure, stage: stage, logger: logger)
        } catch {
            logger.error("could not record the job's failure: \(error)", [("stage", stage)])
        }
    }

    /// Fails the job (once) and tells the user's webhook.
    /// - Throws: when the failure could not be recorded, so the caller can keep its message.
    public func recordFailure(
        userID: String, jobID: String, _ failure: StageFailure, stage: String, logger: Logger
    )
        throws
    {
        guard let job = try jobs.fail(userID: userID, jobID: jobID, code: failure.code, message: failure.message)
        else { return }
        logger.warn("job failed", [("stage", stage), ("code", failure.code), ("reason", failure.message)])
        var metrics: MetricsLogger = logger.metrics(namespace: Self.metricsNamespace, dimensions: [("Stage", stage)])
        metrics.put("JobsFailed", 1)
        metrics.flush()
        notify(job, type: "job.failed", logger: logger)
    }

    /// Sends the job's webhook, if it has one; a receiver's trouble is logged and counted, never thrown.
    public func notify(_ job: Job, type: String, logger: Logger) {
        guard job.webhook != nil else { return }
        guard let secret = try? services.accounts.webhookSecret(userID: job.userID) else { return }
        let outcome = WebhookSender(urlGuard: urlGuard).deliver(type: type, job: job, secret: secret)
        if case .failed(let reason, let attempts) = outcome {
            logger.warn("webhook not delivered", [("event", type), ("attempts", String(attempts)), ("reason", reason)])
            var metrics: MetricsLogger = logger.metrics(namespace: Self.metricsNamespace)
            metrics.put("WebhookFailures", 1)
            metrics.flush()
        }
    }

    /// Whether the job still exists; when it does not (deleted while this stage ran), removes `keys`.
    public func keepOrDiscard(userID: String, jobID: String, wrote keys: [StorageKey]) throws -> Bool {
        if try jobs.job(userID: userID, jobID: jobID) != nil { return true }
        for key in keys { try services.s3.deleteObject(bucket: bucket, key: key.path) }
        return false
    }
}

extension Logger {
    func job(_ userID: String, _ jobID: String) -> Logger { with("userId", userID).with("jobId", jobID) }
}
