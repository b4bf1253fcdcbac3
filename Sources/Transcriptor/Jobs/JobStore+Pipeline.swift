import Cloud
import Runtime

/// The job's state machine as the pipeline drives it. Every transition is a conditional write
/// (the job must still exist and be in the expected state), so a repeated or late event changes
/// nothing, a deleted job stays deleted, and a job is finished (done or failed) exactly once,
/// releasing its place among the jobs in flight and metering its usage in the same transaction.
extension JobStore {
    /// The GSI partition of jobs in flight, sorted by their stage's deadline.
    static let deadlinePartition = "DEADLINE"

    static func deadlineAttributes(_ deadline: Timestamp, userID: String, jobID: String) -> Item {
        ["gsi1pk": .s(deadlinePartition), "gsi1sk": .s("\(deadline.iso8601)#\(userID)#\(jobID)")]
    }

    /// When a job in `status` should have moved on.
    static func stageDeadline(
        for status: Job.Status, sourceType: String, durationSec: Double?, now: Timestamp, uploadLifetime: Int64
    ) -> Timestamp {
        switch status {
        case .queued where sourceType == "upload":
            // The URL's lifetime and a grace period for an upload that started just before it expired.
            return now.adding(seconds: uploadLifetime + 15 * 60)
        case .queued, .fetching, .transcoding:
            return now.adding(seconds: 2 * 3600)
        case .transcribing:
            return now.adding(seconds: 3600 + Int64((durationSec ?? 0) * 3))
        case .finalizing, .done, .failed:
            return now.adding(seconds: 3600)
        }
    }

    /// What a stage reads of a job's item besides `Job.attributes`: each stage's role may read its
    /// own only (template.yaml).
    public enum StageAttribute: String, Sendable {
        /// The chunks transcribed (`JobRecord.doneChunks`): transcode and persist.
        case doneChunks
        /// The chunk plan (`JobRecord.chunkStarts`): transcribe.
        case chunkStarts
        /// Why the last attempt failed: the failures stage.
        case lastAttemptError
        /// The stage's deadline (`JobRecord.isOverdue(now:)`): the sweep.
        case gsi1sk
    }

    /// A job as a stage reads it: the job, and what of the stage's own attributes it asked for.
    public struct JobRecord: Sendable {
        public var job: Job
        /// The chunks counted as transcribed (read with `.doneChunks`).
        public var doneChunks: Set<Int>
        /// Where each chunk starts in the whole recording, in seconds (read with `.chunkStarts`).
        public var chunkStarts: [Double]
        /// Why the last attempt of a stage failed (read with `.lastAttemptError`).
        public var lastAttemptError: String?
        /// When the job's stage should have ended (read with `.gsi1sk`).
        public var deadline: Timestamp?

        init?(_ item: Item) {
            guard let job = Job(item: item) else { return nil }
            self.job = job
            if case .ns(let numbers) = item["doneChunks"] {
                doneChunks = Set(numbers.compactMap { Int($0) })
            } else {
                doneChunks = []
            }
            if case .l(let list) = item["chunkStarts"] {
                chunkStarts = list.compactMap { $0.numberValue.flatMap(Double.init) }
            } else {
                chunkStarts = []
            }
            lastAttemptError = item.string("lastAttemptError")
            // The index key is `{deadline}#{user}#{job}`; the index may lag behind the table, so the
            // sweep checks the item's own.
            deadline = item.string("gsi1sk").flatMap { key in
                key.firstIndex(of: "#").flatMap { Timestamp(iso8601: String(key[..<$0])) }
            }
        }

        /// The job as its lifecycle sees it.
        public var state: Lifecycle.State {
            Lifecycle.State(
                status: job.status, chunksTotal: job.progress.chunksTotal, chunksDone: job.progress.chunksDone,
                doneChunks: doneChunks, speakersPending: job.speakersState == .pending)
        }

        /// Whether the job's stage deadline has passed.
        public func isOverdue(now: Timestamp) -> Bool { deadline.map { $0 < now } ?? false }
    }

