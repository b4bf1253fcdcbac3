import Cloud
import Runtime

/// An error that says what it means for the job: permanent (the input's fault; the job fails at
/// once with the message) or worth another attempt. Errors that are not (storage, network) are
/// always worth another attempt, and their detail is logged, never shown to the owner.
public protocol StageFailureConvertible: Error {
    var stageFailure: StageFailure { get }
}

extension StageFailure: StageFailureConvertible {
    public var stageFailure: StageFailure { self }
}

extension MediaError: StageFailureConvertible {
    public var stageFailure: StageFailure {
        StageFailure(code: code, message: description, isPermanent: isPermanent)
    }
}

/// What every pipeline stage repeats, in one place: decoding its records, the job-tagged logger,
/// the scratch folder and its removal, the stage's metrics, and what a failure means.
///
/// - A permanent failure (`StageFailureConvertible`) fails the job at once with its reason and
///   tells the owner's webhook; the record is done.
/// - Anything else is noted on the job (`lastAttemptError`: the stage's own words, or a generic
///   line for an infrastructure error, whose detail is logged) and handed back for another attempt:
///   a queue's message is reported as a batch item failure, an S3 event's error is rethrown for
///   Lambda's retries. When they run out, the failures stage fails the job with the noted reason.
public struct StageRunner {
    /// The stage's name in logs, metrics (`Stage`) and failure codes.
    public let stage: String
    let pipeline: Pipeline
    /// What the owner reads when an attempt failed for a reason that is not the stage's own.
    let retryReason: String

    public init(stage: String, pipeline: Pipeline, retryReason: String? = nil) {
        self.stage = stage
        self.pipeline = pipeline
        self.retryReason = retryReason ?? "The \(stage) stage could not finish; retrying."
    }

    /// One job's work in one invocation.
    public final class Work {
        public let userID: String
        public let jobID: String
        public let logger: Logger
        /// The stage's metrics (dimension `Stage`), written when the work ends.
        public var metrics: MetricsLogger
        public let deadline: Timestamp
        let started = Timestamp.now()
        private var scratchFolder: String?
        private let pipeline: Pipeline

        init(
            userID: String, jobID: String, logger: Logger, metrics: MetricsLogger, deadline: Timestamp,
            pipeline: Pipeline
        ) {
            self.userID = userID
            self.jobID = jobID
            self.logger = logger
            self.metrics = metrics
            self.deadline = deadline
            self.pipeline = pipeline
        }

        /// The work's scratch folder, made on first use and removed when the work ends.
        public func scratch() throws -> String {
            if let scratchFolder { return scratchFolder }
            let made = try pipeline.temporaryDirectory()
            scratchFolder = made
            return made
        }

        /// Milliseconds since the work started.
        public var elapsedMilliseconds: Double {
            Double(Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch)
        }

        func endStageWork() {
            if let scratchFolder { pipeline.removeTemporary(scratchFolder) }
            scratchFolder = nil
            metrics.flush()
        }
    }

    /// Runs `body` for one job with the failure policy above.
    /// - Throws: what is worth another attempt (after noting it on the job).
    func runStageWork(userID: String, jobID: String, context: LambdaContext, _ body: (Work) throws -> Void) throws {
        try attemptStageWork(userID: userID, jobID: jobID, context: context) { work in
            do {
                try body(work)
            } catch let error as any StageFailureConvertible where error.stageFailure.isPermanent {
                pipeline.fail(userID: userID, jobID: jobID, error.stageFailure, stage: stage, logger: work.logger)
            }
        }
    }

