import Foundation
import HTTP
import TestSupport
import Testing

/// The transcript as a working document, through the emulator on a real transcript (JFK's
/// sentence, whisper tiny.en): edits under optimistic concurrency (ETag, If-Match, 412, 428),
/// the original and a revert, the exports (Markdown, Word read back by python-docx), the subtitle
/// controls (read back by ffmpeg), and tags; with what a careless or hostile client sends.
@Suite(.serialized) final class DocumentTests {
    let api: APIHarness
    let session: APIHarness.Session
    let media: String

    init() throws {
        api = try APIHarness(parameters: ["MaxUploadBytes": "20000000"], environment: ["TIME_SCALE": "0.01"])
        session = try api.signup()
        media = try PipelineMedia.folder()
    }

    deinit { PipelineMedia.remove(media) }

    func create(_ body: [String: Any], token: String? = nil) throws -> APIHarness.Reply {
        try api.call(.post, "/v1/jobs", token: token ?? session.accessToken, json: body)
    }

    /// JFK's sentence, uploaded and transcribed: the job's id.
    func finishedJob(title: String = "Inaugural") throws -> String {
        let file = TestAudio.path("jfk.mp3")
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        let created = try create([
            "title": title,
            "source": ["upload": ["filename": "jfk.mp3", "contentType": "audio/mpeg", "size": size]],
        ])
        #expect(created.status == 201, "\(created)")
        let upload = try #require(created.json["upload"] as? [String: Any])
        let put = try HTTPClient().execute(
            HTTPRequest(
                .put, url: upload["url"] as! String, headers: [("Content-Type", "audio/mpeg")], body: .file(path: file))
        )
        #expect(put.status == 200)
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        let job = try api.finished(id, token: session.accessToken)
        #expect(job["status"] as? String == "done", "\(job)")
        return id
    }

    func get(_ id: String, _ query: String = "", token: String? = nil) throws -> APIHarness.Reply {
        try api.call(.get, "/v1/jobs/\(id)/transcript\(query)", token: token ?? session.accessToken)
    }

    func edit(
        _ id: String, ifMatch: String?, _ edits: [[String: Any]], token: String? = nil
    ) throws
        -> APIHarness.Reply
    {
        try api.call(
            .patch, "/v1/jobs/\(id)/transcript", token: token ?? session.accessToken, json: ["edits": edits],
            headers: ifMatch.map { [("If-Match", $0)] } ?? [])
    }

    static func segments(_ reply: APIHarness.Reply) -> [[String: Any]] {
        reply.json["segments"] as? [[String: Any]] ?? []
    }

