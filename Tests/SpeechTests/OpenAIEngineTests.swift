import Foundation
import Runtime
import TestSupport
import Testing
import Transcriptor

@testable import Speech

/// The OpenAI-compatible engine against a local server speaking that protocol: the multipart
/// request, verbose_json parsing, and retries on 429 and 5xx.
@Suite struct OpenAIEngineTests {
    static let answer = """
        {"task":"transcribe","language":"english","duration":11.0,"text":"And so my fellow Americans, ask not.",
         "segments":[{"id":0,"start":0.0,"end":3.2,"text":" And so my fellow Americans,"},
                     {"id":1,"start":3.9,"end":5.1,"text":" ask not."}],
         "words":[{"word":"And","start":0.3,"end":0.5},{"word":"so","start":0.5,"end":0.9},{"word":"my","start":1.2,"end":1.4},
                  {"word":"fellow","start":1.4,"end":1.8},{"word":"Americans","start":1.8,"end":2.6},
                  {"word":"ask","start":3.9,"end":4.3},{"word":"not","start":4.4,"end":5.0}]}
        """

    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var requests: [LoopbackHTTPServer.Request] = []
        func add(_ request: LoopbackHTTPServer.Request) -> Int {
            lock.withLock {
                requests.append(request)
                return requests.count
            }
        }
    }

    func engine(_ server: LoopbackHTTPServer) throws -> OpenAIEngine {
        var settings = OpenAIEngine.Settings()
        settings.baseURL = server.baseURL + "/v1"
        settings.apiKey = "sk-test"
        settings.model = "whisper-large-v3"
        settings.backoffMilliseconds = 20
        return try OpenAIEngine(settings: settings)
    }

    @Test func sendsMultipartAndReadsVerboseJSONAfterRetries() throws {
        let recorder = Recorder()
        let server = try LoopbackHTTPServer { request in
            switch recorder.add(request) {
            case 1: return .text(429, #"{"error":{"message":"slow down"}}"#, headers: [("Retry-After", "0")])
            case 2: return .text(503, "unavailable")
            default: return .text(200, Self.answer, headers: [("Content-Type", "application/json")])
            }
        }
        let transcript = try engine(server).transcribe(
            Fixtures.audio("jfk.wav"), language: "en", deadline: .now().adding(seconds: 30))
        #expect(recorder.requests.count == 3)
        let request = try #require(recorder.requests.last)
        #expect(request.method == "POST" && request.path == "/v1/audio/transcriptions")
        #expect(request.header("authorization") == "Bearer sk-test")
        #expect(request.header("content-type")?.hasPrefix("multipart/form-data; boundary=") == true)
        let body = request.body
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        for field in [
            "name=\"model\"\r\n\r\nwhisper-large-v3", "name=\"response_format\"\r\n\r\nverbose_json",
            "name=\"timestamp_granularities[]\"\r\n\r\nword", "name=\"language\"\r\n\r\nen", "filename=\"audio.wav\"",
        ] {
            #expect(text.contains(field), "\(field)")
        }
        let wav = try Data(contentsOf: URL(fileURLWithPath: Fixtures.audio("jfk.wav")))
        #expect(body.count > wav.count)
        #expect(transcript.language == "en")
        #expect(transcript.durationSec == 11.0)
        #expect(transcript.segments.map(\.text) == ["And so my fellow Americans,", "ask not."])
        #expect(
            transcript.segments.map { $0.words.map(\.word) } == [
                ["And", "so", "my", "fellow", "Americans"], ["ask", "not"],
            ])
        try Fixtures.expectWellTimed(transcript, file: "jfk.wav")
    }

    @Test func aRefusedUploadIsPermanentAndAnOutageIsNot() throws {
        let refusing = try LoopbackHTTPServer { _ in .text(400, #"{"error":{"message":"Invalid file format."}}"#) }
        do {
            _ = try engine(refusing).transcribe(
                Fixtures.audio("jfk.wav"), language: "auto", deadline: .now().adding(seconds: 10))
            Issue.record("a 400 must fail")
        } catch let error as SpeechError {
            #expect(error.isPermanent)
            #expect(error.description.contains("Invalid file format"))
        }
        let recorder = Recorder()
        let counting = try LoopbackHTTPServer { request in
            _ = recorder.add(request)
            return .text(502, "bad gateway")
        }
        do {
            _ = try engine(counting).transcribe(
                Fixtures.audio("jfk.wav"), language: "auto", deadline: .now().adding(seconds: 20))
            Issue.record("five 502s must fail")
        } catch let error as SpeechError {
            #expect(!error.isPermanent)
            #expect(recorder.requests.count == 5, "the first attempt and four retries")
        }
    }
}
