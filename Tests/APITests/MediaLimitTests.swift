import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing

/// The length limit and the month's quota hold on what a file decodes to, not on what its header
/// claims: files made with ffmpeg, then patched to lie (a Matroska or WebM Duration, an MP3's Xing
/// frame count, an Ogg granule position, a FLAC sample count, MP4 durations) or to say nothing
/// (Matroska written to a pipe). Through the emulator, as a user uploads them.
@Suite(.serialized) final class MediaLimitTests {
    let media: String

    init() throws { media = try PipelineMedia.folder() }

    deinit { PipelineMedia.remove(media) }

    /// An emulator with `parameters` and a signed-up user.
    struct Service {
        let api: APIHarness
        let session: APIHarness.Session

        init(
            parameters: [String: String], config: String = "", template: String? = nil
        ) throws {
            api = try APIHarness(
                parameters: parameters.merging(["MaxUploadBytes": "60000000"]) { given, _ in given },
                environment: ["TIME_SCALE": "0.01"], config: config, template: template)
            session = try api.signup()
            // These tests mean the deployment's caps (the parameters), which Pro's limits are above.
            try api.setPlan(session.email, "pro")
        }

        /// Creates an upload job for `file`; its id and presigned upload URL.
        func createUpload(_ file: String, contentType: String) throws -> (id: String, url: String) {
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
            let name = (file as NSString).lastPathComponent
            let created = try api.call(
                .post, "/v1/jobs", token: session.accessToken,
                json: ["source": ["upload": ["filename": name, "contentType": contentType, "size": size]]])
            guard created.status == 201, let url = (created.json["upload"] as? [String: Any])?["url"] as? String,
                let id = (created.json["job"] as? [String: Any])?["id"] as? String
            else { throw ServerError("the job was not created: \(created)") }
            return (id, url)
        }

        /// PUTs `file` to a presigned upload URL.
        func put(_ file: String, contentType: String, to url: String) throws {
            let put = try HTTPClient().execute(
                HTTPRequest(.put, url: url, headers: [("Content-Type", contentType)], body: .file(path: file)))
            guard put.status == 200 else { throw ServerError("the upload failed: \(put.status) \(put.bodyText)") }
        }

        /// Creates an upload job for `file` and uploads it; the job id.
        func upload(_ file: String, contentType: String) throws -> String {
            let (id, url) = try createUpload(file, contentType: contentType)
            try put(file, contentType: contentType, to: url)
            return id
        }

        /// Polls the job until it is done or failed.
        func finished(_ id: String, timeout: TimeInterval) throws -> [String: Any] {
            try api.finished(id, token: session.accessToken, timeout: timeout)
        }

        func usage() throws -> [String: Any] {
            try api.call(.get, "/v1/me", token: session.accessToken).json["usage"] as? [String: Any] ?? [:]
        }

        /// The keys stored under `prefix/{user}/{job}/`.
        func objects(_ prefix: String, job: String) throws -> [String] {
            try S3Client(configuration: api.aws).listAllObjects(
                bucket: api.bucket, prefix: "\(prefix)/\(session.userID)/\(job)/"
            ).map(\.key)
        }
    }

    // MARK: Tests

