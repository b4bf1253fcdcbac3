import Cloud
import Foundation
import HTTP
import Runtime
import Speech
import TestSupport
import Testing
import Transcriptor

/// The pipeline end to end through the emulator: real ffmpeg, the whisper engine (tiny.en) and
/// real recorded speech, for uploads and links in several formats, a multi-chunk file, bad inputs,
/// repeated events, deletion while running, the sweep and the signed webhook.
@Suite(.serialized) final class PipelineTests {
    let api: APIHarness
    let session: APIHarness.Session
    let media: String

    static let jfk =
        "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."

    init() throws {
        api = try APIHarness(
            parameters: ["ChunkSeconds": "10", "MaxUploadBytes": "20000000"], environment: ["TIME_SCALE": "0.01"])
        session = try api.signup()
        media = try PipelineMedia.folder()
    }

    deinit { PipelineMedia.remove(media) }

    // MARK: Helpers

    /// Creates an upload job for `file`, uploads it through the presigned URL, and returns the job id.
    func upload(_ file: String, contentType: String, webhook: String? = nil) throws -> String {
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        var body: [String: Any] = [
            "source": [
                "upload": ["filename": (file as NSString).lastPathComponent, "contentType": contentType, "size": size]
            ]
        ]
        if let webhook { body["webhook"] = ["url": webhook] }
        let created = try api.call(.post, "/v1/jobs", token: session.accessToken, json: body)
        #expect(created.status == 201, "\(created)")
        let upload = try #require(created.json["upload"] as? [String: Any])
        let put = try HTTPClient().execute(
            HTTPRequest(
                .put, url: upload["url"] as! String, headers: [("Content-Type", contentType)], body: .file(path: file)))
        #expect(put.status == 200, "\(put.bodyText)")
        return try #require((created.json["job"] as? [String: Any])?["id"] as? String)
    }

    func link(_ url: String) throws -> String { try api.link(url, token: session.accessToken) }

    func finished(_ id: String, timeout: TimeInterval = 180) throws -> [String: Any] {
        try api.finished(id, token: session.accessToken, timeout: timeout)
    }

    func transcript(_ id: String, format: String = "json") throws -> APIHarness.Reply {
        try api.call(.get, "/v1/jobs/\(id)/transcript?format=\(format)", token: session.accessToken)
    }

    func usage() throws -> [String: Any] {
        try api.call(.get, "/v1/me", token: session.accessToken).json["usage"] as? [String: Any] ?? [:]
    }

    // MARK: Tests

