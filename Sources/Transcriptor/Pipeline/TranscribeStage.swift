import Cloud
import Runtime

/// The transcribe stage (the transcribe queue, one chunk a message, as many at once as the
/// event-source mapping's maximum concurrency): runs the configured engine on the chunk and writes
/// its segments, with times offset to the chunk's place in the whole file, to
/// `segments/…/chunk-NNNN.json` (which the persist stage counts). The engine (and its worker
/// process) stays loaded while the function instance is warm; the function's executable chooses
/// it (`Speech`'s `SpeechEngines`) and hands it here.
///
/// A chunk that fails for a passing reason is reported back to the queue, to be received again
/// after a backoff (30 s, doubling with each receive) instead of the queue's long visibility
/// timeout; after four receives the queue gives it to the failures stage. A bad chunk fails the job.
public final class TranscribeFunction: LambdaHandler {
    let pipeline: Pipeline
    let runner: StageRunner
    let engine: any SpeechEngine

    public init(engine: any SpeechEngine) throws {
        pipeline = try .fromEnvironment()
        runner = StageRunner(stage: "transcribe", pipeline: pipeline)
        self.engine = engine
    }

    public func handle(_ event: SQSEvent, context: LambdaContext) throws -> SQSBatchResponse {
        runner.eachStageMessage(
            event, context: context, decode: ChunkMessage.init(body:), job: { ($0.userId, $0.jobId) },
            retrying: backOff
        ) { message, work in
            try transcribe(message.audioKey, index: message.chunk, work)
        }
    }

    /// Hides a message that failed for 30 s, doubling with each receive (at most 15 minutes); if
    /// that cannot be set, the queue's visibility timeout applies.
    func backOff(_ record: SQSEvent.Message) {
        guard let transcribeQueueURL = pipeline.services.settings.transcribeQueueURL else { return }
        let seconds = min(900, 30 << min(max(record.approximateReceiveCount - 1, 0), 5))
        try? pipeline.services.sqs().changeMessageVisibility(
            queueURL: transcribeQueueURL, receiptHandle: record.receiptHandle, timeout: seconds)
    }

    func transcribe(_ key: StorageKey, index: Int, _ work: StageRunner.Work) throws {
        let s3 = pipeline.services.s3
        let logger = work.logger
        guard let record = try pipeline.jobs.record(userID: key.userID, jobID: key.jobID, with: [.chunkStarts]) else {
            logger.info("the job is gone; chunk \(index) is removed")
            try s3.deleteObject(bucket: pipeline.bucket, key: key.path)
            return
        }
        let job = record.job
        guard job.status == .transcribing else {
            logger.info("chunk \(index) is not needed: the job is \(job.status.rawValue)")
            return
        }
        let segmentsKey = StorageKey.chunkSegments(key.userID, key.jobID, chunk: index)
        if try s3.objectListed(bucket: pipeline.bucket, key: segmentsKey.path) {
            logger.info("chunk \(index) was transcribed before")
            return
        }
        let starts = record.chunkStarts
        guard index < starts.count else {
            throw StageFailure.transient("unknown_chunk", "Chunk \(index) is not in the job's plan yet.")
        }
        let offset = starts[index]
        let path = "\(try work.scratch())/\(key.file)"
        try s3.getObject(bucket: pipeline.bucket, key: key.path, toFile: path)
        let started = Timestamp.now()
        // Leave time to write the result before Lambda's own deadline.
        let deadline = work.deadline.adding(seconds: -10)
        let chunk = try engine.transcribe(
            path,
            options: SpeechOptions(
                language: job.options.language, vocabulary: job.options.vocabulary,
                translate: job.options.task == "translate"),
            deadline: deadline)
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
        var metrics: MetricsLogger = logger.metrics(
            namespace: Pipeline.metricsNamespace, dimensions: [("Engine", engine.name)])
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
