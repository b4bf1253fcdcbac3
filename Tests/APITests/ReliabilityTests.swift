import Cloud
import Foundation
import HTTP
import Runtime
import Speech
import TestSupport
import Testing

/// The pipeline under faults and load, with the emulator's timers compressed: handler processes
/// SIGKILLed at random, duplicated and delayed S3 events, S3 answering 503 now and then, ffmpeg
/// failing, the speech worker crashing mid-chunk, and the emulator itself killed and restarted in
/// the middle of a batch. Every job must end `done`, with one transcript and usage counted once.
@Suite(.serialized) struct ReliabilityTests {
    /// An ffmpeg whose first three runs fail (as a crashed or killed ffmpeg would); the rest work.
    static func flakyFFmpeg(in folder: String) throws -> String {
        let path = "\(folder)/ffmpeg"
        try """
        #!/bin/sh
        count=$(flock "\(folder)/lock" sh -c 'n=$(cat "\(folder)/count" 2>/dev/null || echo 0); echo $((n + 1)) > "\(folder)/count"; echo $n')
        if [ "$count" -lt 3 ]; then echo "ffmpeg: injected failure $count" >&2; exit 1; fi
        exec /usr/bin/ffmpeg "$@"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    struct Submitted {
        var session: APIHarness.Session
        var jobID: String
    }

    /// Uploads `file` as a new job of `session`'s user.
    static func upload(_ api: APIHarness, _ session: APIHarness.Session, _ file: String) throws -> String {
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "talk.wav", "contentType": "audio/wav", "size": size]]])
        guard created.status == 201, let url = (created.json["upload"] as? [String: Any])?["url"] as? String,
            let id = (created.json["job"] as? [String: Any])?["id"] as? String
        else { throw ServerError("job not created: \(created)") }
        var attempt = 0
        while true {
            // S3 may answer 503 (injected): a client retries, as SDKs do.
            let put = try HTTPClient().execute(
                HTTPRequest(.put, url: url, headers: [("Content-Type", "audio/wav")], body: .file(path: file)))
            if put.status == 200 { break }
            attempt += 1
            guard put.status == 503, attempt < 5 else { throw ServerError("upload failed: \(put.status)") }
        }
        return id
    }

    /// Waits for every job to finish; returns the final jobs.
    static func awaitAll(_ api: APIHarness, _ jobs: [Submitted], timeout: TimeInterval) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        var finished: [String: [String: Any]] = [:]
        while finished.count < jobs.count && Date() < deadline {
            for job in jobs where finished[job.jobID] == nil {
                let reply = try api.call(.get, "/v1/jobs/\(job.jobID)", token: job.session.accessToken)
                if let status = reply.json["status"] as? String, status == "done" || status == "failed" {
                    finished[job.jobID] = reply.json
                }
            }
            Thread.sleep(forTimeInterval: 0.3)
        }
        guard finished.count == jobs.count else {
            throw ServerError("\(jobs.count - finished.count) jobs did not finish in \(Int(timeout)) s")
        }
        return jobs.map { finished[$0.jobID]! }
    }

    /// Uploads one recording as `session`'s job and waits until it fails with `code`, a message that
    /// says `reason`, and nothing metered.
    static func expectFails(
        _ api: APIHarness, _ session: APIHarness.Session, code: String, saying reason: String
    ) throws {
        let job = Submitted(session: session, jobID: try upload(api, session, TestAudio.path("jfk.wav")))
        let result = try #require(try awaitAll(api, [job], timeout: 120).first)
        #expect(result["status"] as? String == "failed")
        let error = result["error"] as? [String: Any]
        #expect(error?["code"] as? String == code, "\(result)")
        #expect((error?["message"] as? String)?.contains(reason) == true, "\(result)")
        let me = try api.call(.get, "/v1/me", token: session.accessToken).json
        #expect((me["usage"] as? [String: Any])?["jobs"] as? Int == 0, "a failed job is not metered: \(me)")
    }

    /// Every job done, its transcript right, and each user's usage counted once per job.
    static func expectDoneAndCountedOnce(_ api: APIHarness, _ jobs: [Submitted], _ results: [[String: Any]]) throws {
        let reference =
            "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
        for (job, result) in zip(jobs, results) {
            #expect(result["status"] as? String == "done", "\(result)")
            let transcript = try api.call(.get, "/v1/jobs/\(job.jobID)/transcript", token: job.session.accessToken)
            let text = transcript.json["text"] as? String ?? ""
            #expect(WordErrorRate.measure(reference: reference, hypothesis: text).rate < 0.15, "\(text)")
        }
        for (userID, userJobs) in Dictionary(grouping: jobs, by: \.session.userID) {
            let usage =
                try api.call(.get, "/v1/me", token: userJobs[0].session.accessToken).json["usage"] as? [String: Any]
            #expect(usage?["jobs"] as? Int == userJobs.count, "\(userID): \(usage ?? [:])")
            let seconds = usage?["audioSeconds"] as? Double ?? 0
            #expect(abs(seconds - 11.0 * Double(userJobs.count)) < 0.5, "\(userID): \(seconds)")
        }
    }

    @Test func jobsCompleteDespiteKilledProcessesDuplicatedEventsAndFailingTools() throws {
        let folder = try PipelineMedia.folder()
        defer { PipelineMedia.remove(folder) }
        let api = try APIHarness(
            environment: [
                "TIME_SCALE": "0.01", "FAULT_KILL_RATE": "0.1",
                "FAULT_KILL_FUNCTIONS": "FetchFunction,TranscodeFunction,TranscribeFunction,PersistFunction",
                "FAULT_DUPLICATE_RATE": "0.3", "FAULT_S3_ERROR_RATE": "0.03",
            ],
            config:
                "FFMPEG=\(try Self.flakyFFmpeg(in: folder))\nWHISPER_WORKER_TEST_HOOKS=1\nWHISPER_WORKER_CRASH_RATE=0.1\n"
        )
        let users = try (0..<2).map { _ in try api.signup() }
        for user in users { try api.setPlan(user.email, "pro") }  // three jobs each at once
        var jobs: [Submitted] = []
        for index in 0..<6 {
            let session = users[index % users.count]
            jobs.append(Submitted(session: session, jobID: try Self.upload(api, session, TestAudio.path("jfk.wav"))))
        }
        // Links go through the fetch queue, whose batches may also be delivered twice.
        let recording = try Array(Data(contentsOf: URL(fileURLWithPath: TestAudio.path("jfk.wav"))))
        let server = try LoopbackHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Type", "audio/wav")], body: recording)
        }
        for index in 0..<2 {
            let session = users[index]
            let created = try api.call(
                .post, "/v1/jobs", token: session.accessToken,
                json: ["source": ["url": "\(server.baseURL)/talk-\(index).wav"]])
            let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String, "\(created)")
            jobs.append(Submitted(session: session, jobID: id))
        }
        let results = try Self.awaitAll(api, jobs, timeout: 240)
        try Self.expectDoneAndCountedOnce(api, jobs, results)
        let log = api.emulator.output
        #expect(log.contains("fault injection: SIGKILL") || log.contains("fault injection: "), "faults were injected")
    }

    @Test func aStageThatKeepsFailingIsReDrivenTwiceThenItsJobFailsWithTheReason() throws {
        let folder = try PipelineMedia.folder()
        defer { PipelineMedia.remove(folder) }
        let ffmpeg = "\(folder)/ffmpeg"
        try """
        #!/bin/sh
        flock "\(folder)/lock" sh -c 'echo run >> "\(folder)/runs"'
        echo "ffmpeg: injected failure" >&2
        exit 1
        """.write(toFile: ffmpeg, atomically: true, encoding: .utf8)
        chmod(ffmpeg, 0o755)
        let api = try APIHarness(environment: ["TIME_SCALE": "0.01"], config: "FFMPEG=\(ffmpeg)\n")
        try Self.expectFails(api, try api.signup(), code: "transcode_failed", saying: "could not be converted")
        // Three rounds (the first delivery and two re-drives), each of three attempts (Lambda's two
        // retries), each running ffmpeg at least once.
        let log = api.emulator.output
        #expect(log.components(separatedBy: "its work goes to it again").count - 1 == 2, "\(log.suffix(4000))")
        let runs = (try? String(contentsOfFile: "\(folder)/runs", encoding: .utf8))?.split(separator: "\n").count ?? 0
        #expect(runs >= 9, "ffmpeg ran \(runs) times")
    }

    @Test func aChunkThatKeepsFailingIsRetriedByItsQueueThenItsJobFailsWithTheReason() throws {
        // The speech worker crashes on every chunk: each receive fails, is shown again after its
        // backoff, and the fourth goes to the failures queue.
        let api = try APIHarness(
            environment: ["TIME_SCALE": "0.01"],
            config: "WHISPER_WORKER_TEST_HOOKS=1\nWHISPER_WORKER_CRASH_RATE=1\n")
        try Self.expectFails(api, try api.signup(), code: "transcribe_failed", saying: "could not be transcribed")
        let log = api.emulator.output
        #expect(log.components(separatedBy: "transcribe will be tried again").count - 1 == 4, "\(log.suffix(3000))")
    }

    @Test func aCrashOfTheEmulatorMidBatchLosesNothing() throws {
        var api = try APIHarness(environment: ["TIME_SCALE": "0.01"])
        let users = try (0..<2).map { _ in try api.signup() }
        var jobs: [Submitted] = []
        for index in 0..<6 {
            let session = users[index % users.count]
            jobs.append(Submitted(session: session, jobID: try Self.upload(api, session, TestAudio.path("jfk.wav"))))
        }
        // Some are in flight (or not started) when the emulator dies.
        Thread.sleep(forTimeInterval: 1.5)
        let data = api.emulator.dataDirectory
        api.emulator.crash()
        api = try APIHarness(environment: ["TIME_SCALE": "0.01"], reusing: data)
        let results = try Self.awaitAll(api, jobs, timeout: 240)
        try Self.expectDoneAndCountedOnce(api, jobs, results)
    }

    @Test func twentyJobsFromFiveUsersAtOnceAllComplete() async throws {
        let api = try APIHarness(environment: ["TIME_SCALE": "0.01"])
        let users = try (0..<5).map { _ in try api.signup() }
        for user in users { try api.setPlan(user.email, "pro") }  // four jobs each at once
        let started = Date()
        let latencies = LatencyLog()
        let jobs = try await withThrowingTaskGroup(of: [Submitted].self) { group in
            for session in users {
                group.addTask {
                    var mine: [Submitted] = []
                    for _ in 0..<4 {
                        let begin = Date()
                        let id = try Self.upload(api, session, TestAudio.path("jfk.wav"))
                        latencies.add(Date().timeIntervalSince(begin))
                        mine.append(Submitted(session: session, jobID: id))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let results = try Self.awaitAll(api, jobs, timeout: 300)
        let elapsed = Date().timeIntervalSince(started)
        try Self.expectDoneAndCountedOnce(api, jobs, results)
        #expect(!api.emulator.output.contains(" 500 ") && !api.emulator.output.contains("status\":\"5"))
        let sorted = latencies.all.sorted()
        func percentile(_ p: Double) -> Int { Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000) }
        print(
            "load: 20 jobs from 5 users in \(Int(elapsed)) s; create+upload p50 \(percentile(0.5)) ms, p95 \(percentile(0.95)) ms, p99 \(percentile(0.99)) ms"
        )
    }

    final class LatencyLog: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [TimeInterval] = []
        func add(_ value: TimeInterval) { lock.withLock { values.append(value) } }
        var all: [TimeInterval] { lock.withLock { values } }
    }
}