    @Test func editsAreVersionedAndAStaleOrMissingVersionIsRefused() async throws {
        let id = try finishedJob()
        let first = try get(id)
        #expect(first.status == 200 && first.json["version"] as? Int == 1 && first.header("ETag") == "\"1\"")
        let original = Self.segments(first)
        let words = try #require(original.first?["words"] as? [[String: Any]])
        let text = try #require(original.first?["text"] as? String).trimmingCharacters(in: .whitespaces)

        // Without If-Match: 428, and nothing changes.
        let missing = try edit(id, ifMatch: nil, [["segment": 0, "text": "x"]])
        #expect(missing.status == 428 && missing.errorCode == "precondition_required", "\(missing)")
        // An edit that keeps every word but the first.
        let newText = "Thus" + text.drop { $0 != " " }
        let edited = try edit(id, ifMatch: "\"1\"", [["segment": 0, "text": newText]])
        #expect(edited.status == 200, "\(edited)")
        #expect(edited.json["version"] as? Int == 2 && edited.header("ETag") == "\"2\"")
        let editedWords = try #require(Self.segments(edited).first?["words"] as? [[String: Any]])
        #expect(editedWords.count == words.count)
        for (before, after) in zip(words.dropFirst(), editedWords.dropFirst()) {
            #expect(before["start"] as? Double == after["start"] as? Double, "kept words keep their times")
        }
        #expect((editedWords[0]["word"] as? String)?.contains("Thus") == true)
        // Every format is written from the edited transcript; the original stays.
        #expect(try get(id, "?format=txt").text.hasPrefix("Thus"))
        #expect(try get(id, "?format=srt").text.contains("Thus"))
        let kept = try get(id, "?version=original")
        #expect(kept.status == 200 && kept.json["version"] == nil && kept.header("ETag") == nil)
        #expect((Self.segments(kept).first?["text"] as? String)?.contains(text) == true)

        // A stale version: 412 with the current one; unquoted versions are taken too.
        let stale = try edit(id, ifMatch: "1", [["segment": 0, "text": "lost"]])
        #expect(stale.status == 412 && stale.errorCode == "version_mismatch" && stale.json["version"] as? Int == 2)
        #expect(try get(id).json["version"] as? Int == 2)
        for bad in ["W/\"2\"", "\"abc\"", "0", "-2", "", "*"] {
            let refused = try edit(id, ifMatch: bad, [["segment": 0, "text": "lost"]])
            #expect([400, 412].contains(refused.status), "\(bad): \(refused)")
        }

        // Two edits of the same version at once: one wins, the other is told.
        let api = self.api
        let token = session.accessToken
        let results = try await withThrowingTaskGroup(of: APIHarness.Reply.self) { group in
            for index in 0..<2 {
                group.addTask {
                    try api.call(
                        .patch, "/v1/jobs/\(id)/transcript", token: token,
                        json: ["edits": [["segment": 0, "text": "Racer \(index) wins"]]],
                        headers: [("If-Match", "\"2\"")])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.map(\.status).sorted() == [200, 412], "\(results)")
        let winner = try #require(results.first { $0.status == 200 })
        let now = try get(id)
        #expect(now.json["version"] as? Int == 3)
        #expect(Self.segments(now).first?["text"] as? String == Self.segments(winner).first?["text"] as? String)

        // Revert: the original again, as a new version.
        let reverted = try api.call(.post, "/v1/jobs/\(id)/transcript/revert", token: session.accessToken)
        #expect(reverted.status == 200 && reverted.json["version"] as? Int == 4, "\(reverted)")
        #expect((Self.segments(reverted).first?["text"] as? String)?.contains(text) == true)
        let staleRevert = try api.call(
            .post, "/v1/jobs/\(id)/transcript/revert", token: session.accessToken, headers: [("If-Match", "\"3\"")])
        #expect(staleRevert.status == 412)
    }

    @Test func badEditsAreRefusedAndAnotherUsersJobIsNotFound() throws {
        let id = try finishedJob()
        let count = Self.segments(try get(id)).count
        let cases: [(Any, Int)] = [
            ([["segment": count, "text": "x"]], 400), ([["segment": 0]], 400), ([[String: Any]](), 400),
            ([["split": ["segment": 0, "atWord": 0]]], 400), ([["merge": ["segment": count - 1]]], 400),
            ([["segment": 0, "speaker": "S2"]], 409), ([["segment": 0, "text": 5]], 400),
            ([["segment": 0, "text": "a\u{202E}b"]], 400),
        ]
        for (edits, status) in cases {
            let reply = try api.call(
                .patch, "/v1/jobs/\(id)/transcript", token: session.accessToken, json: ["edits": edits],
                headers: [("If-Match", "\"1\"")])
            #expect(reply.status == status, "\(edits): \(reply)")
        }
        let huge = try api.call(
            .patch, "/v1/jobs/\(id)/transcript", token: session.accessToken,
            body: "{\"edits\":[{\"segment\":0,\"text\":\"" + String(repeating: "a", count: 300_000) + "\"}]}",
            headers: [("If-Match", "\"1\""), ("Content-Type", "application/json")])
        #expect(huge.status == 413)
        #expect(try get(id).json["version"] as? Int == 1, "nothing refused changed anything")

        let other = try api.signup()
        #expect(try edit(id, ifMatch: "\"1\"", [["segment": 0, "text": "x"]], token: other.accessToken).status == 404)
        #expect(
            try api.call(.post, "/v1/jobs/\(id)/transcript/revert", token: other.accessToken).status == 404)
        #expect(try get(id, token: other.accessToken).status == 404)
        // A job still running has no transcript to edit.
        let pending = try create(["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 10]]])
        let pendingID = try #require((pending.json["job"] as? [String: Any])?["id"] as? String)
        #expect(try edit(pendingID, ifMatch: "\"1\"", [["segment": 0, "text": "x"]]).status == 409)
    }

    @Test func exportsAndSubtitleControlsAreReadBackByTheirOwnTools() throws {
        let id = try finishedJob(title: "Inaugural <address>")
        let repository = APIHarness.repository.path

        let markdown = try get(id, "?format=md&timestamps=true")
        #expect(markdown.status == 200 && markdown.header("Content-Type")?.hasPrefix("text/markdown") == true)
        #expect(markdown.text.hasPrefix("# Inaugural \\<address\\>\n\n[00:00]"), "\(markdown.text)")

        let word = try get(id, "?format=docx&timestamps=true")
        #expect(word.status == 200 && word.header("Content-Disposition")?.hasPrefix("attachment") == true)
        let path = "\(media)/t.docx"
        try Data(word.response.body).write(to: URL(fileURLWithPath: path))
        let read = try runProcess(
            "\(repository)/.venv/bin/python",
            [
                "-c", "import docx,sys; d=docx.Document(sys.argv[1]); print('\\n'.join(p.text for p in d.paragraphs))",
                path,
            ])
        #expect(read.status == 0, "\(read.output)")
        #expect(read.output.hasPrefix("Inaugural <address>\n[00:00] "), "\(read.output)")
        #expect(read.output.lowercased().contains("ask not what your country"))

        for (query, bounds) in [
            ("maxLineLength=20&maxLines=1&minGapMs=200", (20, 1, 7.0, 0.2)),
            ("maxLineLength=12&maxLines=3&maxCueSeconds=2", (12, 3, 2.0, 0.0)),
        ] {
            for format in ["srt", "vtt"] {
                let reply = try get(id, "?format=\(format)&\(query)")
                #expect(reply.status == 200)
                let file = "\(media)/t.\(format)"
                try reply.text.write(toFile: file, atomically: true, encoding: .utf8)
                // ffmpeg reads the subtitles back and writes them out again as SRT.
                let out = "\(media)/back-\(format).srt"
                try PipelineMedia.ffmpeg(["-y", "-loglevel", "error", "-i", file, out])
                // (ffmpeg ends the lines inside a cue with CRLF.)
                let cues = try String(contentsOfFile: out, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
                    .components(separatedBy: "\n\n")
                    .map { $0.split(separator: "\n").map(String.init) }.filter { $0.count >= 3 }
                #expect(cues.count >= 3, "\(cues)")
                var previousEnd = -1.0
                for cue in cues {
                    let times = cue[1].components(separatedBy: " --> ").map(Self.seconds)
                    let lines = cue.dropFirst(2).map { $0.replacing(/<[^>]*>/, with: "") }
                    #expect(lines.count <= bounds.1 && lines.allSatisfy { $0.count <= bounds.0 }, "\(cue)")
                    #expect(times[1] - times[0] <= bounds.2 + 0.001 && times[1] > times[0], "\(cue)")
                    #expect(times[0] - previousEnd >= bounds.3 - 0.001 || previousEnd < 0, "\(cue)")
                    previousEnd = times[1]
                }
            }
        }
        for query in [
            "maxLineLength=9", "maxLineLength=101", "maxLines=0", "maxLines=5", "maxCueSeconds=31",
            "minGapMs=2001", "minGapMs=-1", "maxLines=two", "timestamps=yes", "format=pdf", "version=3",
        ] {
            let reply = try get(id, "?format=srt&\(query)")
            #expect(reply.status == 400, "\(query): \(reply)")
        }
        #expect(try get(id, "?format=srt&maxLineLength=9").errorMessage.contains("from 10 to 100"))
    }

    @Test func tagsAreSetOnCreationAndChangedAndFilterTheList() throws {
        let upload: [String: Any] = ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 10]]
        let created = try create(["source": upload, "tags": [" Board ", "q3", "board"]])
        #expect(created.status == 201, "\(created)")
        let job = try #require(created.json["job"] as? [String: Any])
        #expect(job["tags"] as? [String] == ["Board", "q3"], "trimmed, each once ignoring case")
        let id = try #require(job["id"] as? String)
        let plain = try create(["source": upload])
        #expect((plain.json["job"] as? [String: Any])?["tags"] as? [String] == [])

        func list(_ query: String) throws -> [String] {
            let reply = try api.call(.get, "/v1/jobs\(query)", token: session.accessToken)
            #expect(reply.status == 200, "\(reply)")
            return (reply.json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try list("?tag=BOARD") == [id])
        #expect(try list("?tag=nothing") == [])
        #expect(try list("").count == 2)

        let changed = try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["tags": ["client"]])
        #expect(changed.status == 200 && changed.json["tags"] as? [String] == ["client"], "\(changed)")
        #expect(try list("?tag=board") == [])
        #expect(try list("?tag=client") == [id])
        let both = try api.call(
            .patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["title": "Renamed", "tags": []])
        #expect(both.json["title"] as? String == "Renamed" && both.json["tags"] as? [String] == [])

        for bad: Any in [
            ["tags": Array(repeating: "t", count: 1) + (0..<20).map { "t\($0)" }], ["tags": [""]],
            ["tags": [String(repeating: "x", count: 41)]], ["tags": ["a\u{0}b"]], ["tags": "board"],
            [String: Any](), ["title": ""],
        ] {
            let reply = try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: bad)
            #expect(reply.status == 400, "\(bad): \(reply)")
        }
        #expect(try create(["source": upload, "tags": (0...20).map { "t\($0)" }]).status == 400)
        #expect(
            try api.call(.get, "/v1/jobs?tag=" + String(repeating: "x", count: 41), token: session.accessToken).status
                == 400)
        let other = try api.signup()
        #expect(try api.call(.patch, "/v1/jobs/\(id)", token: other.accessToken, json: ["tags": ["x"]]).status == 404)
    }