    /// Half an hour of audio in files that claim a second, or nothing: each fails `too_long` soon
    /// after the first minute decodes, with a message that does not repeat the claim, and nothing
    /// is transcribed, stored or metered.
    @Test func filesThatUnderstateTheirLengthFailTooLongWithoutBeingDecodedToTheEnd() throws {
        let service = try Service(parameters: ["MaxFileSeconds": "60"])
        let minutes = 30
        let opus = try PipelineMedia.tone(seconds: minutes * 60, as: "ogg", in: media)
        var cases: [(name: String, file: String, type: String)] = []
        cases.append(("mkv", try PipelineMedia.matroska(opus, as: "mkv", claiming: 1, in: media), "video/x-matroska"))
        cases.append(("webm", try PipelineMedia.matroska(opus, as: "webm", claiming: 1, in: media), "audio/webm"))
        let mp3 = try PipelineMedia.tone(seconds: minutes * 60, as: "mp3", in: media)
        try PipelineMedia.patchXingFrames(mp3, frames: 20)
        cases.append(("mp3", mp3, "audio/mpeg"))
        try PipelineMedia.patchOggFinalGranule(opus, granule: 48_000)
        cases.append(("ogg", opus, "audio/ogg"))
        cases.append(("piped mkv", try PipelineMedia.matroskaWithoutDuration(opus, in: media), "video/x-matroska"))
        let flac = try PipelineMedia.tone(seconds: 10 * 60, as: "flac", in: media)
        try PipelineMedia.patchFLACTotalSamples(flac, samples: 8_000)
        cases.append(("flac", flac, "audio/flac"))
        let m4a = try PipelineMedia.tone(seconds: minutes * 60, as: "m4a", in: media)
        try PipelineMedia.patchMP4Durations(m4a, seconds: 1)
        cases.append(("m4a", m4a, "audio/mp4"))

        var timings: [String] = []
        for item in cases {
            // The file lies as intended: ffprobe believes it (or knows no length at all).
            let claimed = try PipelineMedia.claimedSeconds(item.file)
            #expect(claimed.map { $0 < 2 } ?? true, "\(item.name): ffprobe says \(String(describing: claimed)) s")

            let started = Date()
            let id = try service.upload(item.file, contentType: item.type)
            let job = try service.finished(id, timeout: 120)
            let elapsed = Date().timeIntervalSince(started)
            timings.append("\(item.name) \(String(format: "%.1f", elapsed)) s")
            #expect(job["status"] as? String == "failed", "\(item.name): \(job)")
            let error = job["error"] as? [String: Any] ?? [:]
            #expect(error["code"] as? String == "too_long", "\(item.name): \(error)")
            let message = error["message"] as? String ?? ""
            #expect(message.hasPrefix("The recording is longer than the longest accepted, 1 min."), "\(message)")
            #expect(!message.contains(" 1 s") && !message.contains("0 s"), "the header's claim is not repeated")
            #expect(job["durationSec"] == nil || job["durationSec"] is NSNull, "\(item.name): \(job)")
            #expect(try service.objects("audio", job: id).isEmpty, "\(item.name): nothing went to transcription")
            #expect(try service.objects("renditions", job: id).isEmpty, "\(item.name): no rendition")
            // Decoding stopped at the limit: half an hour of audio is not decoded in this time.
            #expect(elapsed < 60, "\(item.name) took \(elapsed) s")
        }
        print("too_long after upload: \(timings.joined(separator: ", "))")
        let usage = try service.usage()
        #expect(usage["audioSeconds"] as? Double == 0, "\(usage)")
        #expect(usage["jobs"] as? Int == 0, "\(usage)")
    }

    /// A header that understates or overstates the length changes nothing: the recording is
    /// transcribed and metered for what it holds (11 s each).
    @Test func aHeaderThatMisstatesTheLengthOfAnAcceptedFileIsIgnored() throws {
        let service = try Service(parameters: ["MaxFileSeconds": "60"])
        let jfk = TestAudio.path("jfk.wav")
        let understated = try PipelineMedia.matroska(jfk, as: "mkv", claiming: 1, in: media)
        let overstated = try PipelineMedia.matroska(jfk, as: "webm", claiming: 10 * 3600, in: media)
        #expect(try PipelineMedia.claimedSeconds(overstated) == 36_000)
        for (file, type) in [(understated, "video/x-matroska"), (overstated, "audio/webm")] {
            let id = try service.upload(file, contentType: type)
            let job = try service.finished(id, timeout: 180)
            #expect(job["status"] as? String == "done", "\(file): \(job)")
            #expect(abs((job["durationSec"] as? Double ?? 0) - 11) < 0.2, "\(job)")
            let transcript = try service.api.call(
                .get, "/v1/jobs/\(id)/transcript?format=txt", token: service.session.accessToken)
            #expect(transcript.text.lowercased().contains("americans"), "\(transcript.text)")
        }
        let usage = try service.usage()
        #expect(abs((usage["audioSeconds"] as? Double ?? 0) - 22) < 0.4, "\(usage)")
        #expect(usage["jobs"] as? Int == 2)
    }