    @Test func anUploadedRecordingBecomesATimedTranscriptInEveryFormat() throws {
        let id = try upload(TestAudio.path("jfk.mp3"), contentType: "audio/mpeg")
        let job = try finished(id)
        #expect(job["status"] as? String == "done", "\(job)")
        #expect(job["language"] as? String == "en")
        #expect(abs((job["durationSec"] as? Double ?? 0) - 11.0) < 0.2)
        let progress = try #require(job["progress"] as? [String: Any])
        #expect(progress["chunksTotal"] as? Int == 2, "11 s in chunks of about 10 s")
        #expect(progress["chunksDone"] as? Int == progress["chunksTotal"] as? Int)
        #expect(progress["percent"] as? Double == 100)

        let json = try transcript(id)
        #expect(json.status == 200)
        #expect(json.json["jobId"] as? String == id)
        let text = try #require(json.json["text"] as? String)
        let score = WordErrorRate.measure(reference: Self.jfk, hypothesis: text)
        #expect(score.rate < 0.15, "\(text)")
        let segments = try #require(json.json["segments"] as? [[String: Any]])
        #expect(!segments.isEmpty && segments.allSatisfy { !(($0["words"] as? [Any]) ?? []).isEmpty })
        // A client that accepts gzip gets the same bytes gzipped (as browsers and curl --compressed do).
        let gzipped = try api.call(
            .get, "/v1/jobs/\(id)/transcript?format=json", token: session.accessToken,
            headers: [("Accept-Encoding", "gzip")])
        #expect(gzipped.header("content-encoding") == "gzip")
        #expect(gzipped.header("vary")?.contains("Accept-Encoding") == true)
        #expect(gzipped.response.body.starts(with: [0x1f, 0x8b]), "a gzip stream")
        #expect(gzipped.response.body.count < json.response.body.count)
        let unzipped = try runProcess(
            "/bin/sh", ["-c", "printf %s \"$1\" | base64 -d | gzip -dc", "sh", Base64.encode(gzipped.response.body)])
        #expect(unzipped.status == 0)
        #expect(unzipped.output == String(decoding: json.response.body, as: UTF8.self))

        let txt = try transcript(id, format: "txt")
        #expect(txt.header("content-type")?.hasPrefix("text/plain") == true)
        #expect(txt.text.contains("fellow Americans") || txt.text.lowercased().contains("fellow americans"))
        for format in ["srt", "vtt"] {
            let subtitles = try transcript(id, format: format)
            #expect(subtitles.status == 200)
            try PipelineMedia.expectFFmpegParses(subtitles.text, format: format, folder: media)
        }
        #expect(try transcript(id, format: "vtt").text.hasPrefix("WEBVTT"))

        let media = try api.call(.get, "/v1/jobs/\(id)/media", token: session.accessToken)
        #expect(media.status == 200, "\(media)")
        let url = try #require(media.json["url"] as? String)
        let rendition = try HTTPClient().execute(HTTPRequest(.get, url: url))
        #expect(rendition.status == 200)
        #expect(rendition.header("content-type") == "audio/mp4")
        #expect(rendition.body.count > 10_000)

        let usage = try usage()
        #expect(abs((usage["audioSeconds"] as? Double ?? 0) - 11.0) < 0.2)
        #expect(usage["jobs"] as? Int == 1)
    }

    @Test(arguments: [("m4a", "audio/mp4"), ("opus", "audio/ogg"), ("wav", "audio/wav"), ("mp4", "video/mp4")])
    func everyCommonFormatIsTranscribed(format: String, contentType: String) throws {
        let file = try PipelineMedia.encode(TestAudio.path("jfk.wav"), as: format, in: media)
        let id = try upload(file, contentType: contentType)
        let job = try finished(id)
        #expect(job["status"] as? String == "done", "\(format): \(job)")
        let text = try transcript(id).json["text"] as? String ?? ""
        #expect(WordErrorRate.measure(reference: Self.jfk, hypothesis: text).rate < 0.15, "\(format): \(text)")
    }

    @Test func aLinkIsFetchedFromALocalServer() throws {
        let bytes = try Data(
            contentsOf: URL(fileURLWithPath: PipelineMedia.encode(TestAudio.path("jfk.wav"), as: "opus", in: media)))
        let server = try LoopbackHTTPServer { request in
            request.path == "/talks/jfk.opus"
                ? .respond(status: 200, headers: [("Content-Type", "audio/ogg")], body: Array(bytes))
                : .text(404, "not found")
        }
        let id = try link("\(server.baseURL)/talks/jfk.opus")
        let job = try finished(id)
        #expect(job["status"] as? String == "done", "\(job)")
        #expect(job["filename"] as? String == "jfk.opus")
        let text = try transcript(id).json["text"] as? String ?? ""
        #expect(WordErrorRate.measure(reference: Self.jfk, hypothesis: text).rate < 0.15, "\(text)")
    }

