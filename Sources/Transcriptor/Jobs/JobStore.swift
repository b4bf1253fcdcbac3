import Cloud
import Runtime

/// Jobs in the single table, under their owner's partition (`USER#{id}`, `JOB#{id}`), so every
/// read names the caller: another user's job id is simply not found.
public struct JobStore {
    let db: DynamoDBClient
    let table: String
    let s3: S3Client
    let bucket: String
    /// The deployment's caps on every plan's limits.
    let limits: ServiceSettings.Limits
    let plans: PlanCatalog
    /// How long an upload URL works, which bounds how long a job may wait for its file.
    let uploadLifetime: Int64

    /// Idempotency records are kept a day, as payment APIs do.
    public static let idempotencyLifetime: Int64 = 24 * 3600

    public init(
        db: DynamoDBClient, table: String, s3: S3Client, bucket: String, limits: ServiceSettings.Limits,
        plans: PlanCatalog,
        uploadLifetime: Int64
    ) {
        self.db = db
        self.table = table
        self.s3 = s3
        self.bucket = bucket
        self.limits = limits
        self.plans = plans
        self.uploadLifetime = uploadLifetime
    }

    /// The job, read by projection (`Job.attributes`): the pipeline's roles may read no more.
    public func job(userID: String, jobID: String) throws -> Job? {
        guard Identifiers.isWellFormed(jobID, prefix: "job") else { return nil }
        let projection = Projection(Job.attributes)
        return try db.getItem(
            table: table, key: Keys.owned(userID, Keys.job(jobID)), consistentRead: true,
            projection: projection.expression, names: projection.names
        ).flatMap(Job.init(item:))
    }

    // MARK: Creating

    public enum Created {
        case new(Job)
        /// A repeat of an earlier request with the same `Idempotency-Key` and body.
        case repeated(Job)
    }

    /// Records a new job (status `queued`), counting it among the user's jobs in flight.
    /// - Throws: `JobError.quotaExceeded` over the month's quota, `.tooManyJobs` with too many jobs
    ///   in flight, `.idempotencyKeyReused` when the key was used for a different request.
    public func create(
        _ request: JobRequest.Checked, user: UserRecord, idempotencyKey: String?, logger: Logger,
        now: Timestamp = .now()
    ) throws -> Created {
        try create(request, user: user, idempotencyKey: idempotencyKey, now: now, mayRecount: true, logger: logger)
    }

