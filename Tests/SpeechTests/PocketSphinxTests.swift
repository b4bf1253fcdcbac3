import Runtime
import Testing
import Transcriptor

@testable import Speech

/// PocketSphinx on real recorded speech: words with times inside the audio, and a word error rate
/// in its known range.
@Suite struct PocketSphinxTests {
    @Test func transcribesTheFixturesWithTimedWords() throws {
        let engine = try PocketSphinxEngine(settings: .init())
        var errors = 0
        var words = 0
        for (file, reference) in try Fixtures.references() where file.hasSuffix(".wav") {
            let transcript = try engine.transcribe(
                Fixtures.audio(file), language: "auto", deadline: Timestamp.now().adding(seconds: 120))
            #expect(transcript.language == "en")
            try Fixtures.expectWellTimed(transcript, file: file)
            let score = WordErrorRate.measure(reference: reference, hypothesis: transcript.text)
            errors += score.errors
            words += score.words
        }
        let rate = Double(errors) / Double(words)
        // Measured here: 25 % over these fixtures (clean 16 kHz speech).
        #expect(rate < 0.45, "pocketsphinx WER \(rate)")
    }

    @Test func refusesLanguagesOtherThanEnglishAndNonWAVInput() throws {
        let engine = try PocketSphinxEngine(settings: .init())
        #expect(throws: SpeechError.self) {
            try engine.transcribe(Fixtures.audio("jfk.wav"), language: "de", deadline: .now().adding(seconds: 30))
        }
        do {
            _ = try engine.transcribe(Fixtures.audio("jfk.mp3"), language: "auto", deadline: .now().adding(seconds: 30))
            Issue.record("an mp3 is not a WAV file")
        } catch {
            #expect(error.isPermanent)
        }
    }

    @Test func aMissingModelIsAConfigurationError() {
        var settings = PocketSphinxEngine.Settings()
        settings.modelDirectory = "/nonexistent"
        #expect(throws: SpeechError.self) { try PocketSphinxEngine(settings: settings) }
    }
}