    /// With a minute a month, 11 s used, a recording of 80 s that claims 1 s fails
    /// `quota_exceeded` before transcription, and nothing more is metered; what it holds is
    /// what counts, so a short one still fits after.
    @Test func theMonthlyQuotaIsCheckedAgainstTheDecodedLength() throws {
        let service = try Service(parameters: ["MaxFileSeconds": "120", "MonthlyAudioMinutes": "1"])
        let first = try service.upload(TestAudio.path("jfk.mp3"), contentType: "audio/mpeg")
        #expect(try service.finished(first, timeout: 180)["status"] as? String == "done")
        #expect(abs((try service.usage()["audioSeconds"] as? Double ?? 0) - 11) < 0.2)

        let long = try PipelineMedia.matroska(
            try PipelineMedia.tone(seconds: 80, as: "ogg", in: media), as: "mkv", claiming: 1, in: media)
        let id = try service.upload(long, contentType: "video/x-matroska")
        let job = try service.finished(id, timeout: 120)
        #expect(job["status"] as? String == "failed", "\(job)")
        let error = job["error"] as? [String: Any] ?? [:]
        #expect(error["code"] as? String == "quota_exceeded", "\(error)")
        let message = error["message"] as? String ?? ""
        #expect(message.hasPrefix("The recording is 1 min 20 s long, more than the "), "\(message)")
        #expect(message.contains(" left of this period's 1 min of audio"), "\(message)")
        #expect(try service.objects("audio", job: id).isEmpty, "nothing went to transcription")
        let usage = try service.usage()
        #expect(abs((usage["audioSeconds"] as? Double ?? 0) - 11) < 0.2, "metered nothing more: \(usage)")
        #expect(usage["jobs"] as? Int == 1, "\(usage)")

        let short = try PipelineMedia.matroska(
            TestAudio.path("librivox-0870.wav"), as: "mkv", claiming: 3600, in: media)
        let fits = try service.upload(short, contentType: "video/x-matroska")
        #expect(try service.finished(fits, timeout: 180)["status"] as? String == "done")
        let after = try service.usage()
        #expect(abs((after["audioSeconds"] as? Double ?? 0) - 18.1) < 0.3, "\(after)")
    }