    /// Runs `body` for one job: whatever it throws is noted on the job and thrown again, for another
    /// attempt (a stage whose failures never fail a job, like the diarize stage, uses it alone).
    func attemptStageWork(
        userID: String, jobID: String, context: LambdaContext, _ body: (Work) throws -> Void
    )
        throws
    {
        let logger = context.logger.job(userID, jobID)
        let work = Work(
            userID: userID, jobID: jobID, logger: logger,
            metrics: logger.metrics(namespace: Pipeline.metricsNamespace, dimensions: [("Stage", stage)]),
            deadline: context.deadline, pipeline: pipeline)
        defer { work.endStageWork() }
        do {
            try body(work)
        } catch {
            logger.warn("\(stage) will be tried again: \(error)")
            // What the owner reads if the retries run out: the stage's own words, never an
            // infrastructure error's detail (endpoints, addresses), which the line above logs.
            let reason = (error as? any StageFailureConvertible)?.stageFailure.message ?? retryReason
            do {
                try pipeline.jobs.noteAttemptFailure(userID: userID, jobID: jobID, reason: reason)
            } catch let noteError {
                logger.warn("could not note the attempt's failure: \(noteError)")
            }
            throw error
        }
    }

    /// A queue stage: runs `body` for each message `decode` understands (others are logged and
    /// dropped: no retry can make them readable).
    /// - Parameter retrying: called for a message handed back for another attempt (a backoff).
    /// - Returns: the messages to receive again.
    public func eachStageMessage<Message>(
        _ event: SQSEvent, context: LambdaContext, decode: (String) -> Message?,
        job: (Message) -> (userID: String, jobID: String), retrying: (SQSEvent.Message) -> Void = { _ in },
        _ body: (Message, Work) throws -> Void
    ) -> SQSBatchResponse {
        eachMessage(event, context: context, decode: decode, job: job, retrying: retrying) { message, ids in
            try runStageWork(userID: ids.userID, jobID: ids.jobID, context: context) { try body(message, $0) }
        }
    }

    /// `eachStageMessage` for a stage whose failures never fail a job: every failure is another
    /// attempt, and the stage decides itself what its last one means.
    public func eachMessageKeepingJobs<Message>(
        _ event: SQSEvent, context: LambdaContext, decode: (String) -> Message?,
        job: (Message) -> (userID: String, jobID: String), _ body: (Message, Work) throws -> Void
    ) -> SQSBatchResponse {
        eachMessage(event, context: context, decode: decode, job: job, retrying: { _ in }) { message, ids in
            try attemptStageWork(userID: ids.userID, jobID: ids.jobID, context: context) { try body(message, $0) }
        }
    }

    private func eachMessage<Message>(
        _ event: SQSEvent, context: LambdaContext, decode: (String) -> Message?,
        job: (Message) -> (userID: String, jobID: String), retrying: (SQSEvent.Message) -> Void,
        _ run: (Message, (userID: String, jobID: String)) throws -> Void
    ) -> SQSBatchResponse {
        // What an invocation cut short (a timeout, a crash) left in the scratch space goes first.
        pipeline.removeStaleTemporaries()
        var failures: [SQSBatchResponse.ItemFailure] = []
        for record in event.records {
            guard let message = decode(record.body) else {
                context.logger.error(
                    "a \(stage) message that names no job was dropped", [("messageId", record.messageId)])
                continue
            }
            do {
                try run(message, job(message))
            } catch {
                retrying(record)
                failures.append(.init(itemIdentifier: record.messageId))
            }
        }
        return SQSBatchResponse(batchItemFailures: failures)
    }

    /// An S3-triggered stage: runs `body` for each object created under `kind`'s keys.
    /// - Throws: the first error worth another attempt, for Lambda to retry the event.
    public func eachStageObject(
        _ event: S3Event, kind: StorageKey.Kind, context: LambdaContext, _ body: (StorageKey, Work) throws -> Void
    ) throws {
        pipeline.removeStaleTemporaries()
        for record in event.records where record.eventName.hasPrefix("ObjectCreated") {
            guard let key = StorageKey(record.s3.object.key), key.kind == kind else {
                context.logger.warn("a \(stage) event for a key outside \(kind.rawValue)/ was ignored")
                continue
            }
            try runStageWork(userID: key.userID, jobID: key.jobID, context: context) { try body(key, $0) }
        }
    }
}