    private func create(
        _ request: JobRequest.Checked, user: UserRecord, idempotencyKey: String?, now: Timestamp, mayRecount: Bool,
        logger: Logger
    ) throws -> Created {
        let userID = user.user.id
        let fingerprint = Digest.sha256Hex(JobRequest.fingerprint(request))
        let idempotencyItemKey = idempotencyKey.map { Keys.owned(userID, Keys.idempotency(Digest.sha256Hex($0))) }
        if let idempotencyItemKey,
            let earlier = try repeated(idempotencyItemKey, fingerprint: fingerprint, userID: userID)
        {
            return .repeated(earlier)
        }
        let period = user.usagePeriod(plans: plans, now: now)
        let usage = try AccountStore.usage(userID, period: period, db: db, table: table)
        // The limits of the account's plan; a plan with overage charges past its minutes instead.
        let plan = plans.planOrDefault(user.plan)
        let limits = limits.capped(by: plan)
        // Overage is charged through the subscription's billing period: without one, none.
        let overage = plan.allowsOverage && period.isBillingPeriod
        guard overage || usage.audioSeconds < Double(limits.monthlyAudioMinutes * 60) else {
            throw JobError.quotaExceeded(monthlyMinutes: limits.monthlyAudioMinutes, renewal: period.renewal)
        }
        let jobID = Identifiers.job(at: now)
        let created = now.iso8601
        var item = Keys.owned(userID, Keys.job(jobID))
        item["jobId"] = .s(jobID)
        item["userId"] = .s(userID)
        item["title"] = .s(request.title)
        item["titleSearch"] = .s(request.title.lowercased())
        item["filename"] = .s(request.filename)
        item["status"] = .s(Job.Status.queued.rawValue)
        item["optionLanguage"] = .s(request.language)
        if request.speakers {
            // Found beside transcription once the recording is converted (the diarize stage).
            item["optionSpeakers"] = .bool(true)
            item["speakersState"] = .s(Job.SpeakersState.pending.rawValue)
        }
        let vocabulary = Vocabulary.merged(request.vocabulary, glossary: user.vocabulary)
        if !vocabulary.isEmpty { item["optionVocabulary"] = .l(vocabulary.map(AttributeValue.s)) }
        if request.translate { item["optionTask"] = .s("translate") }
        if !request.tags.isEmpty {
            item["tags"] = .l(request.tags.map(AttributeValue.s))
            item["tagsSearch"] = .l(request.tags.map { .s($0.lowercased()) })
        }
        item["chunksDone"] = .number(0)
        item["chunksTotal"] = .number(0)
        item["createdAt"] = .s(created)
        item["updatedAt"] = .s(created)
        if let webhookURL = request.webhookURL { item["webhookUrl"] = .s(webhookURL) }
        switch request.kind {
        case .url(let url):
            item["sourceType"] = .s("url")
            item["sourceUrl"] = .s(url)
        case .upload(_, let contentType, let size):
            item["sourceType"] = .s("upload")
            item["uploadContentType"] = .s(contentType)
            item["uploadSize"] = .number(size)
            let expires = now.adding(seconds: uploadLifetime)
            item["uploadExpiresAt"] = .s(expires.iso8601)
        }
        // Every job in flight has a deadline for its current stage; the sweep fails the ones
        // that pass it (an upload that never arrived, a stage that stopped).
        let deadline = Self.stageDeadline(
            for: .queued, sourceType: item.string("sourceType") ?? "url", durationSec: nil, now: now,
            uploadLifetime: uploadLifetime)
        for (name, value) in Self.deadlineAttributes(deadline, userID: userID, jobID: jobID) { item[name] = value }
        var writes: [DynamoDBClient.TransactWrite] = [
            .put(table: table, item: item, condition: "attribute_not_exists(pk)"),
            .update(
                table: table, key: Keys.owned(userID, Keys.profile), update: "ADD jobsInFlight :one",
                condition: "attribute_exists(pk) AND (attribute_not_exists(jobsInFlight) OR jobsInFlight < :max)",
                values: [":one": .number(1), ":max": .number(limits.jobsInFlight)]),
        ]
        if let idempotencyItemKey {
            var record = idempotencyItemKey
            record["jobId"] = .s(jobID)
            record["fingerprint"] = .s(fingerprint)
            record["expiresAt"] = .number(now.secondsSinceEpoch + Self.idempotencyLifetime)
            writes.append(.put(table: table, item: record, condition: "attribute_not_exists(pk)"))
        }
        do {
            try db.transactWriteItems(writes)
        } catch let error as AWSError where error.code == "TransactionCanceledException" {
            let failed = error.cancelledConditions
            if failed.count > 2, failed[2], let idempotencyItemKey,
                let earlier = try repeated(idempotencyItemKey, fingerprint: fingerprint, userID: userID)
            {
                // The same request, sent twice at once: the other one made the job.
                return .repeated(earlier)
            }
            if failed.count > 1, failed[1] {
                // The count is kept in step with the jobs by every transition; should it ever run
                // ahead of them, the user would be locked out, so it is checked here, where it matters.
                if mayRecount, try recountJobsInFlight(userID: userID, logger: logger) {
                    return try create(
                        request, user: user, idempotencyKey: idempotencyKey, now: now, mayRecount: false,
                        logger: logger)
                }
                throw JobError.tooManyJobs(limit: limits.jobsInFlight)
            }
            throw error
        }
        return .new(Job(item: item)!)
    }