    @Test func aShareLinkShowsTheTranscriptToAnyoneUntilRevokedExpiredOrTheJobIsGone() throws {
        let id = try finishedJob(title: "Shared talk")
        let edited = try edit(id, ifMatch: "\"1\"", [["segment": 0, "text": "Edited before sharing"]])
        #expect(edited.status == 200)
        func share(_ body: [String: Any]?, token: String? = nil, job: String? = nil) throws -> APIHarness.Reply {
            try api.call(.post, "/v1/jobs/\(job ?? id)/shares", token: token ?? session.accessToken, json: body)
        }
        func open(_ token: String) throws -> APIHarness.Reply { try api.call(.get, "/v1/shares/\(token)") }

        let plain = try share(nil)
        #expect(plain.status == 201, "\(plain)")
        let token = try #require(plain.json["token"] as? String)
        #expect(token.count >= 40 && (plain.json["url"] as? String)?.hasSuffix("/s/\(token)") == true)
        let expires = try #require(plain.json["expiresAt"] as? String)
        #expect(Set(plain.json.keys) == ["id", "token", "url", "expiresAt"])
        // 30 days unless asked otherwise.
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let expiry = try #require(format.date(from: expires) ?? ISO8601DateFormatter().date(from: expires))
        let days = (expiry.timeIntervalSinceNow / 86400).rounded()
        #expect(days == 30, "\(expires)")

        let seen = try open(token)
        #expect(seen.status == 200, "\(seen)")
        #expect(seen.header("Cache-Control") == "no-store" && seen.header("X-Robots-Tag")?.contains("noindex") == true)
        #expect(seen.json["title"] as? String == "Shared talk" && seen.json["media"] == nil)
        let transcript = try #require(seen.json["transcript"] as? [String: Any])
        #expect((transcript["text"] as? String)?.hasPrefix("Edited before sharing") == true, "the current version")

        let withMedia = try share(["expiresInDays": 1, "includeMedia": true])
        #expect(withMedia.status == 201)
        let mediaToken = try #require(withMedia.json["token"] as? String)
        let media = try #require(try open(mediaToken).json["media"] as? [String: Any])
        let audio = try HTTPClient().execute(HTTPRequest(.get, url: media["url"] as! String))
        #expect(audio.status == 200 && audio.body.count > 1000)

        let listed = try api.call(.get, "/v1/jobs/\(id)/shares", token: session.accessToken)
        let shares = try #require(listed.json["shares"] as? [[String: Any]])
        #expect(shares.count == 2 && shares.allSatisfy { $0["token"] == nil }, "\(listed)")

        // What a careless or hostile caller sends.
        for bad: [String: Any] in [
            ["expiresInDays": 0], ["expiresInDays": 366], ["expiresInDays": "7"], ["includeMedia": "yes"],
        ] {
            #expect(try share(bad).status == 400, "\(bad)")
        }
        let other = try api.signup()
        #expect(try share(nil, token: other.accessToken).status == 404)
        #expect(try api.call(.get, "/v1/jobs/\(id)/shares", token: other.accessToken).status == 404)
        let shareID = try #require(plain.json["id"] as? String)
        #expect(try api.call(.delete, "/v1/jobs/\(id)/shares/\(shareID)", token: other.accessToken).status == 404)
        #expect(try api.call(.post, "/v1/jobs/\(id)/shares").status == 401)
        for guess in ["sh_" + String(repeating: "A", count: 43), "nonsense", String(token.dropLast()) + "x", "tsk_abc"]
        {
            let reply = try open(guess)
            #expect(reply.status == 404 && reply.header("X-Robots-Tag") != nil, "\(guess): \(reply)")
        }
        let pending = try create(["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 10]]])
        let pendingID = try #require((pending.json["job"] as? [String: Any])?["id"] as? String)
        #expect(try share(nil, job: pendingID).status == 409)

        // Revoked: gone at once; the other link still works until the job is deleted.
        #expect(try api.call(.delete, "/v1/jobs/\(id)/shares/\(shareID)", token: session.accessToken).status == 204)
        #expect(try open(token).status == 404)
        #expect(try api.call(.delete, "/v1/jobs/\(id)/shares/\(shareID)", token: session.accessToken).status == 404)
        #expect(try open(mediaToken).status == 200)
        #expect(try api.call(.delete, "/v1/jobs/\(id)", token: session.accessToken).status == 204)
        #expect(try open(mediaToken).status == 404)
    }

    /// `HH:MM:SS,mmm` in seconds.
    static func seconds(_ text: String) -> Double {
        let parts = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".").split(
            separator: ":")
        return (Double(parts[0]) ?? 0) * 3600 + (Double(parts[1]) ?? 0) * 60 + (Double(parts[2]) ?? 0)
    }
}
