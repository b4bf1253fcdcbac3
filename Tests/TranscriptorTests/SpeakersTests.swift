import Runtime
import Testing
import Transcriptor

/// Speakers on a transcript: which speaker each word gets, where segments split, the numbering,
/// and every format with names; a transcript without speakers is written as it always was.
@Suite struct SpeakersTests {
    typealias Word = Transcript.Word

    /// "hello there how are you" from 0 to 5 s, one word a second, in one segment.
    static func oneSegment() -> Transcript {
        let words = ["hello", "there", "how", "are", "you"].enumerated().map { index, text in
            Word(start: Double(index), end: Double(index) + 0.8, word: text)
        }
        return Transcript(
            jobId: "j", language: "en", durationSec: 5,
            segments: [.init(start: 0, end: 5, text: "hello there how are you", words: words)])
    }

    @Test func eachWordGetsTheSpeakerItOverlapsMostAndSegmentsSplitWhereTheSpeakerChanges() {
        // The engine's ids in the order it likes; B speaks first, so B becomes S1.
        let turns = [
            SpeakerTurn(start: 2.6, end: 5, speaker: "A"), SpeakerTurn(start: 0, end: 2.6, speaker: "B"),
        ]
        let named = Self.oneSegment().attributing(turns)
        #expect(named.speakers == [.init(id: "S1", name: "Speaker 1"), .init(id: "S2", name: "Speaker 2")])
        #expect(named.segments.map(\.text) == ["hello there how", "are you"])
        #expect(named.segments.map(\.speaker) == ["S1", "S2"])
        // "how" (2.0–2.8) overlaps B by 0.6 s and A by 0.2 s: B's.
        #expect(named.segments.flatMap(\.words).allSatisfy { $0.speaker != nil })
        #expect(named.segments[0].start == 0 && named.segments[1].end == 5)
        #expect(named.segments[1].start == 3, "the second part starts at its first word")
        #expect(named.text == "hello there how are you")
    }

    @Test func aWordInAPauseTakesTheNearestTurn() {
        let turns = [
            SpeakerTurn(start: 0, end: 1.0, speaker: "A"), SpeakerTurn(start: 3.9, end: 5, speaker: "B"),
        ]
        let named = Self.oneSegment().attributing(turns)
        let words = named.segments.flatMap(\.words)
        // "there" 1.0–1.8 is nearest A (0.4 from its end vs 2.5 from B); "how" 2.0–2.8 (middle
        // 2.4): 1.4 from A, 1.5 from B → A; "are" 3.0–3.8 (3.4): 0.5 from B → B.
        #expect(words.map(\.speaker) == ["S1", "S1", "S1", "S2", "S2"])
    }

    @Test func noTurnsMakeOneSpeakerAndSegmentsWithoutWordsTakeTheirOverlap() {
        let none = Self.oneSegment().attributing([])
        #expect(none.speakers == [.init(id: "S1", name: "Speaker 1")])
        #expect(none.segments.count == 1 && none.segments[0].speaker == "S1")
        let bare = Transcript(
            jobId: "j", language: "en", durationSec: 10,
            segments: [.init(start: 0, end: 4, text: "first"), .init(start: 4, end: 10, text: "second")])
        let named = bare.attributing([
            SpeakerTurn(start: 0, end: 5, speaker: "x"), SpeakerTurn(start: 5, end: 10, speaker: "y"),
        ])
        #expect(named.segments.map(\.speaker) == ["S1", "S2"])
    }

    /// Two speakers, three segments: Ada, Ada, Grace.
    static func conversation() -> Transcript {
        Transcript(
            jobId: "j", language: "en", durationSec: 9,
            segments: [
                .init(start: 0, end: 2, text: "Hello there.", words: [], speaker: "S1"),
                .init(start: 2, end: 4, text: "How are you?", words: [], speaker: "S1"),
                .init(start: 5, end: 8, text: "Fine, thanks.", words: [], speaker: "S2"),
            ], speakers: [.init(id: "S1", name: "Speaker 1"), .init(id: "S2", name: "Speaker 2")]
        ).naming(["S1": "Ada", "S2": "Grace <&>"])
    }

    @Test func textHasAParagraphPerSpeakerTurn() {
        #expect(Self.conversation().plainText == "Ada: Hello there. How are you?\n\nGrace <&>: Fine, thanks.\n")
    }

    @Test func webVTTCarriesVoiceSpansWithTheNamesEscaped() {
        let vtt = SubtitleFormatter().vtt(Self.conversation())
        #expect(vtt.contains("<v Ada>Hello there."))
        #expect(vtt.contains("<v Ada>How are you?"))
        #expect(vtt.contains("<v Grace &lt;&amp;&gt;>Fine, thanks."))
    }

    @Test func srtNamesTheSpeakerWhereItChanges() {
        let srt = SubtitleFormatter().srt(Self.conversation())
        let cues = srt.split(separator: "\n\n").map(String.init)
        #expect(cues.count == 3)
        #expect(cues[0].hasSuffix("Ada: Hello there.\n") || cues[0].hasSuffix("Ada: Hello there."))
        #expect(!cues[1].contains("Ada:"), "the same speaker again is not named again")
        #expect(cues[2].contains("Grace <&>: Fine, thanks."))
    }

    @Test func aTranscriptWithoutSpeakersIsWrittenAsBefore() throws {
        let plain = Self.oneSegment()
        let json = String(decoding: try TranscriptFormat.json.render(plain), as: UTF8.self)
        #expect(!json.contains("speaker"))
        #expect(plain.plainText == "hello there how are you\n")
        #expect(!SubtitleFormatter().vtt(plain).contains("<v "))
        let named = String(
            decoding: try TranscriptFormat.json.render(
                plain.attributing([SpeakerTurn(start: 0, end: 5, speaker: "A")])),
            as: UTF8.self)
        #expect(named.contains("\"speakers\""))
        let decoded = try JSON.decode(Transcript.self, from: Array(named.utf8))
        #expect(decoded.segments[0].words.allSatisfy { $0.speaker == "S1" })
    }
}