    @Test func aLongFileIsSplitAtSilencesTranscribedInParallelAndMergedInOrder() throws {
        let long = try PipelineMedia.concatenatedFixtures(in: media)
        let id = try upload(long, contentType: "audio/wav")
        let job = try finished(id, timeout: 300)
        #expect(job["status"] as? String == "done", "\(job)")
        let progress = try #require(job["progress"] as? [String: Any])
        let chunks = try #require(progress["chunksTotal"] as? Int)
        #expect(chunks >= 3, "about 42 s in chunks of about 10 s")
        #expect(progress["chunksDone"] as? Int == chunks)
        let body = try transcript(id).json
        let segments = try #require(body["segments"] as? [[String: Any]])
        var previous = 0.0
        for segment in segments {
            let start = segment["start"] as? Double ?? -1
            #expect(start >= previous - 0.001, "segments in order: \(start) after \(previous)")
            previous = segment["end"] as? Double ?? start
            for word in (segment["words"] as? [[String: Any]]) ?? [] {
                #expect((word["start"] as? Double ?? -1) >= start - 0.05)
            }
        }
        #expect(previous <= (job["durationSec"] as? Double ?? 0) + 0.5)
        let references = try TestAudio.references().filter { $0.0.hasSuffix(".wav") }.map(\.1).joined(separator: " ")
        let text = body["text"] as? String ?? ""
        let score = WordErrorRate.measure(reference: references, hypothesis: text)
        #expect(score.rate < 0.12, "WER \(score.rate): \(text)")
    }

