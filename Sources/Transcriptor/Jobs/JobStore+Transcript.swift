import Cloud
import Runtime

/// A finished job's transcript as its owner changes it: the machine's original stays where persist
/// wrote it (`transcripts/…/transcript.json`), each edited version is a new object
/// (`transcripts/…/edit-{revision}.json`), and the job item holds the version number and which
/// object is current, changed only by a conditional write on the version the change started
/// from, so that of two changes made at once one wins and the other is told (412).
extension JobStore {
    /// Where a finished job's transcript is.
    public struct TranscriptState: Sendable, Equatable {
        /// 1 as the machine wrote it; one more with every change.
        public var version: Int
        /// The current edited version's revision; nil while the original is current.
        public var revision: String?
        /// The names the owner gave the speakers.
        public var speakerNames: [String: String]
    }

    /// A change started from a version that is no longer current.
    public struct StaleVersion: Error, Equatable, Sendable {
        public var current: Int
    }

    /// The transcript's state; nil when the user has no such job.
    public func transcriptState(userID: String, jobID: String) throws -> TranscriptState? {
        guard Identifiers.isWellFormed(jobID, prefix: "job"),
            let item = try db.getItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)), consistentRead: true,
                projection: "jobId, transcriptVersion, transcriptEdit, speakerNames")
        else { return nil }
        var names: [String: String] = [:]
        if case .m(let given)? = item["speakerNames"] { names = given.compactMapValues { $0.stringValue } }
        return TranscriptState(
            version: Int(item.int("transcriptVersion") ?? 1), revision: item.string("transcriptEdit"),
            speakerNames: names)
    }

    /// The transcript as stored: the original, or the edited version `revision`.
    /// - Throws: `AWSError` `NoSuchKey` when the object is gone (past the retention).
    public func storedTranscript(userID: String, jobID: String, revision: String?) throws -> Transcript {
        let key =
            revision.map { StorageKey.transcriptEdit(userID, jobID, revision: $0) }
            ?? StorageKey.transcript(userID, jobID, format: "json")
        return try JSON.decode(Transcript.self, from: try s3.getObject(bucket: bucket, key: key.path).body)
    }

    /// Makes `transcript` the current version of a finished job's transcript, if the current
    /// version is still `expected`: stored as a new object, then named by the job item.
    /// - Returns: the new version; nil when the job is gone or not done.
    /// - Throws: `StaleVersion` when another change came first.
    public func saveTranscript(
        userID: String, jobID: String, expected: TranscriptState, _ transcript: Transcript, now: Timestamp
    ) throws -> Int? {
        var stored = transcript
        stored.version = nil
        let revision = Hex.encode(RandomBytes.generate(count: 16))
        let key = StorageKey.transcriptEdit(userID, jobID, revision: revision).path
        do {
            _ = try s3.putObject(
                bucket: bucket, key: key, bytes: try JSON.encode(stored), contentType: "application/json",
                ifNoneMatch: true)
        } catch let error as AWSError where error.code == "PreconditionFailed" {
            // The key is new and ours: a retried PUT whose first attempt landed.
        }
        // Named by nobody when another change came first or the job went (not after any other
        // failure: the write may have landed).
        do {
            guard
                let version = try pointTranscript(
                    userID: userID, jobID: jobID, expected: expected, at: revision, now: now)
            else {
                try? s3.deleteObject(bucket: bucket, key: key)
                return nil
            }
            return version
        } catch let stale as StaleVersion {
            try? s3.deleteObject(bucket: bucket, key: key)
            throw stale
        }
    }

    /// Makes the edited version `revision` current, or the original again when it is nil, if the
    /// current version is still `expected`; the version it replaces is deleted.
    /// - Returns: the new version; nil when the job is gone or not done.
    /// - Throws: `StaleVersion` when another change came first.
    public func pointTranscript(
        userID: String, jobID: String, expected: TranscriptState, at revision: String?, now: Timestamp
    ) throws -> Int? {
        var values: Item = [
            ":done": .s(Job.Status.done.rawValue), ":v": .number(Int64(expected.version)),
            ":next": .number(Int64(expected.version + 1)), ":now": .s(now.iso8601),
        ]
        var update = "SET transcriptVersion = :next, updatedAt = :now"
        if let revision {
            update += ", transcriptEdit = :r"
            values[":r"] = .s(revision)
        } else {
            update += " REMOVE transcriptEdit"
        }
        // The original's version is 1 before anything was ever changed (no attribute yet).
        let unchanged =
            expected.version == 1
            ? "(attribute_not_exists(transcriptVersion) OR transcriptVersion = :v)" : "transcriptVersion = :v"
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.job(jobID)), update: update,
                condition: "attribute_exists(pk) AND #status = :done AND \(unchanged)", names: ["#status": "status"],
                values: values)
        } catch let error as AWSError where error.isConditionFailure {
            guard let current = try transcriptState(userID: userID, jobID: jobID) else { return nil }
            // A retried update whose first attempt landed finds its own change: done, not stale.
            guard current.version == expected.version + 1, current.revision == revision, revision != nil else {
                throw StaleVersion(current: current.version)
            }
        }
        // The version it replaced is read by nobody from now on (a reader that had just looked the
        // revision up reads the state again when the object is gone).
        if let old = expected.revision {
            try? s3.deleteObject(bucket: bucket, key: StorageKey.transcriptEdit(userID, jobID, revision: old).path)
        }
        return expected.version + 1
    }
}
