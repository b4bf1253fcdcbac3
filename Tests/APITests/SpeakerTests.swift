import Foundation
import HTTP
import TestSupport
import Testing

/// Speakers end to end through the emulator: a conversation of two real speakers (the LibriVox
/// reader and Allison of Asterisk's prompts, joined with short gaps by
/// `bench/diarization/make_fixtures.py`, so every turn is known: `real-2spk-mf`), split into chunks,
/// transcribed by whisper while the diarize stage runs senko on the whole recording, then merged with
/// a speaker on every word; every format, renaming over the wire, and what a careless or hostile
/// client sends.
@Suite(.serialized) final class SpeakerTests {
    let api: APIHarness
    let session: APIHarness.Session
    let media: String

    init() throws {
        // 10-second chunks: the 45 s conversation spans five, so speakers must agree across chunks.
        api = try APIHarness(
            parameters: ["ChunkSeconds": "10", "MaxUploadBytes": "20000000"], environment: ["TIME_SCALE": "0.01"])
        session = try api.signup()
        media = try PipelineMedia.folder()
    }

    deinit { PipelineMedia.remove(media) }

    /// The diarization fixtures, made offline into `folder` (the pyannote wheel comes from the
    /// bootstrap's cache), with the true turns of `name` from its RTTM (start, end, speaker).
    static func fixture(_ name: String, in folder: String) throws -> (path: String, turns: [(Double, Double, String)]) {
        let repository = APIHarness.repository.path
        let made = try runProcess(
            "\(repository)/.venv/bin/python",
            [
                "\(repository)/bench/diarization/make_fixtures.py", folder, "--offline", "--cache",
                "\(repository)/.venv/diarization-cache",
            ])
        guard made.status == 0 else { throw ServerError("make_fixtures.py: \(made.output)") }
        let rttm = try String(contentsOfFile: "\(folder)/\(name).rttm", encoding: .utf8)
        let turns = rttm.split(separator: "\n").compactMap { line -> (Double, Double, String)? in
            let fields = line.split(separator: " ")
            guard fields.count >= 8, fields[0] == "SPEAKER", let start = Double(fields[3]),
                let length = Double(fields[4])
            else { return nil }
            return (start, start + length, String(fields[7]))
        }
        return ("\(folder)/\(name).wav", turns)
    }

    func upload(_ file: String, speakers: Bool?) throws -> String {
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        var body: [String: Any] = [
            "source": [
                "upload": [
                    "filename": (file as NSString).lastPathComponent, "contentType": "audio/wav", "size": size,
                ]
            ]
        ]
        if let speakers { body["options"] = ["speakers": speakers] }
        let created = try api.call(.post, "/v1/jobs", token: session.accessToken, json: body)
        #expect(created.status == 201, "\(created)")
        let upload = try #require(created.json["upload"] as? [String: Any])
        let put = try HTTPClient().execute(
            HTTPRequest(
                .put, url: upload["url"] as! String, headers: [("Content-Type", "audio/wav")], body: .file(path: file)))
        #expect(put.status == 200, "\(put.bodyText)")
        return try #require((created.json["job"] as? [String: Any])?["id"] as? String)
    }

    func transcript(_ id: String, format: String = "json", token: String? = nil) throws -> APIHarness.Reply {
        try api.call(.get, "/v1/jobs/\(id)/transcript?format=\(format)", token: token ?? session.accessToken)
    }

    func rename(_ id: String, _ body: Any, token: String? = nil) throws -> APIHarness.Reply {
        try api.call(.patch, "/v1/jobs/\(id)/speakers", token: token ?? session.accessToken, json: body)
    }

    /// The share of words whose speaker is the true one, under the best one-to-one mapping of the
    /// found speakers to the true ones (each word's truth: the turn its middle falls in, or the nearest).
    static func wordAccuracy(_ words: [[String: Any]], truth: [(Double, Double, String)]) -> Double {
        func truthAt(_ time: Double) -> String {
            truth.min { a, b in
                let da = time < a.0 ? a.0 - time : max(0, time - a.1)
                let db = time < b.0 ? b.0 - time : max(0, time - b.1)
                return da < db
            }!.2
        }
        var pairs: [String: [String: Int]] = [:]
        for word in words {
            let middle = ((word["start"] as! Double) + (word["end"] as! Double)) / 2
            pairs[word["speaker"] as? String ?? "?", default: [:]][truthAt(middle), default: 0] += 1
        }
        // Two true speakers: the better of the mappings that give each found speaker its majority.
        var right = 0
        var used: Set<String> = []
        for (_, counts) in pairs.sorted(by: { $0.value.values.reduce(0, +) > $1.value.values.reduce(0, +) }) {
            guard let best = counts.filter({ !used.contains($0.key) }).max(by: { $0.value < $1.value }) else {
                continue
            }
            used.insert(best.key)
            right += best.value
        }
        return words.isEmpty ? 0 : Double(right) / Double(words.count)
    }