    @Test func badInputsFailWithAReadableReasonAndLeaveNothingInFlight() throws {
        let text = try PipelineMedia.write("This is not audio at all.\n", named: "notes.mp3", in: media)
        let truncated = try PipelineMedia.truncated(TestAudio.path("jfk.mp3"), bytes: 600, in: media)
        let cases: [(file: String, type: String, code: String)] = [
            (text, "audio/mpeg", "not_media"),
            (truncated, "audio/mpeg", ""),
        ]
        for item in cases {
            let id = try upload(item.file, contentType: item.type)
            let job = try finished(id, timeout: 60)
            #expect(job["status"] as? String == "failed", "\(item.file): \(job)")
            let error = try #require(job["error"] as? [String: Any])
            if !item.code.isEmpty { #expect(error["code"] as? String == item.code, "\(error)") }
            #expect((error["message"] as? String)?.isEmpty == false)
        }
        let big = [UInt8](repeating: 0x41, count: 21_000_000)
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/empty.mp3": return .respond(status: 200, headers: [("Content-Type", "audio/mpeg")], body: [])
            case "/page.mp3":
                return .text(200, "<html><body>not media</body></html>", headers: [("Content-Type", "text/html")])
            case "/big.mp3": return .respond(status: 200, headers: [("Content-Type", "audio/mpeg")], body: big)
            case "/to-metadata":
                return .respond(status: 302, headers: [("Location", "http://169.254.169.254/latest/meta-data/")])
            case "/to-private": return .respond(status: 302, headers: [("Location", "http://10.1.2.3/x.mp3")])
            default: return .text(404, "not found")
            }
        }
        let links: [(String, String)] = [
            ("/missing.mp3", "source_refused"), ("/empty.mp3", "empty_file"), ("/page.mp3", "not_media"),
            ("/big.mp3", "too_large"), ("/to-metadata", "forbidden_url"), ("/to-private", "forbidden_url"),
        ]
        for (path, code) in links {
            let id = try link(server.baseURL + path)
            let job = try finished(id, timeout: 60)
            #expect(job["status"] as? String == "failed", "\(path): \(job)")
            #expect((job["error"] as? [String: Any])?["code"] as? String == code, "\(path): \(job)")
        }
        let me = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect(me.status == 200)
        // Every failed job gave back its place in flight: 20 more can start.
        let db = try DynamoDBClient(configuration: api.aws)
        let profile = try db.getItem(
            table: "transcriptor-local-Table", key: ["pk": .s("USER#\(session.userID)"), "sk": .s("PROFILE")],
            consistentRead: true)
        #expect(profile?["jobsInFlight"]?.int64Value == 0)
        #expect(try usage()["audioSeconds"] as? Double == 0, "failed jobs are not metered")
    }

    @Test func repeatedEventsForEveryStageGiveOneTranscriptAndOneUsageRecord() throws {
        let id = try upload(TestAudio.path("jfk.wav"), contentType: "audio/wav")
        let job = try finished(id)
        #expect(job["status"] as? String == "done")
        let before = try transcript(id).text
        let keys = ["uploads/\(session.userID)/\(id)/source", "segments/\(session.userID)/\(id)/chunk-0000.json"]
        for (function, key) in zip(["TranscodeFunction", "PersistFunction"], keys) {
            for _ in 0..<2 {
                let reply = try api.emulator.invoke(
                    function, payload: PipelineMedia.s3Event(bucket: api.bucket, key: key))
                #expect(reply.status == 200, "\(function): \(reply.bodyText)")
                #expect(reply.header("x-amz-function-error") == nil, "\(function): \(reply.bodyText)")
            }
        }
        let chunk = #"{"stage":"transcribe","userId":"\#(session.userID)","jobId":"\#(id)","chunk":0}"#
        for _ in 0..<2 {
            let reply = try api.emulator.invoke("TranscribeFunction", payload: PipelineMedia.sqsEvent(chunk))
            #expect(reply.status == 200, "\(reply.bodyText)")
            #expect(reply.bodyText.contains(#""batchItemFailures":[]"#), "\(reply.bodyText)")
        }
        let fetch = #"{"userId":"\#(session.userID)","jobId":"\#(id)"}"#
        #expect(try api.emulator.invoke("FetchFunction", payload: PipelineMedia.sqsEvent(fetch)).status == 200)
        Thread.sleep(forTimeInterval: 1)
        let after = try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).json
        #expect(after["status"] as? String == "done")
        #expect(try transcript(id).text == before)
        let usage = try usage()
        #expect(usage["jobs"] as? Int == 1)
        #expect(abs((usage["audioSeconds"] as? Double ?? 0) - 11.0) < 0.2)
    }

    @Test func aJobDeletedWhileRunningLeavesNothingBehind() throws {
        let long = try PipelineMedia.concatenatedFixtures(in: media)
        let id = try upload(long, contentType: "audio/wav")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let status = try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).json["status"] as? String
            if status == "transcribing" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(try api.call(.delete, "/v1/jobs/\(id)", token: session.accessToken).status == 204)
        #expect(try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).status == 404)
        // Stages still running for it drop their output as they finish: wait until nothing is
        // left and nothing new appears for 3 seconds.
        let s3 = try S3Client(configuration: api.aws)
        func objects() throws -> [String] {
            try StorageKey.jobPrefixes(session.userID, id).flatMap {
                try s3.listAllObjects(bucket: api.bucket, prefix: $0).map(\.key)
            }
        }
        var left = try objects()
        var quietSince = Date()
        let until = Date().addingTimeInterval(90)
        while Date() < until {
            Thread.sleep(forTimeInterval: 0.5)
            left = try objects()
            if !left.isEmpty { quietSince = Date() } else if Date().timeIntervalSince(quietSince) > 3 { break }
        }
        #expect(left.isEmpty, "\(left)")
        #expect(try usage()["jobs"] as? Int == 0)
    }

    @Test func theSweepFailsAnUploadThatNeverArrived() throws {
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "later.wav", "contentType": "audio/wav", "size": 100]]])
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        // Stand in for the hours passing: move the job's stage deadline into the past.
        let db = try DynamoDBClient(configuration: api.aws)
        try db.updateItem(
            table: "transcriptor-local-Table", key: ["pk": .s("USER#\(session.userID)"), "sk": .s("JOB#\(id)")],
            update: "SET gsi1sk = :past", values: [":past": .s("2020-01-01T00:00:00.000Z#\(session.userID)#\(id)")])
        let reply = try api.emulator.invoke("SweepFunction", payload: "{}")
        #expect(reply.status == 200 && reply.bodyText.contains("\"failed\":1"), "\(reply.bodyText)")
        let job = try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).json
        #expect(job["status"] as? String == "failed")
        #expect((job["error"] as? [String: Any])?["code"] as? String == "upload_expired")
        #expect(try api.emulator.invoke("SweepFunction", payload: "{}").bodyText.contains("\"failed\":0"))
    }

    @Test func theWebhookIsSignedWithTheUsersSecret() throws {
        let received = PipelineMedia.Inbox()
        let receiver = try LoopbackHTTPServer { request in
            received.add(request)
            return .text(204, "")
        }
        let id = try upload(TestAudio.path("jfk.wav"), contentType: "audio/wav", webhook: receiver.baseURL + "/hooks")
        _ = try finished(id)
        let deadline = Date().addingTimeInterval(20)
        while received.all.isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let delivery = try #require(received.all.first)
        #expect(delivery.method == "POST" && delivery.path == "/hooks")
        #expect(delivery.header("transcriptor-event") == "job.completed")
        let secret = try #require(
            try api.call(.get, "/v1/me", token: session.accessToken).json["webhookSecret"] as? String)
        let signature = try #require(delivery.header("transcriptor-signature"))
        #expect(throws: Never.self) {
            try WebhookSignature.verify(header: signature, body: delivery.body, secret: secret)
        }
        #expect(throws: WebhookSignature.Failure.self) {
            try WebhookSignature.verify(header: signature, body: delivery.body, secret: "whsec_other")
        }
        let body = try JSON.decode(JSONValue.self, from: delivery.body)
        #expect(body["type"]?.stringValue == "job.completed")
        #expect(body["data"]?["job"]?["id"]?.stringValue == id)
        #expect(body["data"]?["job"]?["status"]?.stringValue == "done")
    }
}

