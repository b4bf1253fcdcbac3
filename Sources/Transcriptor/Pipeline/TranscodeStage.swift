import Cloud
import Runtime

/// The transcode stage (ObjectCreated on `uploads/`): probes the upload (not media, or no audio,
/// fails the job with that reason), converts it to 16 kHz mono speech audio and a browser-playable
/// rendition, splits long audio at silences into chunks, records the duration and chunk plan on
/// the job, then writes the chunks under `audio/` and hands each to the transcribe queue as it is
/// written (`ChunkMessage`).
///
/// The limits hold on what decodes, not on what the file's header claims (a Matroska Duration, an
/// MP3's Xing frame count, an Ogg granule position can say anything): conversion stops just past
/// the longest accepted length (`too_long`), and the month's quota is checked against the decoded
/// length before any chunk is written (`quota_exceeded`); that length is what is metered. Every
/// tool's time limit ends before the invocation's, so a slow tool is killed and its scratch files
/// removed while the stage still runs.
///
/// A repeated event is harmless: a job past transcoding is left alone, except that when some of
/// its chunks never got written (a crash half-way), the missing ones are written again, and the
/// ones written but not transcribed are announced again.
public struct TranscodeFunction: LambdaHandler {
    let pipeline: Pipeline
    let runner: StageRunner
    /// Audio longer than this is split (`CHUNK_SECONDS`, default 5 minutes).
    let chunkSeconds: Double
    /// The longest any one tool may run, when the invocation has that much time left.
    let toolTimeout: Int64 = 1800
    let tools = MediaTools.fromEnvironment()

    public init() throws {
        pipeline = try .fromEnvironment()
        runner = StageRunner(stage: "transcode", pipeline: pipeline)
        chunkSeconds = Environment.get("CHUNK_SECONDS").flatMap(Double.init).flatMap { $0 >= 5 ? $0 : nil } ?? 300
    }

    /// Lambda retries an event that fails for a passing reason, then hands it to the failures stage.
    public func handle(_ event: S3Event, context: LambdaContext) throws -> NoOutput {
        try runner.eachStageObject(event, kind: .upload, context: context) { key, work in try transcode(key, work) }
        return NoOutput()
    }

