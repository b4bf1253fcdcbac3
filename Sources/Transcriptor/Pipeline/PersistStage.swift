import Cloud
import Runtime

/// The persist stage (ObjectCreated on `segments/`): counts the chunk as done, once. The
/// invocation whose chunk completes the set merges every chunk's segments in order into the
/// transcript (`json`, `txt`, `srt`, `vtt` under `transcripts/`), marks the job done while
/// metering its audio for the month (one transaction, so usage is counted once), and sends the
/// webhook. A repeated event finds its chunk counted and changes nothing; if the job was left
/// finalizing by a crash, it finishes it.
public struct PersistFunction: LambdaHandler {
    let pipeline: Pipeline
    let runner: StageRunner

    public init() throws {
        pipeline = try .fromEnvironment()
        runner = StageRunner(stage: "persist", pipeline: pipeline)
    }

    public func handle(_ event: S3Event, context: LambdaContext) throws -> NoOutput {
        try runner.eachStageObject(event, kind: .segments, context: context) { key, work in try persist(key, work) }
        return NoOutput()
    }

    func persist(_ key: StorageKey, _ work: StageRunner.Work) throws {
        let jobs = pipeline.jobs
        let logger = work.logger
        guard let index = key.chunkIndex else {
            logger.warn("a segments event for a key that names no chunk was ignored")
            return
        }
        let job: Job
        switch try jobs.markChunkDone(userID: key.userID, jobID: key.jobID, index: index) {
        case .counted(let after):
            job = after
        case .repeated(let current):
            job = current
            logger.info("chunk \(index) was counted before")
        case .ignored:
            if try jobs.job(userID: key.userID, jobID: key.jobID) == nil {
                logger.info("the job is gone; chunk \(index)'s segments are removed")
                try pipeline.services.s3.deleteObject(bucket: pipeline.bucket, key: key.path)
            }
            return
        }
        // Decided on the job as this count left it: of chunks counted at once, only the invocation
        // whose count completed the set goes on; a repeat finds a job left finalizing by a crash,
        // and finishes it.
        let state = Lifecycle.State(
            status: job.status, chunksTotal: job.progress.chunksTotal, chunksDone: job.progress.chunksDone)
        guard case .move = Lifecycle.on(.finalizeStarted, in: state),
            let claimed = try jobs.advance(userID: key.userID, jobID: key.jobID, on: .finalizeStarted)
        else { return }
        try finalize(claimed, work)
    }

    /// Merges the chunks into the transcript and finishes the job.
    func finalize(_ job: Job, _ work: StageRunner.Work) throws {
        let logger = work.logger
        let s3 = pipeline.services.s3
        var chunks: [Transcript] = []
        for index in 0..<job.progress.chunksTotal {
            let object = try s3.getObject(
                bucket: pipeline.bucket, key: StorageKey.chunkSegments(job.userID, job.id, chunk: index).path)
            chunks.append(try JSON.decode(Transcript.self, from: object.body))
        }
        let duration = job.durationSec ?? chunks.map(\.durationSec).reduce(0, +)
        let transcript = Transcript.merging(chunks, jobId: job.id, durationSec: duration)
        let formatter = SubtitleFormatter()
        let outputs: [(String, String, [UInt8])] = [
            ("json", "application/json", try JSON.encode(transcript)),
            ("txt", "text/plain; charset=utf-8", Array((transcript.text + "\n").utf8)),
            ("srt", "application/x-subrip", Array(formatter.srt(transcript).utf8)),
            ("vtt", "text/vtt; charset=utf-8", Array(formatter.vtt(transcript).utf8)),
        ]
        var written: [StorageKey] = []
        for (format, type, bytes) in outputs {
            let key = StorageKey.transcript(job.userID, job.id, format: format)
            try s3.putObject(bucket: pipeline.bucket, key: key.path, body: .bytes(bytes), contentType: type)
            written.append(key)
        }
        guard try pipeline.keepOrDiscard(userID: job.userID, jobID: job.id, wrote: written) else {
            logger.info("the job was deleted while it was finalized; the transcript is removed")
            return
        }
        let language =
            transcript.language.isEmpty
            ? (job.options.language == "auto" ? "" : job.options.language) : transcript.language
        guard try pipeline.jobs.complete(userID: job.userID, jobID: job.id, language: language, audioSeconds: duration)
        else {
            logger.info("the job was finished by another invocation")
            return
        }
        var metrics: MetricsLogger = logger.metrics(namespace: Pipeline.metricsNamespace)
        metrics.put("JobsCompleted", 1)
        metrics.put("AudioSecondsTranscribed", duration, unit: .seconds)
        if let created = Timestamp(iso8601: job.createdAt) {
            metrics.put(
                "TimeToTranscript", Double(Timestamp.now().millisecondsSinceEpoch - created.millisecondsSinceEpoch),
                unit: .milliseconds)
        }
        metrics.flush()
        logger.info("job done", [("durationSec", String(duration)), ("segments", String(transcript.segments.count))])
        if let done = try pipeline.jobs.job(userID: job.userID, jobID: job.id) {
            pipeline.notify(done, type: "job.completed", logger: logger)
        }
    }
}
