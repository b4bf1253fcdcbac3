import Cloud
import Runtime

/// The sweep (a schedule): fails jobs whose stage deadline passed. Upload jobs whose file never
/// arrived fail with `upload_expired`; anything else found here stalled in a middle state (a
/// safety net that should find nothing).
public struct SweepFunction: LambdaHandler {
    let pipeline: Pipeline
    /// A deletion younger than this may still be in its route (whose timeout is shorter).
    static let deletionGraceSeconds: Int64 = 120

    public init() throws { pipeline = try .fromEnvironment() }

    public func handle(_ event: JSONValue, context: LambdaContext) throws -> JSONValue {
        let now = Timestamp.now()
        var failed = 0
        for (userID, jobID) in try pipeline.jobs.overdue(now: now, limit: 200) {
            guard let record = try pipeline.jobs.record(userID: userID, jobID: jobID, with: [.gsi1sk]),
                case .move = Lifecycle.on(.swept, in: record.state), record.isOverdue(now: now)
            else { continue }
            let job = record.job
            let logger = context.logger.job(userID, jobID)
            let failure: StageFailure =
                job.status == .queued && job.source.type == "upload"
                ? .permanent(
                    "upload_expired", "The file was not uploaded before its upload link expired; create the job again.")
                : .permanent(
                    "stalled",
                    "The job stopped making progress while \(job.status.rawValue) and was stopped; try again.")
            pipeline.fail(userID: userID, jobID: jobID, failure, stage: "sweep", logger: logger)
            failed += 1
        }
        // Account deletions cut short (the route timed out part-way) are finished here; one that
        // started in the last minutes may still be running in its route, and is left to it.
        let deletions = try pipeline.services.accounts.finishStalledDeletions(
            before: now.adding(seconds: -Self.deletionGraceSeconds), limit: 25)
        if deletions > 0 { context.logger.warn("finished \(deletions) account deletions that had stopped part-way") }
        return .object(["failed": .integer(Int64(failed)), "accountsDeleted": .integer(Int64(deletions))])
    }
}
