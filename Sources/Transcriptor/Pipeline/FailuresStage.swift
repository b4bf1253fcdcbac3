import Cloud
import Runtime

/// The failures stage (the failures queue): what the pipeline could not do after its retries
/// lands here: a fetch, chunk or diarize message its queue gave up on (their dead letters), or a Lambda
/// destination record of an S3-triggered stage (transcode, persist) whose retries ran out.
///
/// An S3-triggered stage's retries (about three minutes) run out on crashes, timeouts and passing
/// trouble (its handled failures end the job themselves), which often pass: its event is handed
/// back to it, up to `PIPELINE_REDRIVES` times a job (2 by default), each time with Lambda's two
/// retries again. After that, or for a queue's dead letter, the job fails with the stage and the last reason, so
/// no job stays in a middle state. A diarize message fails no job: its speakers are given up, and
/// the job finishes with its words and a warning.
public struct FailuresFunction: LambdaHandler {
    let pipeline: Pipeline
    let lambda: LambdaClient
    let redriveLimit: Int

    public init() throws {
        pipeline = try .fromEnvironment()
        lambda = try LambdaClient(configuration: AWSConfiguration.fromEnvironment())
        redriveLimit = Environment.get("PIPELINE_REDRIVES").flatMap(Int.init).map { max(0, $0) } ?? 2
    }

    /// A failure that cannot be recorded (or re-driven) now, because of storage trouble, stays on
    /// the queue for another try, so its reason is not lost to the sweep's generic one.
    public func handle(_ event: SQSEvent, context: LambdaContext) throws -> SQSBatchResponse {
        var unrecorded: [SQSBatchResponse.ItemFailure] = []
        for record in event.records {
            guard let body = try? JSON.decode(JSONValue.self, from: Array(record.body.utf8)),
                let (userID, jobID, stage, reason) = Self.describe(body)
            else {
                context.logger.error(
                    "a failure record that names no job was dropped", [("messageId", record.messageId)])
                continue
            }
            let logger = context.logger.job(userID, jobID)
            do {
                if stage == "diarize" {
                    // The words do not need the speakers: the job finishes without them, and says so.
                    let last = try pipeline.jobs.record(userID: userID, jobID: jobID, with: [.lastAttemptError])
                    guard let last, last.state.speakersPending else { continue }
                    logger.warn("the diarize queue gave up; the job finishes without speakers")
                    try pipeline.storeSpeakers(
                        SpeakersResult(
                            unavailable: "The speakers could not be found after several attempts"
                                + (last.lastAttemptError.map { " (\($0.prefix(300)))" } ?? "") + "."),
                        userID: userID, jobID: jobID)
                    continue
                }
                if try redrive(body, userID: userID, jobID: jobID, stage: stage, reason: reason, logger: logger) {
                    continue
                }
                let last = try pipeline.jobs.record(userID: userID, jobID: jobID, with: [.lastAttemptError])?
                    .lastAttemptError
                try pipeline.recordFailure(
                    userID: userID, jobID: jobID,
                    .permanent("\(stage)_failed", Self.message(stage: stage, detail: last ?? reason)), stage: stage,
                    logger: logger)
            } catch {
                logger.error("the failure could not be handled; it stays on the queue: \(error)")
                unrecorded.append(.init(itemIdentifier: record.messageId))
            }
        }
        return SQSBatchResponse(batchItemFailures: unrecorded)
    }

    /// Hands a destination record's S3 event back to its function, if the job has a re-drive left.
    /// Queue messages are not re-driven: their queues already retry them (a fetch three times over
    /// 48 minutes, a link down that long is better reported; a chunk four times, with backoff).
    /// - Returns: whether it did.
    func redrive(
        _ body: JSONValue, userID: String, jobID: String, stage: String, reason: String?, logger: Logger
    ) throws -> Bool {
        guard redriveLimit > 0, !["fetch", "transcribe"].contains(stage),
            let function = Self.unqualified(body["requestContext"]?["functionArn"]?.stringValue),
            let payload = body["requestPayload"],
            let taken = try pipeline.jobs.claimRedrive(userID: userID, jobID: jobID, limit: redriveLimit)
        else { return false }
        try lambda.invokeAsynchronously(function: function, payload: try JSON.encode(payload))
        logger.warn(
            "the stage's retries ran out; its work goes to it again",
            [("stage", stage), ("redrive", "\(taken) of \(redriveLimit)"), ("reason", reason ?? "")])
        var metrics: MetricsLogger = logger.metrics(
            namespace: Pipeline.metricsNamespace, dimensions: [("Stage", stage)])
        metrics.put("StageRedrives", 1)
        metrics.flush()
        return true
    }

    /// A function ARN without its version qualifier (`…:function:name:$LATEST` → `…:function:name`),
    /// which is what the failures function's policy names.
    static func unqualified(_ arn: String?) -> String? {
        guard let arn, arn.hasPrefix("arn:") else { return nil }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 8 ? parts.dropLast().joined(separator: ":") : arn
    }

    static func message(stage: String, detail: String?) -> String {
        let what =
            switch stage {
            case "fetch": "The link could not be downloaded"
            case "transcode": "The file could not be converted"
            case "transcribe": "The audio could not be transcribed"
            default: "The transcript could not be put together"
            }
        guard let detail, !detail.isEmpty else { return "\(what) after several attempts; try again later." }
        return "\(what) after several attempts (\(detail.prefix(300))); try again later."
    }

    /// The job, stage and reason of a failure record.
    static func describe(_ body: JSONValue) -> (String, String, String, String?)? {
        // A queue's dead letter is the message as it was sent; a chunk message says its stage.
        if let text = try? JSON.encodeString(body) {
            if let chunk = ChunkMessage(body: text) { return (chunk.userId, chunk.jobId, "transcribe", nil) }
            // Before the fetch message, which has no stage and so reads any {userId, jobId} body.
            if let diarize = DiarizeMessage(body: text) { return (diarize.userId, diarize.jobId, "diarize", nil) }
            if let fetch = FetchMessage(body: text) { return (fetch.userId, fetch.jobId, "fetch", nil) }
        }
        guard let arn = body["requestContext"]?["functionArn"]?.stringValue,
            let rawKey = body["requestPayload"]?["Records"]?[0]?["s3"]?["object"]?["key"]?.stringValue,
            let key = StorageKey(PercentEncoding.decode(rawKey, plusAsSpace: true))
        else { return nil }
        let stage: String =
            switch key.kind {
            case .upload: "transcode"
            case .audio: "transcribe"
            case .segments: "persist"
            case .rendition, .transcript: arn.split(separator: ":").dropLast().last.map(String.init) ?? "pipeline"
            }
        let reason = body["responsePayload"]?["errorMessage"]?.stringValue
        return (key.userID, key.jobID, stage, reason)
    }
}