    /// A job as a stage reads it, by projection: what `Job(item:)` reads and `extra`, the stage's
    /// own (by default the chunks done, which the transcode stage reads). Nil when it is gone.
    public func record(
        userID: String, jobID: String, with extra: [StageAttribute] = [.doneChunks]
    ) throws
        -> JobRecord?
    {
        try item(userID: userID, jobID: jobID, with: extra).flatMap(JobRecord.init)
    }

    /// The stored item of a job, read by projection (see `record`).
    public func item(userID: String, jobID: String, with extra: [StageAttribute] = [.doneChunks]) throws -> Item? {
        let projection = Projection(Job.attributes + extra.map(\.rawValue))
        return try db.getItem(
            table: table, key: Keys.owned(userID, Keys.job(jobID)), consistentRead: true,
            projection: projection.expression, names: projection.names)
    }

    /// Applies `event` when the job's lifecycle moves the job on it (`Lifecycle.on`), with the new
    /// state's deadline. The write holds only while the job is in the state decided on; when it
    /// moved meanwhile, the event is decided again on the state it is in.
    /// - Returns: the job after the move; nil when the lifecycle does not move it (gone, past or
    ///   not yet at the event's stage).
    public func advance(
        userID: String, jobID: String, on event: Lifecycle.Event, now: Timestamp = .now()
    ) throws
        -> Job?
    {
        try advance(userID: userID, jobID: jobID, on: event, set: [:], now: now)
    }

    /// Moves a job from transcoding to transcribing with its chunk plan (`starts`: where each chunk
    /// starts, in seconds), admitting it to the month's quota in the same transaction (`together`).
    /// - Returns: the job after the move; nil when it moved on.
    /// - Throws: `AdmissionRaced` when the admission's condition failed (nothing is written).
    public func beginTranscription(
        userID: String, jobID: String, chunkStarts starts: [Double], durationSec: Double,
        together: DynamoDBClient.TransactWrite, now: Timestamp = .now()
    ) throws -> Job? {
        try advance(
            userID: userID, jobID: jobID, on: .transcoded(chunks: starts.count),
            set: [
                "chunksTotal": .number(starts.count), "chunksDone": .number(0), "durationSec": .n(String(durationSec)),
                "chunkStarts": .l(starts.map { AttributeValue.n(String($0)) }),
            ], remove: ["doneChunks", "lastAttemptError"], durationSec: durationSec, together: together, now: now)
    }

    func advance(
        userID: String, jobID: String, on event: Lifecycle.Event, set extra: Item, remove: [String] = [],
        durationSec: Double? = nil, together: DynamoDBClient.TransactWrite? = nil, now: Timestamp
    ) throws -> Job? {
        // Each failed write means the job moved on; its states are finite, so this ends.
        for _ in 0..<Job.Status.allCases.count + 1 {
            let needsChunks: Bool
            if case .chunkDone = event { needsChunks = true } else { needsChunks = false }
            guard let current = try item(userID: userID, jobID: jobID, with: needsChunks ? [.doneChunks] : []),
                let record = JobRecord(current)
            else { return nil }
            guard case .move(let to) = Lifecycle.on(event, in: record.state) else { return nil }
            let job = record.job
            var assignments: Item = extra
            assignments["status"] = .s(to.rawValue)
            assignments["updatedAt"] = .s(now.iso8601)
            let deadline = Self.stageDeadline(
                for: to, sourceType: job.source.type, durationSec: durationSec ?? job.durationSec, now: now,
                uploadLifetime: uploadLifetime)
            for (name, value) in Self.deadlineAttributes(deadline, userID: userID, jobID: jobID) {
                assignments[name] = value
            }
            var update = AttributeUpdate(set: assignments, remove: remove)
            update.names["#status"] = "status"
            update.values[":from0"] = .s(job.status.rawValue)
            let key = Keys.owned(userID, Keys.job(jobID))
            let condition = "attribute_exists(pk) AND #status = :from0"
            var written: Item?
            do {
                if let together {
                    do {
                        try db.transactWriteItems([
                            .update(
                                table: table, key: key, update: update.expression, condition: condition,
                                names: update.names, values: update.values),
                            together,
                        ])
                    } catch let error as AWSError where error.code == "TransactionCanceledException" {
                        let failed = error.cancelledConditions
                        if failed.count > 1, failed[1] { throw AdmissionRaced() }
                        continue  // the job moved on: decide again
                    }
                } else {
                    written = try db.updateItem(
                        table: table, key: key, update: update.expression, condition: condition, names: update.names,
                        values: update.values, returnValues: .updatedNew)
                }
            } catch let error as AWSError where error.isConditionFailure {
                continue  // moved on (or deleted) between the read and the write: decide again
            }
            // The job as this write left it: the item read, with what the write set (UPDATED_NEW: a
            // stage's role may not have the whole item returned) and without what it removed.
            var after = current
            for (name, value) in written ?? assignments { after[name] = value }
            for name in remove { after[name] = nil }
            return Job(item: after)
        }
        return nil
    }