    func transcode(_ key: StorageKey, _ work: StageRunner.Work) throws {
        let jobs = pipeline.jobs
        let s3 = pipeline.services.s3
        let logger = work.logger
        let budget = TimeBudget(deadline: work.deadline)
        let record = try jobs.record(userID: key.userID, jobID: key.jobID)
        var missing: Set<Int>?
        var unannounced: [Int] = []
        // A job that asked for speakers gets its whole recording stored and announced to the
        // diarize stage, beside its chunks.
        let wantsSpeakers = record?.state.speakersPending ?? false
        let recordingKey = StorageKey.recording(key.userID, key.jobID)
        var needsRecording = wantsSpeakers
        switch Lifecycle.on(.uploadArrived, in: record?.state) {
        case .ignore(.gone):
            logger.info("the job is gone; its upload is removed")
            try s3.deleteObject(bucket: pipeline.bucket, key: key.path)
            return
        case .move:
            guard try jobs.advance(userID: key.userID, jobID: key.jobID, on: .uploadArrived) != nil else { return }
        case .resume:
            guard let record else { return }
            let total = record.job.progress.chunksTotal
            let present = try Set(
                s3.listAllObjects(bucket: pipeline.bucket, prefix: StorageKey.prefix(.audio, key.userID, key.jobID))
                    .compactMap { StorageKey($0.key)?.chunkIndex })
            let undone = Set(0..<total).subtracting(record.doneChunks)
            let absent = undone.subtracting(present)
            let rendered = try s3.objectListed(
                bucket: pipeline.bucket, key: StorageKey.rendition(key.userID, key.jobID).path)
            // Chunks stored but not transcribed yet may never have been announced (a stop between the
            // write and the message): they are announced again; a repeat is harmless.
            unannounced = undone.intersection(present).sorted()
            needsRecording = try wantsSpeakers && !s3.objectListed(bucket: pipeline.bucket, key: recordingKey.path)
            guard !absent.isEmpty || !rendered || needsRecording else {
                try pipeline.announceChunks(unannounced, userID: key.userID, jobID: key.jobID)
                if wantsSpeakers { try pipeline.announceDiarization(userID: key.userID, jobID: key.jobID) }
                logger.info("a repeated upload event: the job is transcoded already")
                return
            }
            logger.warn(
                "an earlier attempt stopped half-way; writing chunks \(absent.sorted()) and the rendition again")
            missing = absent
        case .ignore, .count, .settle, .remove:
            logger.info("a repeated upload event: the job is past transcoding")
            return
        }

        let directory = try work.scratch()
        let input = "\(directory)/source"
        try s3.getObject(bucket: pipeline.bucket, key: key.path, toFile: input)
        // The probe sorts out what is not media or has no audio; its duration is the header's
        // claim, so the length limit is left to the conversion.
        let info = try tools.probe(input, timeoutSeconds: budget.seconds(atMost: 120))
        // The limits of the owner's plan, read now: a plan changed since the job was made applies.
        let settings = pipeline.services.settings
        let (plan, period) = try pipeline.services.accounts.planAndUsagePeriod(
            userID: key.userID, plans: settings.plans)
        let limits = settings.limits.capped(by: plan)
        let wav = "\(directory)/audio.wav"
        let convertTimeout = try budget.seconds(atMost: toolTimeout)
        try afterProbe { () throws(MediaError) in
            try tools.convertToSpeechWAV(
                input: input, output: wav, maxSeconds: Double(limits.maxFileSeconds), timeoutSeconds: convertTimeout)
        }
        let duration = try MediaTools.wavDuration(wav)
        guard duration >= 0.1 else {
            throw StageFailure.permanent("no_audio", "The file has no audio to transcribe (it is silent or empty).")
        }
        if missing == nil { try requireQuota(for: duration, limits: limits, plan: plan, key: key, period: period) }
        var written: [StorageKey] = []
        var starts: [Double] = [0]
        if duration > chunkSeconds {
            let silences = try tools.silences(inWAV: wav, timeoutSeconds: budget.seconds(atMost: toolTimeout))
            starts = ChunkPlanner.plan(duration: duration, silences: silences, target: chunkSeconds)
        }
        let chunks = try WAVSplitter.split(wav, at: starts, into: directory)
        if missing == nil {
            // The plan goes on the job before any chunk exists: transcription reads its offset there.
            guard
                try startTranscription(
                    duration: duration, chunks: chunks, limits: limits, plan: plan, key: key, period: period)
            else {
                _ = try pipeline.keepOrDiscard(userID: key.userID, jobID: key.jobID, wrote: written)
                logger.info("the job moved on during transcoding; its output is dropped")
                return
            }
        }
        try pipeline.announceChunks(unannounced, userID: key.userID, jobID: key.jobID)
        if needsRecording {
            // First: finding the speakers of the whole recording takes longest.
            try s3.putObject(
                bucket: pipeline.bucket, key: recordingKey.path, body: .file(path: wav), contentType: "audio/wav")
            written.append(recordingKey)
        }
        if wantsSpeakers { try pipeline.announceDiarization(userID: key.userID, jobID: key.jobID) }
        // Each chunk goes to transcription as soon as it is stored.
        for chunk in chunks where missing?.contains(chunk.index) ?? true {
            let chunkKey = StorageKey.chunkAudio(key.userID, key.jobID, chunk: chunk.index)
            try s3.putObject(
                bucket: pipeline.bucket, key: chunkKey.path, body: .file(path: chunk.path), contentType: "audio/wav")
            written.append(chunkKey)
            try pipeline.announceChunks([chunk.index], userID: key.userID, jobID: key.jobID)
        }
        // The playable rendition comes after the chunks, so transcription starts without waiting
        // for it (the player asks for it only later; until then the media route answers 409).
        let renditionKey = StorageKey.rendition(key.userID, key.jobID)
        let needsRendition = try missing == nil || !s3.objectListed(bucket: pipeline.bucket, key: renditionKey.path)
        if needsRendition {
            let rendition = "\(directory)/audio.m4a"
            let renditionTimeout = try budget.seconds(atMost: toolTimeout)
            try afterProbe { () throws(MediaError) in
                // As long as the speech audio: no longer, whatever the header says.
                try tools.makeRendition(
                    input: input, output: rendition, sourceChannels: info.channels, maxSeconds: duration + 1,
                    timeoutSeconds: renditionTimeout)
            }
            try s3.putObject(
                bucket: pipeline.bucket, key: renditionKey.path, body: .file(path: rendition), contentType: "audio/mp4")
            written.append(renditionKey)
        }
        guard try pipeline.keepOrDiscard(userID: key.userID, jobID: key.jobID, wrote: written) else {
            logger.info("the job was deleted during transcoding; its output is removed")
            return
        }
        work.metrics.put("StageDuration", work.elapsedMilliseconds, unit: .milliseconds)
        work.metrics.put("AudioSeconds", duration, unit: .seconds)
        work.metrics.put("Chunks", Double(chunks.count))
        logger.info("transcoded", [("durationSec", String(duration)), ("chunks", String(chunks.count))])
    }

