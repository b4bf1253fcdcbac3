import Cloud
import Runtime

/// The message that hands a job's whole recording to the diarize stage through the diarize queue:
/// sent by the transcode stage, beside the chunks, for a job that asked for speakers; read by the
/// diarize stage, and by the failures stage when the queue gives up on it.
public struct DiarizeMessage: Codable, Sendable, Equatable {
    /// Always `diarize`: tells these dead letters from the other queues' in the failures queue.
    public var stage: String
    public var userId: String
    public var jobId: String

    public init(userID: String, jobID: String) {
        stage = "diarize"
        userId = userID
        jobId = jobID
    }

    /// The message in a queue's body, or nil when it is not one.
    public init?(body: String) {
        guard let message = try? JSON.decode(DiarizeMessage.self, from: body), message.stage == "diarize",
            Identifiers.areWellFormed(userID: message.userId, jobID: message.jobId)
        else { return nil }
        self = message
    }
}

/// What the diarize stage leaves for persist (`segments/…/speakers.json`): the turns it found, or
/// why there are none. Speakers that cannot be found never fail a job whose words are fine: it
/// finishes without them and says why (`warnings`).
public struct SpeakersResult: Codable, Sendable, Equatable {
    public var turns: [SpeakerTurn]?
    /// Why the speakers could not be found, for the owner.
    public var unavailable: String?

    public init(turns: [SpeakerTurn]) { self.turns = turns }
    public init(unavailable: String) { self.unavailable = unavailable }
}

extension Pipeline {
    /// Hands a job's whole recording to the diarize stage.
    public func announceDiarization(userID: String, jobID: String) throws {
        guard let diarizeQueueURL = services.settings.diarizeQueueURL else {
            throw ServiceSettings.Invalid(description: "the setting DIARIZE_QUEUE_URL is missing")
        }
        _ = try services.sqs().sendMessage(
            queueURL: diarizeQueueURL, body: try JSON.encodeString(DiarizeMessage(userID: userID, jobID: jobID)))
    }

    /// Stores the speakers of a job, found or given up, for persist to count. False when the job
    /// was deleted meanwhile (what was written is removed).
    @discardableResult
    public func storeSpeakers(_ result: SpeakersResult, userID: String, jobID: String) throws -> Bool {
        let key = StorageKey.speakers(userID, jobID)
        try services.s3.putObject(
            bucket: bucket, key: key.path, body: .bytes(try JSON.encode(result)), contentType: "application/json")
        return try keepOrDiscard(userID: userID, jobID: jobID, wrote: [key])
    }
}

/// The diarize stage (the diarize queue, one job a message): finds who speaks when in the whole
/// recording (`audio/…/recording.wav`), beside the transcription of its chunks, so that speakers
/// are the same people from the first chunk to the last, and stores the turns for persist, which
/// gives each word its speaker. The engine's worker stays loaded while the instance is warm.
///
/// A passing failure (a crashed worker, storage trouble) is received again from the queue; when the
/// queue gives up, or the engine cannot read the audio, the speakers are given up (`unavailable`)
/// and the job finishes with its words and a warning.
public final class DiarizeFunction: LambdaHandler {
    let pipeline: Pipeline
    let runner: StageRunner
    let engine: any SpeakerEngine

    public init(engine: any SpeakerEngine) throws {
        pipeline = try .fromEnvironment()
        runner = StageRunner(
            stage: "diarize", pipeline: pipeline, retryReason: "The speakers could not be found; retrying.")
        self.engine = engine
    }

    public func handle(_ event: SQSEvent, context: LambdaContext) throws -> SQSBatchResponse {
        runner.eachMessageKeepingJobs(
            event, context: context, decode: DiarizeMessage.init(body:), job: { ($0.userId, $0.jobId) }
        ) { message, work in
            try diarize(message, work)
        }
    }

    func diarize(_ message: DiarizeMessage, _ work: StageRunner.Work) throws {
        let s3 = pipeline.services.s3
        let logger = work.logger
        let recording = StorageKey.recording(message.userId, message.jobId)
        guard let record = try pipeline.jobs.record(userID: message.userId, jobID: message.jobId, with: []) else {
            logger.info("the job is gone; its recording is removed")
            try s3.deleteObject(bucket: pipeline.bucket, key: recording.path)
            return
        }
        guard record.state.speakersPending, record.job.status == .transcribing else {
            logger.info("the speakers are not needed: the job is \(record.job.status.rawValue)")
            return
        }
        if try s3.objectListed(bucket: pipeline.bucket, key: StorageKey.speakers(message.userId, message.jobId).path) {
            logger.info("the speakers were found before")
            return
        }
        let path = "\(try work.scratch())/\(recording.file)"
        try s3.getObject(bucket: pipeline.bucket, key: recording.path, toFile: path)
        let started = Timestamp.now()
        let result = try findSpeakers(in: path, until: work.deadline.adding(seconds: -10), logger: logger)
        let seconds = Double(Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch) / 1000
        guard try pipeline.storeSpeakers(result, userID: message.userId, jobID: message.jobId) else {
            logger.info("the job was deleted while its speakers were found; they are removed")
            return
        }
        let speakers = Set((result.turns ?? []).map(\.speaker)).count
        work.metrics.put("DiarizeDuration", seconds * 1000, unit: .milliseconds)
        if let duration = record.job.durationSec, duration > 0 {
            work.metrics.put("DiarizeRealTimeFactor", seconds / duration, unit: .none)
        }
        logger.info(
            "speakers found",
            [
                ("speakers", String(speakers)), ("turns", String(result.turns?.count ?? 0)),
                ("seconds", String(seconds)), ("engine", engine.name),
            ])
    }

    /// The speakers of the recording at `path`; given up (`unavailable`) when the engine cannot
    /// read it. Other failures are thrown, for another attempt.
    func findSpeakers(in path: String, until deadline: Timestamp, logger: Logger) throws -> SpeakersResult {
        let turns: [SpeakerTurn]
        do {
            turns = try engine.speakers(in: path, deadline: deadline)
        } catch {
            guard error.isPermanent else { throw error }
            logger.warn("the speakers are given up: \(error)")
            return SpeakersResult(unavailable: "The speakers could not be told apart: \(error)")
        }
        return SpeakersResult(turns: turns)
    }
}
