import Cloud
import Runtime

/// The persist stage (ObjectCreated on `segments/`): counts the chunk, or the speakers of a job
/// that asked for them, as done, once. The invocation whose count completes the job (every chunk,
/// and the speakers settled, in either order) merges every chunk's segments in order into the
/// transcript, gives each word its speaker, writes it (`json`, `txt`, `srt`, `vtt` under
/// `transcripts/`), marks the job done while metering its audio for the month (one transaction,
/// so usage is counted once), and sends the webhook. A repeated event finds its count made and
/// changes nothing; if the job was left finalizing by a crash, it finishes it.
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
        let what: String
        let mark: JobStore.ChunkMark
        if key.isSpeakers {
            what = "the speakers"
            let object = try pipeline.services.s3.getObject(bucket: pipeline.bucket, key: key.path)
            let result = try JSON.decode(SpeakersResult.self, from: object.body)
            mark = try jobs.settleSpeakers(
                userID: key.userID, jobID: key.jobID, found: result.turns != nil, reason: result.unavailable)
        } else if let index = key.chunkIndex {
            what = "chunk \(index)"
            mark = try jobs.markChunkDone(userID: key.userID, jobID: key.jobID, index: index)
        } else {
            logger.warn("a segments event for a key that names no chunk was ignored")
            return
        }
        let job: Job
        switch mark {
        case .counted(let after):
            job = after
        case .repeated(let current):
            job = current
            logger.info("\(what) was counted before")
        case .ignored:
            if try jobs.job(userID: key.userID, jobID: key.jobID) == nil {
                logger.info("the job is gone; \(what) is removed")
                try pipeline.services.s3.deleteObject(bucket: pipeline.bucket, key: key.path)
            }
            return
        }
        // Decided on the job as this count left it: of counts made at once, only an invocation
        // whose count completed the set goes on; a repeat finds a job left finalizing by a crash,
        // and finishes it.
        let state = Lifecycle.State(
            status: job.status, chunksTotal: job.progress.chunksTotal, chunksDone: job.progress.chunksDone,
            speakersPending: job.speakersState == .pending)
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
        var transcript = Transcript.merging(chunks, jobId: job.id, durationSec: duration)
        if job.speakersState == .done {
            let object = try s3.getObject(
                bucket: pipeline.bucket, key: StorageKey.speakers(job.userID, job.id).path)
            let result = try JSON.decode(SpeakersResult.self, from: object.body)
            transcript = transcript.attributing(result.turns ?? [])
        }
        var written: [StorageKey] = []
        for format in TranscriptFormat.allCases {
            let key = StorageKey.transcript(job.userID, job.id, format: format.rawValue)
            try s3.putObject(
                bucket: pipeline.bucket, key: key.path, body: .bytes(try format.render(transcript)),
                contentType: format.contentType)
            written.append(key)
        }
        guard try pipeline.keepOrDiscard(userID: job.userID, jobID: job.id, wrote: written) else {
            logger.info("the job was deleted while it was finalized; the transcript is removed")
            return
        }
        let language =
            transcript.language.isEmpty
            ? (job.options.language == "auto" ? "" : job.options.language) : transcript.language
        // Metered where the owner's minutes count now: the month, or a paid plan's billing period.
        let period = try pipeline.services.accounts.planAndUsagePeriod(
            userID: job.userID, plans: pipeline.services.settings.plans
        ).period
        guard
            try pipeline.jobs.complete(
                userID: job.userID, jobID: job.id, language: language, audioSeconds: duration, period: period)
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