    @Test func aConversationGetsTheRightSpeakerOnItsWordsInEveryFormatAndTheirNames() throws {
        let (path, truth) = try Self.fixture("real-2spk-mf", in: media)
        #expect(Set(truth.map(\.2)) == ["allison", "librivox"] && truth.count == 10)
        let id = try upload(path, speakers: true)
        let job = try api.finished(id, token: session.accessToken, timeout: 300)
        #expect(job["status"] as? String == "done", "\(job)")
        #expect((job["options"] as? [String: Any])?["speakers"] as? Bool == true)
        #expect(job["warnings"] == nil, "\(job)")
        #expect((job["progress"] as? [String: Any])?["chunksTotal"] as? Int ?? 0 >= 3, "several chunks: \(job)")

        let json = try transcript(id).json
        let speakers = try #require(json["speakers"] as? [[String: Any]], "\(json)")
        #expect(speakers.map { $0["id"] as? String } == ["S1", "S2"])
        #expect(speakers.map { $0["name"] as? String } == ["Speaker 1", "Speaker 2"])
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(segments.allSatisfy { $0["speaker"] as? String != nil })
        let words = segments.flatMap { $0["words"] as? [[String: Any]] ?? [] }
        #expect(words.count > 60)
        #expect(words.allSatisfy { ["S1", "S2"].contains($0["speaker"] as? String ?? "") })
        let accuracy = Self.wordAccuracy(words, truth: truth)
        #expect(accuracy >= 0.95, "words with the right speaker: \(accuracy)")
        // Allison speaks first: she is Speaker 1 wherever she speaks, in every chunk.
        #expect(segments.first?["speaker"] as? String == "S1")
        let allisonWords = words.filter { word in
            let middle = ((word["start"] as! Double) + (word["end"] as! Double)) / 2
            return truth.contains { $0.2 == "allison" && $0.0 - 0.3 <= middle && middle <= $0.1 + 0.3 }
        }
        let allisonAsS1 = allisonWords.filter { $0["speaker"] as? String == "S1" }.count
        #expect(Double(allisonAsS1) >= 0.95 * Double(allisonWords.count), "\(allisonAsS1) of \(allisonWords.count)")

        let text = try transcript(id, format: "txt").text
        let paragraphs = text.split(separator: "\n\n")
        #expect(paragraphs.count >= 8, "a paragraph per turn: \(text)")
        #expect(paragraphs.first?.hasPrefix("Speaker 1: ") == true, "\(text)")
        #expect(paragraphs.dropFirst().first?.hasPrefix("Speaker 2: ") == true, "\(text)")
        #expect(try transcript(id, format: "vtt").text.contains("<v Speaker 2>"))
        #expect(try transcript(id, format: "srt").text.contains("Speaker 2: "))

        // Renaming: names trimmed, every format shows them, a rename of one keeps the other's.
        let renamed = try rename(id, ["S1": "  Allison Smith ", "S2": "Reader"])
        #expect(renamed.status == 200, "\(renamed)")
        #expect(
            (renamed.json["speakers"] as? [[String: Any]])?.map { $0["name"] as? String } == [
                "Allison Smith", "Reader",
            ])
        #expect(try rename(id, ["S2": "Marianne"]).status == 200)
        let named = try transcript(id, format: "txt").text
        #expect(named.hasPrefix("Allison Smith: "), "\(named)")
        #expect(named.contains("\n\nMarianne: "))
        #expect(try transcript(id, format: "vtt").text.contains("<v Marianne>"))
        #expect(try transcript(id, format: "srt").text.contains("Allison Smith: "))
        #expect(
            (try transcript(id).json["speakers"] as? [[String: Any]])?.map { $0["name"] as? String } == [
                "Allison Smith", "Marianne",
            ])

        // What a careless or hostile client sends: each a 400 that says why, and nothing changes.
        let bad: [(Any, String)] = [
            ([String: String](), "at least one"),
            (["S9": "Nobody"], "S9 is not one of"),
            (["S1": String(repeating: "x", count: 61)], "1 to 60"),
            (["S1": "   "], "1 to 60"),
            (["S1": "Ada\u{7}"], "control"),
            (["S1": "Ada\u{202E}"], "bidirectional"),
            (["S1": 7], ""),
            (["Ada", "Grace"], ""),
        ]
        for (body, says) in bad {
            let reply = try rename(id, body)
            #expect(reply.status == 400, "\(body): \(reply)")
            #expect(says.isEmpty || reply.errorMessage.contains(says), "\(body): \(reply)")
        }
        #expect(try transcript(id, format: "txt").text == named)

        // Another user's job is not found, whatever they send.
        let other = try api.signup()
        #expect(try rename(id, ["S1": "Mine"], token: other.accessToken).status == 404)
        #expect(try transcript(id, token: other.accessToken).status == 404)

        // At-least-once delivery: the diarize message and the speakers' event again change nothing.
        let message = #"{"stage":"diarize","userId":"\#(session.userID)","jobId":"\#(id)"}"#
        for _ in 0..<2 {
            let reply = try api.emulator.invoke("DiarizeFunction", payload: PipelineMedia.sqsEvent(message))
            #expect(reply.bodyText.contains(#""batchItemFailures":[]"#), "\(reply.bodyText)")
            let persisted = try api.emulator.invoke(
                "PersistFunction",
                payload: PipelineMedia.s3Event(
                    bucket: api.bucket, key: "segments/\(session.userID)/\(id)/speakers.json"))
            #expect(persisted.header("x-amz-function-error") == nil, "\(persisted.bodyText)")
        }
        #expect(try transcript(id, format: "txt").text == named)
        let usage = try api.call(.get, "/v1/me", token: session.accessToken).json["usage"] as? [String: Any]
        #expect(usage?["jobs"] as? Int == 1, "metered once: \(usage ?? [:])")
    }

    @Test func aJobWithoutSpeakersLooksAsBeforeAndHasNoneToName() throws {
        let (path, _) = try Self.fixture("real-2spk-mm", in: media)
        let id = try upload(path, speakers: nil)
        let job = try api.finished(id, token: session.accessToken, timeout: 300)
        #expect(job["status"] as? String == "done", "\(job)")
        #expect((job["options"] as? [String: Any])?["speakers"] as? Bool == false)
        let reply = try transcript(id)
        #expect(!reply.text.contains("speaker"), "\(reply.text.prefix(300))")
        #expect(!(try transcript(id, format: "txt").text.contains("Speaker 1")))
        let refused = try rename(id, ["S1": "Ada"])
        #expect(refused.status == 409 && refused.errorCode == "no_speakers", "\(refused)")
    }

    /// When the speakers cannot be found (here: the diarize worker cannot start, so every attempt
    /// fails until the queue gives up), the job still finishes with its words, says why on the job,
    /// and has no speakers to name.
    @Test func speakersThatCannotBeFoundLeaveTheWordsAndAWarning() throws {
        let broken = try APIHarness(
            parameters: ["ChunkSeconds": "10", "MaxUploadBytes": "20000000"], environment: ["TIME_SCALE": "0.01"],
            config: "DIARIZE_WORKER=/nonexistent/worker.py")
        let owner = try broken.signup()
        let (path, _) = try Self.fixture("real-2spk-mm", in: media)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let created = try broken.call(
            .post, "/v1/jobs", token: owner.accessToken,
            json: [
                "source": ["upload": ["filename": "two.wav", "contentType": "audio/wav", "size": size]],
                "options": ["speakers": true],
            ])
        let upload = try #require(created.json["upload"] as? [String: Any], "\(created)")
        let put = try HTTPClient().execute(
            HTTPRequest(
                .put, url: upload["url"] as! String, headers: [("Content-Type", "audio/wav")], body: .file(path: path)))
        #expect(put.status == 200)
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        let job = try broken.finished(id, token: owner.accessToken, timeout: 300)
        #expect(job["status"] as? String == "done", "\(job)")
        let warnings = try #require(job["warnings"] as? [[String: Any]], "\(job)")
        #expect(warnings.first?["code"] as? String == "speakers_unavailable")
        let message = warnings.first?["message"] as? String
        #expect(message?.contains("after several attempts") == true, "\(warnings)")
        let json = try broken.call(.get, "/v1/jobs/\(id)/transcript", token: owner.accessToken)
        #expect(json.status == 200 && !json.text.contains("speaker"), "\(json.text.prefix(300))")
        #expect(json.text.contains("\"text\""))
        let refused = try broken.call(.patch, "/v1/jobs/\(id)/speakers", token: owner.accessToken, json: ["S1": "Ada"])
        #expect(refused.status == 409 && refused.errorCode == "no_speakers", "\(refused)")
    }
}