    /// Uploads at once cannot each see the same room left: with a minute a month, four recordings
    /// of 25 s uploaded together admit at most two (50 s); the others fail `quota_exceeded`, and the
    /// month is metered within its minute.
    @Test func parallelUploadsCannotEachTakeTheSameRoomInTheQuota() throws {
        let service = try Service(parameters: ["MaxFileSeconds": "120", "MonthlyAudioMinutes": "1"])
        let tone = try PipelineMedia.tone(seconds: 25, as: "ogg", in: media)
        // Four jobs, then their four uploads released at the same moment.
        let uploads = try (0..<4).map { _ in try service.createUpload(tone, contentType: "audio/ogg") }
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for upload in uploads {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                try? service.put(tone, contentType: "audio/ogg", to: upload.url)
                group.leave()
            }
        }
        for _ in uploads { start.signal() }
        group.wait()
        let ids = uploads.map(\.id)
        let jobs = try ids.map { try service.finished($0, timeout: 240) }
        #expect(jobs.count == 4)
        let done = jobs.filter { $0["status"] as? String == "done" }
        let refused = jobs.filter { ($0["error"] as? [String: Any])?["code"] as? String == "quota_exceeded" }
        #expect(done.count + refused.count == 4, "\(jobs)")
        #expect(done.count <= 2, "\(done.count) of 4 admitted; a minute holds two")
        #expect(done.count >= 1)
        let used = try service.usage()["audioSeconds"] as? Double ?? 0
        #expect(used <= 60.5, "metered \(used) s of a 60 s month")
    }

    /// Jobs admitted but not metered yet count too: with a minute a month and another job of 40 s
    /// being transcribed, a recording of 30 s fails `quota_exceeded` (else a batch of uploads at
    /// once would each see the month unused).
    @Test func jobsStillBeingTranscribedCountAgainstTheQuota() throws {
        let service = try Service(parameters: ["MaxFileSeconds": "120", "MonthlyAudioMinutes": "1"])
        // The other job, as transcoding leaves it: transcribing, 40 s long, not metered yet.
        let created = try service.api.call(
            .post, "/v1/jobs", token: service.session.accessToken,
            json: ["source": ["upload": ["filename": "other.mp3", "contentType": "audio/mpeg", "size": 1000]]])
        let other = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        _ = try DynamoDBClient(configuration: service.api.aws).updateItem(
            table: "transcriptor-local-Table",
            key: ["pk": .s("USER#\(service.session.userID)"), "sk": .s("JOB#\(other)")],
            update: "SET #status = :transcribing, durationSec = :seconds", names: ["#status": "status"],
            values: [":transcribing": .s("transcribing"), ":seconds": .n("40")])

        let id = try service.upload(
            try PipelineMedia.tone(seconds: 30, as: "ogg", in: media), contentType: "audio/ogg")
        let job = try service.finished(id, timeout: 120)
        #expect(job["status"] as? String == "failed", "\(job)")
        let error = job["error"] as? [String: Any] ?? [:]
        #expect(error["code"] as? String == "quota_exceeded", "\(error)")
        let message = error["message"] as? String ?? ""
        #expect(message.hasPrefix("The recording is 30 s long, more than the 20 s left"), "\(message)")
        #expect(message.contains("(jobs in progress count too)"), "\(message)")
        #expect(try service.objects("audio", job: id).isEmpty, "nothing went to transcription")
        #expect(try service.usage()["audioSeconds"] as? Double == 0)
    }

    /// The transcode function given 10 s and an ffmpeg that hangs: the tool is killed before the
    /// function's deadline (Lambda never times the function out), and every attempt removes its
    /// scratch folder and leaves no process behind.
    @Test func aHangingToolIsKilledBeforeTheFunctionsDeadlineAndLeavesNoScratchFiles() throws {
        let scratch = "\(media)/scratch"
        let marks = "\(media)/marks"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: marks, withIntermediateDirectories: true)
        // ffmpeg as usual, except that the conversion to speech audio never ends.
        let wrapper = try PipelineMedia.write(
            """
            #!/bin/sh
            case "$*" in
            *pcm_s16le*) echo $$ >> "\(marks)/pids"; exec sleep 600 ;;
            esac
            exec /usr/bin/ffmpeg "$@"

            """, named: "ffmpeg-hangs.sh", in: media)
        chmod(wrapper, 0o755)
        let original = try String(
            contentsOf: APIHarness.repository.appendingPathComponent("template.yaml"), encoding: .utf8)
        let short = original.replacingOccurrences(
            of: "Command: [transcode]\n      Timeout: 900", with: "Command: [transcode]\n      Timeout: 10")
        #expect(short != original)
        let template = try PipelineMedia.write(short, named: "template.yaml", in: media)
        let service = try Service(
            parameters: ["MaxFileSeconds": "60"], config: "FFMPEG=\(wrapper)\nTMPDIR=\(scratch)", template: template)
        defer {
            // Whatever the outcome, no sleeping stand-in outlives the test.
            let pids = (try? String(contentsOfFile: "\(marks)/pids", encoding: .utf8)) ?? ""
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }

        let id = try service.upload(TestAudio.path("jfk.mp3"), contentType: "audio/mpeg")
        let job = try service.finished(id, timeout: 150)
        #expect(job["status"] as? String == "failed", "\(job)")
        let pids = try String(contentsOfFile: "\(marks)/pids", encoding: .utf8).split(separator: "\n")
            .compactMap { Int32($0) }
        #expect(pids.count >= 3, "Lambda's two retries, and the failures stage's re-drives: \(pids)")
        let log = service.api.emulator.output
        let reports = log.split(separator: "\n").filter { $0.contains("[TranscodeFunction] REPORT") }
        #expect(reports.count == pids.count, "\(reports)")
        #expect(!reports.contains { $0.contains("Status: timeout") }, "\(reports)")
        for pid in pids { #expect(kill(pid, 0) != 0, "the stuck tool \(pid) was killed") }
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch)
        #expect(left.isEmpty, "scratch left behind: \(left)")
    }
}