/// A 10-minute recording through the whole pipeline (`make test-long`: set TRANSCRIPTOR_LONG_TESTS=1).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["TRANSCRIPTOR_LONG_TESTS"] == "1"))
struct PipelineLongTests {
    @Test func aTenMinuteRecordingIsTranscribedInChunksInOrder() throws {
        let api = try APIHarness(parameters: ["ChunkSeconds": "60"], environment: ["TIME_SCALE": "0.01"])
        let session = try api.signup()
        let folder = try PipelineMedia.folder()
        defer { PipelineMedia.remove(folder) }
        let once = try PipelineMedia.concatenatedFixtures(in: folder)
        let long = "\(folder)/ten-minutes.mp3"
        // The 42 s of recordings fifteen times over: 10.5 minutes, as mp3.
        try PipelineMedia.ffmpeg(["-stream_loop", "14", "-i", once, "-c:a", "libmp3lame", "-b:a", "64k", long])
        let size = try FileManager.default.attributesOfItem(atPath: long)[.size] as! Int
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "ten-minutes.mp3", "contentType": "audio/mpeg", "size": size]]])
        let url = try #require((created.json["upload"] as? [String: Any])?["url"] as? String)
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        _ = try HTTPClient().execute(
            HTTPRequest(.put, url: url, headers: [("Content-Type", "audio/mpeg")], body: .file(path: long)))
        let started = Date()
        var job: [String: Any] = [:]
        while Date().timeIntervalSince(started) < 900 {
            job = try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).json
            if let status = job["status"] as? String, status == "done" || status == "failed" { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(job["status"] as? String == "done", "\(job)")
        let progress = try #require(job["progress"] as? [String: Any])
        #expect((progress["chunksTotal"] as? Int ?? 0) >= 9)
        let transcript = try api.call(.get, "/v1/jobs/\(id)/transcript", token: session.accessToken).json
        let segments = (transcript["segments"] as? [[String: Any]]) ?? []
        var previous = 0.0
        for segment in segments {
            let start = segment["start"] as? Double ?? -1
            #expect(start >= previous - 0.001)
            previous = segment["end"] as? Double ?? start
        }
        #expect(previous > 600 && previous <= (job["durationSec"] as? Double ?? 0) + 0.5)
        let reference = try Array(
            repeating: TestAudio.references().filter { $0.0.hasSuffix(".wav") }.map(\.1).joined(separator: " "),
            count: 15
        ).joined(separator: " ")
        let score = WordErrorRate.measure(reference: reference, hypothesis: transcript["text"] as? String ?? "")
        #expect(score.rate < 0.12, "WER \(score.rate)")
    }
}
