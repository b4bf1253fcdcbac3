import Cloud
import Runtime
import Transcriptor

/// The transcribe stage (the transcribe queue, one chunk a message, as many at once as the
/// event-source mapping's maximum concurrency): runs the configured engine on the chunk and writes
/// its segments, with times offset to the chunk's place in the whole file, to
/// `segments/…/chunk-NNNN.json` (which the persist stage counts). The engine (and its worker
/// process) stays loaded while the function instance is warm.
///
/// A chunk that fails for a passing reason is reported back to the queue, to be received again
/// after a backoff (30 s, doubling with each receive) instead of the queue's long visibility
/// timeout; after four receives the queue gives it to the failures stage. A bad chunk fails the job.
public final class TranscribeFunction: LambdaHandler {
    let pipeline: Pipeline
    let engine: any SpeechEngine

    public init() throws {
        pipeline = try .fromEnvironment()
        engine = try SpeechEngines.fromEnvironment()
    }

    public func handle(_ event: SQSEvent, context: LambdaContext) throws -> SQSBatchResponse {
        // What an invocation cut short (a timeout, a crash) left in the scratch space goes first.
        pipeline.removeStaleTemporaries()
        var retry: [SQSBatchResponse.ItemFailure] = []
        for record in event.records {
            guard let message = ChunkMessage(body: record.body) else {
                context.logger.warn("a message that names no chunk was dropped", [("messageId", record.messageId)])
                continue
            }
            let key = message.audioKey
            let logger = context.logger.with("userId", key.userID).with("jobId", key.jobID)
            do {
                try transcribe(key, index: message.chunk, context: context, logger: logger)
            } catch let error as SpeechError where error.isPermanent {
                pipeline.fail(
                    userID: key.userID, jobID: key.jobID,
                    .permanent("bad_audio", "The audio could not be transcribed: \(error)"),
                    stage: "transcribe", logger: logger)
            } catch {
                logger.warn("chunk \(message.chunk) will be tried again: \(error)")
                try? pipeline.jobs.noteAttemptFailure(userID: key.userID, jobID: key.jobID, reason: "\(error)")
                backOff(record)
                retry.append(.init(itemIdentifier: record.messageId))
            }
        }
        return SQSBatchResponse(batchItemFailures: retry)
    }

    /// Hides a message that failed for 30 s, doubling with each receive (at most 15 minutes); if
    /// that cannot be set, the queue's visibility timeout applies.
    func backOff(_ record: SQSEvent.Message) {
        guard let transcribeQueueURL = pipeline.services.settings.transcribeQueueURL else { return }
        let seconds = min(900, 30 << min(max(record.approximateReceiveCount - 1, 0), 5))
        try? pipeline.services.sqs().changeMessageVisibility(
            queueURL: transcribeQueueURL, receiptHandle: record.receiptHandle, timeout: seconds)
    }

    func transcribe(_ key: StorageKey, index: Int, context: LambdaContext, logger: Logger) throws {
        let s3 = pipeline.services.s3
        guard let item = try pipeline.jobs.item(userID: key.userID, jobID: key.jobID, with: [.chunkStarts]),
            let job = Job(item: item)
        else {
            logger.info("the job is gone; chunk \(index) is removed")
            try s3.deleteObject(bucket: pipeline.bucket, key: key.path)
            return
        }
        guard job.status == .transcribing else {
            logger.info("chunk \(index) is not needed: the job is \(job.status.rawValue)")
            return
        }
        let segmentsKey = StorageKey.chunkSegments(key.userID, key.jobID, chunk: index)
        if try s3.objectListed(bucket: pipeline.bucket, key: segmentsKey.path) {
            logger.info("chunk \(index) was transcribed before")
            return
        }
        let starts = JobStore.chunkStarts(item)
        guard index < starts.count else {
            throw StageFailure.transient("unknown_chunk", "Chunk \(index) is not in the job's plan yet.")
        }
        let offset = starts[index]
        let directory = try pipeline.temporaryDirectory()
        defer { pipeline.removeTemporary(directory) }
        let path = "\(directory)/\(key.file)"
        try s3.getObject(bucket: pipeline.bucket, key: key.path, toFile: path)
        let started = Timestamp.now()
        // Leave time to write the result before Lambda's own deadline.
        let deadline = context.deadline.adding(seconds: -10)
        let chunk = try engine.transcribe(path, language: job.options.language, deadline: deadline)
        let seconds = Double(Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch) / 1000
        var shifted = chunk.shifted(by: offset)
        shifted.jobId = job.id
        try s3.putObject(
            bucket: pipeline.bucket, key: segmentsKey.path, body: .bytes(try JSON.encode(shifted)),
            contentType: "application/json")
        guard try pipeline.keepOrDiscard(userID: key.userID, jobID: key.jobID, wrote: [segmentsKey]) else {
            logger.info("the job was deleted during transcription; chunk \(index)'s segments are removed")
            return
        }
        var metrics = MetricsLogger(namespace: "Transcriptor", dimensions: [("Engine", engine.name)])
        metrics.put("TranscribeDuration", seconds * 1000, unit: .milliseconds)
        if chunk.durationSec > 0 { metrics.put("RealTimeFactor", seconds / chunk.durationSec, unit: .none) }
        metrics.flush()
        logger.info(
            "chunk transcribed",
            [
                ("chunk", String(index)), ("audioSec", String(chunk.durationSec)), ("seconds", String(seconds)),
                ("engine", engine.name),
            ])
    }
}