    public enum ChunkMark: Equatable {
        /// Counted now; the job after.
        case counted(Job)
        /// Counted before (a repeated event); the job as it is.
        case repeated(Job)
        /// The job is gone or no longer transcribing.
        case ignored
    }

    /// Records chunk `index` as transcribed, once: the set of done chunks holds each index once.
    public func markChunkDone(userID: String, jobID: String, index: Int, now: Timestamp = .now()) throws -> ChunkMark {
        let counted: Item?
        do {
            counted = try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)),
                update: "ADD chunksDone :one, doneChunks :index SET updatedAt = :now",
                // What the lifecycle counts: a chunk of the plan, not counted yet, while transcribing.
                condition:
                    "attribute_exists(pk) AND #status = :transcribing AND chunksTotal > :number AND NOT contains(doneChunks, :number)",
                names: ["#status": "status"],
                values: [
                    ":one": .number(1), ":index": .ns([String(index)]), ":number": .number(index),
                    ":transcribing": .s(Job.Status.transcribing.rawValue), ":now": .s(now.iso8601),
                ], returnValues: .updatedNew)
        } catch let error as AWSError where error.isConditionFailure {
            guard let record = try record(userID: userID, jobID: jobID, with: [.doneChunks]) else { return .ignored }
            let repeated = Lifecycle.on(.chunkDone(index), in: record.state) == .ignore(.repeated)
            return repeated ? .repeated(record.job) : .ignored
        }
        // The job after the count (UPDATED_NEW returns only what the write set: a stage's role may
        // not have the whole item returned), with the count as this write made it, so that of two
        // chunks counted at once only the last one sees them all done.
        guard var after = try item(userID: userID, jobID: jobID, with: []) else { return .ignored }
        if let count = counted?["chunksDone"] { after["chunksDone"] = count }
        return Job(item: after).map(ChunkMark.counted) ?? .ignored
    }

    /// Records the speakers of a transcribing job as settled, once: `found`, or given up with the
    /// owner's `reason`. Answers like `markChunkDone`, with the job as this write left it, so that
    /// of the last chunk and the speakers settled at once, at least one sees both done.
    public func settleSpeakers(
        userID: String, jobID: String, found: Bool, reason: String? = nil, now: Timestamp = .now()
    ) throws -> ChunkMark {
        var set: Item = [
            "speakersState": .s((found ? Job.SpeakersState.done : .unavailable).rawValue), "updatedAt": .s(now.iso8601),
        ]
        if !found, let reason { set["speakersMessage"] = .s(String(reason.prefix(500))) }
        var update = AttributeUpdate(set: set, remove: [])
        update.names["#status"] = "status"
        update.values[":transcribing"] = .s(Job.Status.transcribing.rawValue)
        update.values[":pending"] = .s(Job.SpeakersState.pending.rawValue)
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)), update: update.expression,
                condition: "attribute_exists(pk) AND #status = :transcribing AND speakersState = :pending",
                names: update.names, values: update.values)
        } catch let error as AWSError where error.isConditionFailure {
            guard let record = try record(userID: userID, jobID: jobID, with: []) else { return .ignored }
            return Lifecycle.on(.speakersSettled, in: record.state) == .ignore(.repeated)
                ? .repeated(record.job) : .ignored
        }
        // Read after the write: a chunk counted meanwhile shows.
        return try record(userID: userID, jobID: jobID, with: []).map { .counted($0.job) } ?? .ignored
    }

    /// Finishes a finalizing job as done: releases its place in flight and meters its audio for
    /// the month, all in one transaction that holds only while it is still finalizing.
    /// - Returns: false when it was finished already (or deleted).
    public func complete(
        userID: String, jobID: String, language: String, audioSeconds: Double, period: UsagePeriod,
        now: Timestamp = .now()
    )
        throws -> Bool
    {
        do {
            try db.transactWriteItems([
                .update(
                    table: table, key: Keys.owned(userID, Keys.job(jobID)),
                    update: "SET #status = :done, updatedAt = :now, #language = :language REMOVE gsi1pk, gsi1sk",
                    condition: "attribute_exists(pk) AND #status = :finalizing",
                    names: ["#status": "status", "#language": "language"],
                    values: [
                        ":done": .s(Job.Status.done.rawValue), ":finalizing": .s(Job.Status.finalizing.rawValue),
                        ":now": .s(now.iso8601), ":language": .s(language),
                    ]),
                .update(
                    table: table, key: Keys.owned(userID, Keys.profile), update: "ADD jobsInFlight :minus",
                    condition: "attribute_exists(pk)", values: [":minus": .number(-1)]),
                .update(
                    table: table, key: Keys.owned(userID, Keys.usage(period.key)),
                    update: "ADD audioSeconds :seconds, jobs :one",
                    values: [":seconds": .n(String((audioSeconds * 1000).rounded() / 1000)), ":one": .number(1)]),
            ])
            return true
        } catch let error as AWSError where error.code == "TransactionCanceledException" {
            return false
        }
    }

    /// Another admission to the month's quota was made between this one's check and its write.
    public struct AdmissionRaced: Error {}

    /// The month's metered audio and its admission count (`quotaVersion`, moved by every job
    /// admitted to transcription), read together.
    public func quotaState(userID: String, month: String) throws -> (usedSeconds: Double, version: Int64) {
        let projection = Projection(["audioSeconds", "quotaVersion"])
        let item = try db.getItem(
            table: table, key: Keys.owned(userID, Keys.usage(month)), consistentRead: true,
            projection: projection.expression, names: projection.names)
        return (item?.double("audioSeconds") ?? 0, item?.int("quotaVersion") ?? 0)
    }

    /// The write that admits a job to the month's quota: it moves the admission count on, on
    /// condition that it is still `version`, so two admissions decided on the same state cannot
    /// both be written (the later one checks again).
    public func admission(userID: String, month: String, version: Int64) -> DynamoDBClient.TransactWrite {
        .update(
            table: table, key: Keys.owned(userID, Keys.usage(month)), update: "SET quotaVersion = :next",
            condition: version == 0 ? "attribute_not_exists(quotaVersion)" : "quotaVersion = :version",
            values: version == 0
                ? [":next": .number(1)] : [":next": .number(version + 1), ":version": .number(version)])
    }

    /// The audio of the user's jobs past transcoding but not metered yet (transcribing or
    /// finalizing), other than `jobID`: what the month's quota will be charged when they finish.
    public func admittedSeconds(userID: String, excluding jobID: String) throws -> Double {
        var total = 0.0
        var start: Item?
        let projection = Projection(["jobId", "durationSec", "status"])
        repeat {
            let page = try db.query(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :job)",
                filter: "#p2 IN (:transcribing, :finalizing)", names: projection.names,
                values: [
                    ":pk": .s(Keys.user(userID)), ":job": .s(Keys.job("")),
                    ":transcribing": .s(Job.Status.transcribing.rawValue),
                    ":finalizing": .s(Job.Status.finalizing.rawValue),
                ],
                exclusiveStartKey: start, projection: projection.expression, consistentRead: true)
            for item in page.items where item.string("jobId") != jobID {
                total += item.double("durationSec") ?? 0
            }
            start = page.lastEvaluatedKey
        } while start != nil
        return total
    }

    /// Fails a job that is not finished yet, with a reason a person can read.
    /// - Returns: the failed job; nil when it was finished already or is gone.
    @discardableResult
    public func fail(
        userID: String, jobID: String, code: String, message: String, now: Timestamp = .now()
    ) throws
        -> Job?
    {
        for _ in 0..<3 {
            guard let current = try item(userID: userID, jobID: jobID, with: []), let job = Job(item: current),
                case .move(to: .failed) = Lifecycle.on(.failed, in: Lifecycle.State(status: job.status))
            else { return nil }
            do {
                try db.transactWriteItems([
                    .update(
                        table: table, key: Keys.owned(userID, Keys.job(jobID)),
                        update:
                            "SET #status = :failed, updatedAt = :now, errorCode = :code, errorMessage = :message REMOVE gsi1pk, gsi1sk",
                        condition: "attribute_exists(pk) AND #status = :was", names: ["#status": "status"],
                        values: [
                            ":failed": .s(Job.Status.failed.rawValue), ":was": .s(job.status.rawValue),
                            ":now": .s(now.iso8601), ":code": .s(code), ":message": .s(message),
                        ]),
                    .update(
                        table: table, key: Keys.owned(userID, Keys.profile), update: "ADD jobsInFlight :minus",
                        condition: "attribute_exists(pk)", values: [":minus": .number(-1)]),
                ])
                return try self.job(userID: userID, jobID: jobID)
            } catch let error as AWSError where error.code == "TransactionCanceledException" {
                continue
            }
        }
        return nil
    }

    /// Takes one of a job's `limit` re-drives: a stage's event handed back to the stage after
    /// Lambda's own retries ran out on crashes or timeouts. A re-drive is counted before it is made,
    /// so repeated failure records cannot exceed the limit.
    /// - Returns: the number of re-drives taken, this one included; nil when they are used up or the
    ///   job is finished or gone.
    public func claimRedrive(userID: String, jobID: String, limit: Int, now: Timestamp = .now()) throws -> Int? {
        do {
            let after = try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)),
                update: "SET redrives = if_not_exists(redrives, :zero) + :one, updatedAt = :now",
                condition:
                    "attribute_exists(pk) AND NOT #status IN (:done, :failed) AND (attribute_not_exists(redrives) OR redrives < :limit)",
                names: ["#status": "status"],
                values: [
                    ":zero": .number(0), ":one": .number(1), ":limit": .number(limit), ":now": .s(now.iso8601),
                    ":done": .s(Job.Status.done.rawValue), ":failed": .s(Job.Status.failed.rawValue),
                ],
                returnValues: .updatedNew)
            return after?.int("redrives").map(Int.init)
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
    }

    /// Jobs whose stage deadline passed before `now` (user id, job id: the sweep's role may read no
    /// more of the index).
    public func overdue(now: Timestamp = .now(), limit: Int = 100) throws -> [(userID: String, jobID: String)] {
        let projection = Projection(["userId", "jobId"])
        let page = try db.query(
            table: table, index: "gsi1", keyCondition: "gsi1pk = :p AND gsi1sk < :now", names: projection.names,
            values: [":p": .s(Self.deadlinePartition), ":now": .s(now.iso8601)], limit: limit,
            projection: projection.expression)
        return page.items.compactMap { item in
            guard let userID = item.string("userId"), let jobID = item.string("jobId") else { return nil }
            return (userID, jobID)
        }
    }

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