    /// Counts the user's jobs that are not finished and, when the profile's `jobsInFlight` counts
    /// more, sets it to that number (only if it has not changed meanwhile).
    /// - Returns: whether the count was corrected.
    func recountJobsInFlight(userID: String, logger: Logger) throws -> Bool {
        guard let profile = try db.getItem(table: table, key: Keys.owned(userID, Keys.profile), consistentRead: true),
            let counted = profile.int("jobsInFlight")
        else { return false }
        var running: Int64 = 0
        var start: Item?
        repeat {
            let page = try db.query(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :job)",
                filter: "NOT #status IN (:done, :failed)", names: ["#status": "status"],
                values: [
                    ":pk": .s(Keys.user(userID)), ":job": .s(Keys.job("")),
                    ":done": .s(Job.Status.done.rawValue), ":failed": .s(Job.Status.failed.rawValue),
                ],
                exclusiveStartKey: start, projection: "#status", consistentRead: true)
            running += Int64(page.count)
            start = page.lastEvaluatedKey
        } while start != nil
        guard running < counted else { return false }
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile), update: "SET jobsInFlight = :running",
                condition: "jobsInFlight = :counted",
                values: [":running": .number(running), ":counted": .number(counted)])
        } catch let error as AWSError where error.isConditionFailure {
            return false  // a job started or ended meanwhile: the next attempt counts again
        }
        logger.warn(
            "the count of jobs in flight was ahead of the jobs; corrected",
            [("userId", userID), ("counted", String(counted)), ("running", String(running))])
        return true
    }

    /// The job an earlier request with this idempotency key made, when the body is the same.
    private func repeated(_ key: Item, fingerprint: String, userID: String) throws -> Job? {
        guard let record = try db.getItem(table: table, key: key, consistentRead: true) else { return nil }
        guard record.string("fingerprint") == fingerprint else {
            throw JobError.idempotencyKeyReused
        }
        if let jobID = record.string("jobId"), let job = try job(userID: userID, jobID: jobID) { return job }
        // The job it made was deleted since: the key is free again.
        try db.deleteItem(table: table, key: key)
        return nil
    }

    /// Takes back a job that could not be started (its fetch message could not be sent).
    public func withdraw(_ job: Job) throws {
        try db.transactWriteItems([
            .delete(table: table, key: Keys.owned(job.userID, Keys.job(job.id))),
            .update(
                table: table, key: Keys.owned(job.userID, Keys.profile), update: "ADD jobsInFlight :minus",
                condition: "attribute_exists(pk)", values: [":minus": .number(-1)]),
        ])
    }

    // MARK: Listing

    public struct Page: Encodable, Sendable {
        public var jobs: [Job]
        public var nextCursor: String?

        enum CodingKeys: String, CodingKey { case jobs, nextCursor }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(jobs, forKey: .jobs)
            if let nextCursor {
                try c.encode(nextCursor, forKey: .nextCursor)
            } else {
                try c.encodeNil(forKey: .nextCursor)
            }
        }
    }

    /// The user's jobs, newest first, `limit` at a time; `search` matches titles case-insensitively,
    /// `tag` one of the job's tags, ignoring case.
    /// - Parameter cursor: `nextCursor` of the previous page (a job id the caller saw; it only
    ///   ever positions a query of the caller's own partition).
    public func list(userID: String, limit: Int, cursor: String?, search: String?, tag: String? = nil) throws -> Page {
        var start: Item?
        if let cursor {
            guard let bytes = Base64.decode(cursor), let jobID = String(validating: bytes, as: UTF8.self),
                Identifiers.isWellFormed(jobID, prefix: "job")
            else { throw JobError.invalidCursor }
            start = Keys.owned(userID, Keys.job(jobID))
        }
        var values: Item = [":pk": .s(Keys.user(userID)), ":prefix": .s(Keys.jobPrefix)]
        var filters: [String] = []
        if let search, !search.isEmpty {
            filters.append("contains(titleSearch, :q)")
            values[":q"] = .s(search.lowercased())
        }
        if let tag, !tag.isEmpty {
            filters.append("contains(tagsSearch, :tag)")
            values[":tag"] = .s(tag.lowercased())
        }
        let filter = filters.isEmpty ? nil : filters.joined(separator: " AND ")
        var found: [Job] = []
        // A filtered query may read many items per match: stop after 20 pages and let the caller go on.
        for _ in 0..<20 {
            let page = try db.query(
                table: table, keyCondition: "pk = :pk AND begins_with(sk, :prefix)", filter: filter, values: values,
                exclusiveStartKey: start, scanForward: false, limit: 100, consistentRead: true)
            for item in page.items {
                guard let job = Job(item: item) else { continue }
                if found.count == limit {
                    return Page(jobs: found, nextCursor: Self.cursor(found.last!.id))
                }
                found.append(job)
            }
            guard let next = page.lastEvaluatedKey else { return Page(jobs: found, nextCursor: nil) }
            start = next
        }
        let resume = start?.string("sk").map { String($0.dropFirst(Keys.jobPrefix.count)) }
        return Page(jobs: found, nextCursor: found.last.map { Self.cursor($0.id) } ?? resume.map(Self.cursor))
    }

    static func cursor(_ jobID: String) -> String { Base64.encode(Array(jobID.utf8), urlSafe: true) }

    // MARK: Changing

    /// Gives a job a new title, new tags, or both; nil when the user has no such job.
    public func updateDetails(
        userID: String, jobID: String, title: String?, tags: [String]?, now: Timestamp = .now()
    ) throws -> Job? {
        guard Identifiers.isWellFormed(jobID, prefix: "job") else { return nil }
        var sets = ["updatedAt = :now"]
        var values: Item = [":now": .s(now.iso8601)]
        if let title {
            sets += ["title = :t", "titleSearch = :s"]
            values[":t"] = .s(title)
            values[":s"] = .s(title.lowercased())
        }
        if let tags {
            sets += ["tags = :tags", "tagsSearch = :tagsSearch"]
            values[":tags"] = .l(tags.map(AttributeValue.s))
            values[":tagsSearch"] = .l(tags.map { .s($0.lowercased()) })
        }
        do {
            let item = try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)), update: "SET " + sets.joined(separator: ", "),
                condition: "attribute_exists(pk)", values: values, returnValues: .allNew)
            return item.flatMap(Job.init(item:))
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
    }

    /// Names the speakers of a finished job (speaker id → name), each name on its own, so that two
    /// renames at once of different speakers both hold.
    /// - Returns: every name after the change and the transcript's new version; nil when the job is
    ///   gone or not done.
    public func nameSpeakers(
        userID: String, jobID: String, _ names: [String: String], now: Timestamp = .now()
    )
        throws -> (names: [String: String], version: Int)?
    {
        let key = Keys.owned(userID, Keys.job(jobID))
        let done: Item = [":done": .s(Job.Status.done.rawValue), ":now": .s(now.iso8601)]
        do {
            try db.updateItem(
                table: table, key: key, update: "SET speakerNames = if_not_exists(speakerNames, :none)",
                condition: "attribute_exists(pk) AND #status = :done", names: ["#status": "status"],
                values: done.filter { $0.key == ":done" }.merging([":none": .m([:])]) { $1 })
            // A rename is a change of the transcript: its version moves on (1 before any change).
            var sets: [String] = [
                "updatedAt = :now", "transcriptVersion = if_not_exists(transcriptVersion, :one) + :one",
            ]
            var attributeNames = ["#status": "status"]
            var values = done
            values[":one"] = .number(1)
            for (index, (id, name)) in names.sorted(by: { $0.key < $1.key }).enumerated() {
                attributeNames["#s\(index)"] = id
                values[":n\(index)"] = .s(name)
                sets.append("speakerNames.#s\(index) = :n\(index)")
            }
            let item = try db.updateItem(
                table: table, key: key, update: "SET " + sets.joined(separator: ", "),
                condition: "attribute_exists(pk) AND #status = :done", names: attributeNames, values: values,
                returnValues: .allNew)
            let version = Int(item?.int("transcriptVersion") ?? 1)
            guard case .m(let all)? = item?["speakerNames"] else { return (names, version) }
            return (all.compactMapValues { $0.stringValue }, version)
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
    }

    /// Deletes a job: its record at once (a stage still running for it finds it gone and drops
    /// its output), its place among the jobs in flight, then every object it has in the bucket.
    /// - Returns: false when the user has no such job.
    public func delete(userID: String, jobID: String) throws -> Bool {
        for _ in 0..<5 {
            guard let job = try job(userID: userID, jobID: jobID) else { return false }
            var writes: [DynamoDBClient.TransactWrite] = [
                .delete(
                    table: table, key: Keys.owned(userID, Keys.job(jobID)), condition: "#status = :status",
                    names: ["#status": "status"], values: [":status": .s(job.status.rawValue)])
            ]
            if !job.status.isFinal {
                writes.append(
                    .update(
                        table: table, key: Keys.owned(userID, Keys.profile), update: "ADD jobsInFlight :minus",
                        condition: "attribute_exists(pk)", values: [":minus": .number(-1)]))
            }
            do {
                try db.transactWriteItems(writes)
            } catch let error as AWSError where error.code == "TransactionCanceledException" {
                // The status moved on under us (a stage finished): read it again.
                continue
            }
            for prefix in StorageKey.jobPrefixes(userID, jobID) {
                _ = try s3.deletePrefix(bucket: bucket, prefix: prefix)
            }
            // Its links stopped working with the job (they find no job); their items go too, or
            // expire by themselves if this fails.
            try? deleteShares(userID: userID, jobID: jobID)
            return true
        }
        throw JobError.busy
    }
}
