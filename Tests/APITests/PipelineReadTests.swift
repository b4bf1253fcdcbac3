import Cloud
import Foundation
import Runtime
import TestSupport
import Testing
import Transcriptor

/// What the pipeline's stores read and write of the table through the emulator: on AWS the
/// pipeline's roles allow a read only when it names the attributes the stage needs (a projection),
/// and an update only when it returns at most what it wrote (template.yaml, scripts/check-template.py),
/// so the stores must get what they need that way and nothing more.
@Suite final class PipelineReadTests {
    let api: APIHarness
    let session: APIHarness.Session
    let services: Services

    /// What `Job(item:)` reads (JOB_FIELDS of scripts/check-template.py), spelled out here so that a
    /// store reading more fails this suite.
    static let jobFields: Set<String> = [
        "jobId", "userId", "title", "filename", "status", "chunksDone", "chunksTotal", "sourceType", "sourceUrl",
        "optionLanguage", "webhookUrl", "durationSec", "language", "createdAt", "updatedAt", "errorCode",
        "errorMessage",
    ]

    init() throws {
        api = try APIHarness()
        session = try api.signup()
        services = try Services(
            settings: ServiceSettings(tableName: "transcriptor-local-Table", bucketName: api.bucket), aws: api.aws)
    }

    /// An upload job (its item holds what the pipeline must not read back: the title's search
    /// form, the upload's type, size and expiry, the keys).
    func uploadJob(webhook: String? = nil) throws -> String {
        var body: [String: Any] = [
            "title": "Board Meeting",
            "source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 1000]],
        ]
        if let webhook { body["webhook"] = ["url": webhook] }
        let created = try api.call(.post, "/v1/jobs", token: session.accessToken, json: body)
        #expect(created.status == 201, "\(created)")
        return try #require((created.json["job"] as? [String: Any])?["id"] as? String)
    }

    @Test func aStageReadsTheJobsAttributesAndItsOwnNotTheWholeItem() throws {
        let jobID = try uploadJob(webhook: "http://127.0.0.1:9/hook")
        let jobs = services.jobs
        let item = try #require(try jobs.item(userID: session.userID, jobID: jobID))
        #expect(Set(item.keys).subtracting(Self.jobFields).subtracting(["doneChunks"]).isEmpty, "\(item.keys.sorted())")
        #expect(item["titleSearch"] == nil && item["uploadContentType"] == nil && item["pk"] == nil)
        let job = try #require(Job(item: item))
        #expect(job.id == jobID && job.title == "Board Meeting" && job.webhook?.url == "http://127.0.0.1:9/hook")
        #expect(try jobs.job(userID: session.userID, jobID: jobID) == job)
    }

    @Test func theJobAfterAMoveOrACountIsTheStoredJob() throws {
        let jobID = try uploadJob()
        let jobs = services.jobs
        let userID = session.userID
        let fetching = try #require(try jobs.advance(userID: userID, jobID: jobID, on: .fetchStarted))
        #expect(fetching.status == .fetching)
        #expect(try jobs.job(userID: userID, jobID: jobID) == fetching)
        // Out of order: the lifecycle does not move a job that is not transcoding to transcribing.
        #expect(try jobs.advance(userID: userID, jobID: jobID, on: .transcoded(chunks: 2)) == nil)
        #expect(try jobs.job(userID: userID, jobID: jobID)?.status == .fetching)

        _ = try #require(try jobs.advance(userID: userID, jobID: jobID, on: .uploadArrived))
        let month = Keys.month(.now())
        let version = try jobs.quotaState(userID: userID, month: month).version
        let planned = try #require(
            try jobs.beginTranscription(
                userID: userID, jobID: jobID, chunkStarts: [0, 30], durationSec: 61.5,
                together: jobs.admission(userID: userID, month: month, version: version)))
        #expect(planned.progress.chunksTotal == 2 && planned.durationSec == 61.5)
        #expect(try jobs.job(userID: userID, jobID: jobID) == planned)
        #expect(try jobs.record(userID: userID, jobID: jobID, with: [.chunkStarts])?.chunkStarts == [0, 30])
        // A chunk outside the plan is not counted.
        #expect(try jobs.markChunkDone(userID: userID, jobID: jobID, index: 2) == .ignored)

        guard case .counted(let first) = try jobs.markChunkDone(userID: userID, jobID: jobID, index: 1) else {
            Issue.record("chunk 1 was not counted")
            return
        }
        #expect(first.progress.chunksDone == 1 && first.status == .transcribing)
        #expect(try jobs.markChunkDone(userID: userID, jobID: jobID, index: 1) == .repeated(first))
        guard case .counted(let second) = try jobs.markChunkDone(userID: userID, jobID: jobID, index: 0) else {
            Issue.record("chunk 0 was not counted")
            return
        }
        #expect(second.progress.chunksDone == 2)
        #expect(try jobs.job(userID: userID, jobID: jobID) == second)
    }

    @Test func theSweepFindsOverdueJobsByTheirIDsAlone() throws {
        let jobID = try uploadJob()
        let overdue = try services.jobs.overdue(now: Timestamp.now().adding(seconds: 10 * 24 * 3600), limit: 1000)
        #expect(overdue.contains { $0.userID == session.userID && $0.jobID == jobID })
    }

    @Test func webhooksAreSignedWithTheSecretReadAloneOfTheProfile() throws {
        let shown = try #require(
            try api.call(.get, "/v1/me", token: session.accessToken).json["webhookSecret"] as? String)
        #expect(try services.accounts.webhookSecret(userID: session.userID) == shown)
        #expect(try services.accounts.webhookSecret(userID: "usr_00000000000000000000000000") == nil)
    }
}
