import Cloud
import Runtime

/// The fetch stage (the fetch queue): downloads a link job's media to `uploads/…/source`, which
/// starts transcoding. A permanent failure (a forbidden, dead or non-media link) fails the job at
/// once; a passing one leaves the message to be received again (`StageRunner`).
public struct FetchFunction: LambdaHandler {
    let pipeline: Pipeline
    let runner: StageRunner
    let fetcher: MediaFetcher

    public init() throws {
        pipeline = try .fromEnvironment()
        runner = StageRunner(
            stage: "fetch", pipeline: pipeline, retryReason: "The link could not be fetched and stored; retrying.")
        fetcher = MediaFetcher(
            urlGuard: pipeline.urlGuard, maxBytes: pipeline.services.settings.limits.maxUploadBytes,
            resolver: .fromEnvironment())
    }

    public func handle(_ event: SQSEvent, context: LambdaContext) throws -> SQSBatchResponse {
        runner.eachStageMessage(
            event, context: context, decode: FetchMessage.init(body:), job: { ($0.userId, $0.jobId) }
        ) {
            _, work in try fetch(work)
        }
    }

    /// Fetches one job's link; every tool (yt-dlp, the download) must end before the work's
    /// deadline, with time left to store the file.
    func fetch(_ work: StageRunner.Work) throws {
        let jobs = pipeline.jobs
        let (userID, jobID, logger) = (work.userID, work.jobID, work.logger)
        guard let job = try jobs.advance(userID: userID, jobID: jobID, on: .fetchStarted) else {
            logger.info("nothing to fetch: the job is gone or past this stage")
            return
        }
        guard job.source.type == "url", let url = job.source.url else {
            throw StageFailure.permanent("invalid_source", "The job has no link to fetch.")
        }
        let path = "\(try work.scratch())/source"
        let bytes = try fetcher.download(url, to: path, deadline: work.deadline, logger: logger)
        let key = StorageKey.upload(userID, jobID)
        guard try jobs.job(userID: userID, jobID: jobID) != nil else {
            logger.info("the job was deleted during the download; nothing is stored")
            return
        }
        try pipeline.services.s3.putObject(bucket: pipeline.bucket, key: key.path, body: .file(path: path))
        _ = try pipeline.keepOrDiscard(userID: userID, jobID: jobID, wrote: [key])
        work.metrics.put("StageDuration", work.elapsedMilliseconds, unit: .milliseconds)
        work.metrics.put("FetchedBytes", Double(bytes), unit: .bytes)
        logger.info("fetched", [("bytes", String(bytes))])
    }
}