    /// Runs an ffmpeg step on a file ffprobe has already read. ffmpeg's exit status does not say
    /// whether the input or the tool failed, and the probe vouched for the input, so a failure here
    /// is retried (a crashed or killed ffmpeg, a full disk); a file that fails every attempt ends in
    /// the failures stage with ffmpeg's reason.
    func afterProbe(_ step: () throws(MediaError) -> Void) throws {
        do {
            try step()
        } catch .notMedia(let reason) {
            throw StageFailure.transient("media_tool_failed", "The file could not be converted (\(reason)).")
        }
    }

    /// Moves the job to transcribing with its chunk plan, admitting it to the month's quota in the
    /// same transaction: the quota is checked again on the state the admission is written against,
    /// so parallel transcodes of one user cannot each see the same room and all pass (a check that
    /// lost the race is made again, on the state the winner left). False when the job moved on.
    /// - Throws: `quota_exceeded` (permanent) when the recording does not fit.
    func startTranscription(
        duration: Double, chunks: [WAVSplitter.Chunk], limits: ServiceSettings.Limits, plan: Plan, key: StorageKey,
        period: UsagePeriod
    ) throws -> Bool {
        for _ in 0..<8 {
            let version = try requireQuota(for: duration, limits: limits, plan: plan, key: key, period: period)
            do {
                return try pipeline.jobs.beginTranscription(
                    userID: key.userID, jobID: key.jobID, chunkStarts: chunks.map(\.startSeconds),
                    durationSec: duration,
                    together: pipeline.jobs.admission(userID: key.userID, month: period.key, version: version)) != nil
            } catch is JobStore.AdmissionRaced {
                continue
            }
        }
        throw StageFailure.transient("quota_contended", "Too many of the account's jobs were admitted at once.")
    }

    /// Fails the job when its decoded length does not fit in what is left of the month's quota,
    /// counting the jobs still being transcribed, which are metered when they finish (creating
    /// the job checked only that some was left). Nothing is metered for a failed job.
    /// - Returns: the month's admission count the check was made on.
    @discardableResult
    func requireQuota(
        for seconds: Double, limits: ServiceSettings.Limits, plan: Plan, key: StorageKey, period: UsagePeriod
    ) throws -> Int64 {
        let (userID, jobID) = (key.userID, key.jobID)
        let allowed = Double(limits.monthlyAudioMinutes * 60)
        let (used, version) = try pipeline.jobs.quotaState(userID: userID, month: period.key)
        // Minutes past the plan's are charged on a plan with overage, not refused.
        if plan.allowsOverage && period.isBillingPeriod { return version }
        let admitted = try pipeline.jobs.admittedSeconds(userID: userID, excluding: jobID)
        guard used + admitted + seconds > allowed else { return version }
        let left = MediaError.spoken(max(0, allowed - used - admitted))
        throw StageFailure.permanent(
            "quota_exceeded",
            "The recording is \(MediaError.spoken(seconds)) long, more than the \(left) left of this period's "
                + "\(MediaError.spoken(allowed)) of audio\(admitted > 0 ? " (jobs in progress count too)" : ""); "
                + "more becomes available \(period.renewal).")
    }
}
