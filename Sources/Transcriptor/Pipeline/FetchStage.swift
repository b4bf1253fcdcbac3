import Cloud
import Runtime

/// The fetch stage (the fetch queue): downloads a link job's media to `uploads/…/source`, which
/// starts transcoding. A permanent failure (a forbidden, dead or non-media link) fails the job at
/// once; a transient one leaves the message to be received again, and when the queue gives up the
/// failures stage fails the job with the last reason, recorded here.
public struct FetchFunction: LambdaHandler {
    let pipeline: Pipeline
    let fetcher: MediaFetcher

    public init() throws {
        pipeline = try .fromEnvironment()
        fetcher = MediaFetcher(
            urlGuard: pipeline.urlGuard, maxBytes: pipeline.services.settings.limits.maxUploadBytes,
            resolver: .fromEnvironment())
    }

    public func handle(_ event: SQSEvent, context: LambdaContext) throws -> SQSBatchResponse {
        // What an invocation cut short (a timeout, a crash) left in the scratch space goes first.
        pipeline.removeStaleTemporaries()
        var failures: [SQSBatchResponse.ItemFailure] = []
        for record in event.records {
            guard let message = FetchMessage(body: record.body) else {
                context.logger.error(
                    "a fetch message that is not {userId, jobId} was dropped", [("messageId", record.messageId)])
                continue
            }
            let logger = context.logger.job(message.userId, message.jobId)
            do {
                try fetch(userID: message.userId, jobID: message.jobId, deadline: context.deadline, logger: logger)
            } catch let failure as StageFailure where failure.isPermanent {
                pipeline.fail(userID: message.userId, jobID: message.jobId, failure, stage: "fetch", logger: logger)
            } catch {
                logger.warn(
                    "fetch will be retried: \(error)", [("receiveCount", String(record.approximateReceiveCount))])
                // What the owner reads if the retries run out: the stage's own words, never an
                // error's detail (endpoints, addresses), which the line above logs.
                let reason = (error as? StageFailure)?.message ?? "The link could not be fetched and stored; retrying."
                try? pipeline.jobs.noteAttemptFailure(userID: message.userId, jobID: message.jobId, reason: reason)
                failures.append(.init(itemIdentifier: record.messageId))
            }
        }
        return SQSBatchResponse(batchItemFailures: failures)
    }

    /// Fetches one job's link; every tool (yt-dlp, the download) must end before `deadline`,
    /// with time left to store the file.
    func fetch(userID: String, jobID: String, deadline: Timestamp, logger: Logger) throws {
        let jobs = pipeline.jobs
        guard let job = try jobs.advance(userID: userID, jobID: jobID, from: [.queued, .fetching], to: .fetching) else {
            logger.info("nothing to fetch: the job is gone or past this stage")
            return
        }
        guard job.source.type == "url", let url = job.source.url else {
            throw StageFailure.permanent("invalid_source", "The job has no link to fetch.")
        }
        let directory = try pipeline.temporaryDirectory()
        defer { pipeline.removeTemporary(directory) }
        let path = "\(directory)/source"
        let started = Timestamp.now()
        let bytes = try fetcher.download(url, to: path, deadline: deadline, logger: logger)
        let key = StorageKey.upload(userID, jobID)
        guard try jobs.job(userID: userID, jobID: jobID) != nil else {
            logger.info("the job was deleted during the download; nothing is stored")
            return
        }
        try pipeline.services.s3.putObject(bucket: pipeline.bucket, key: key.path, body: .file(path: path))
        _ = try pipeline.keepOrDiscard(userID: userID, jobID: jobID, wrote: [key])
        var metrics = MetricsLogger(namespace: "Transcriptor", dimensions: [("Stage", "fetch")])
        metrics.put(
            "StageDuration", Double(Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch),
            unit: .milliseconds)
        metrics.put("FetchedBytes", Double(bytes), unit: .bytes)
        metrics.flush()
        logger.info("fetched", [("bytes", String(bytes))])
    }
}

extension JobStore {
    /// Records why the last attempt of a stage failed, for the failures stage to report when the
    /// retries run out.
    public func noteAttemptFailure(userID: String, jobID: String, reason: String) throws {
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)), update: "SET lastAttemptError = :r",
                condition: "attribute_exists(pk)", values: [":r": .s(String(reason.prefix(500)))])
        } catch let error as AWSError where error.isConditionFailure {}
    }
}
