import Testing

@testable import Runtime
@testable import Transcriptor

/// Editing a transcript's segments (`PATCH /v1/jobs/{id}/transcript`): texts, speakers, splits and
/// merges by the indices of the version edited, word times kept where the words are kept.
@Suite struct TranscriptEditingTests {
    static func words(_ text: String, from start: Double, step: Double, speaker: String? = nil) -> [Transcript.Word] {
        text.split(separator: " ").enumerated().map { index, word in
            .init(
                start: start + Double(index) * step, end: start + Double(index + 1) * step - 0.05,
                word: " " + String(word), confidence: 0.9, speaker: speaker)
        }
    }

    static func transcript(speakers: Bool = false) -> Transcript {
        let texts = [
            "And so my fellow Americans,", "ask not what your country can do for you,", "ask what you can do.",
        ]
        var start = 0.0
        var segments: [Transcript.Segment] = []
        for (index, text) in texts.enumerated() {
            let speaker = speakers ? "S\(index % 2 + 1)" : nil
            let words = words(text, from: start, step: 0.5, speaker: speaker)
            segments.append(.init(start: start, end: words.last!.end, text: text, words: words, speaker: speaker))
            start = words.last!.end + 0.3
        }
        return Transcript(
            jobId: "job_1", language: "en", durationSec: 12, segments: segments,
            speakers: speakers ? [.init(id: "S1", name: "Speaker 1"), .init(id: "S2", name: "Speaker 2")] : nil)
    }

    func edit(_ transcript: Transcript, _ edits: [TranscriptEdits.Edit]) throws -> Transcript {
        try transcript.editing(TranscriptEdits(edits: edits))
    }

    func text(_ segment: Int, _ text: String) -> TranscriptEdits.Edit {
        TranscriptEdits.Edit(segment: segment, text: text)
    }

    @Test func aTextEditKeepsTheTimesOfTheWordsItKeepsAndPlacesNewOnesBetweenThem() throws {
        let original = Self.transcript()
        let edited = try edit(original, [text(1, "Ask not what our great country can do for you!")])
        let before = original.segments[1].words
        let after = edited.segments[1].words
        #expect(
            after.map { $0.word.trimmingWhitespace() }
                == "Ask not what our great country can do for you!".split(separator: " ").map(String.init))
        // "Ask" and "you!" differ only in case and punctuation: their times are kept.
        #expect(after[0].start == before[0].start && after[0].end == before[0].end)
        #expect(after[9].start == before[8].start)
        // "our great" replace "your": they share its time, between "what" and "country".
        #expect(after[3].start >= before[2].end && after[4].end <= before[4].start + 1e-9)
        #expect(after[3].confidence == nil && after[2].confidence == 0.9)
        #expect(
            edited.segments[1].start == original.segments[1].start && edited.segments[1].end == original.segments[1].end
        )
        #expect(edited.text.contains("our great country"))
        // Every word's time inside its segment and in order.
        for (first, second) in zip(after, after.dropFirst()) { #expect(first.start <= second.start) }
    }

    @Test func anEmptyTextRemovesTheSegmentAndIndicesReferToTheVersionEdited() throws {
        let original = Self.transcript()
        let edited = try edit(original, [text(0, "  "), text(2, "ask what you can do for your country.")])
        #expect(edited.segments.count == 2)
        #expect(edited.segments[0].text == original.segments[1].text)
        #expect(edited.segments[1].text == "ask what you can do for your country.")
    }

    @Test func splitAndMergeMakeSegmentsAtWordBoundaries() throws {
        let original = Self.transcript()
        let split = try edit(original, [TranscriptEdits.Edit(split: .init(segment: 1, atWord: 4))])
        #expect(split.segments.count == 4)
        #expect(split.segments[1].text == "ask not what your" && split.segments[2].text == "country can do for you,")
        #expect(split.segments[1].end == original.segments[1].words[3].end)
        #expect(split.segments[2].start == original.segments[1].words[4].start)
        let merged = try edit(
            original, [TranscriptEdits.Edit(merge: .init(segment: 0)), TranscriptEdits.Edit(merge: .init(segment: 1))])
        #expect(merged.segments.count == 1)
        #expect(merged.segments[0].text == original.text)
        #expect(merged.segments[0].words.count == original.segments.map(\.words.count).reduce(0, +))
    }

    @Test func speakerEditsMoveWordsAndNewSpeakersGetANumber() throws {
        let original = Self.transcript(speakers: true)
        let edited = try edit(original, [TranscriptEdits.Edit(segment: 1, speaker: "S3")])
        #expect(edited.segments[1].speaker == "S3" && edited.segments[1].words.allSatisfy { $0.speaker == "S3" })
        #expect(
            edited.speakers?.map(\.id) == ["S1", "S3", "S2"] || edited.speakers?.map(\.id) == ["S1", "S3"] + ["S2"])
        #expect(edited.speakers?.first { $0.id == "S3" }?.name == "Speaker 3")
        // Merging two speakers' segments gives the whole the first one's speaker.
        let merged = try edit(original, [TranscriptEdits.Edit(merge: .init(segment: 0))])
        #expect(merged.segments[0].words.allSatisfy { $0.speaker == "S1" })
    }

    @Test func editsThatCannotBeMadeSayWhy() throws {
        let original = Self.transcript()
        func refused(_ edits: [TranscriptEdits.Edit], on transcript: Transcript? = nil) -> InvalidInput? {
            do {
                _ = try (transcript ?? original).editing(TranscriptEdits(edits: edits))
                return nil
            } catch { return error }
        }
        #expect(refused([])?.message.contains("at least one") == true)
        #expect(refused([text(3, "x")])?.message.contains("3 segments (0 to 2)") == true)
        #expect(refused([text(-1, "x")]) != nil)
        #expect(refused([TranscriptEdits.Edit(segment: 0)])?.message.contains("changes nothing") == true)
        #expect(
            refused([TranscriptEdits.Edit(split: .init(segment: 0, atWord: 0))])?.message.contains("from 1 to 4")
                == true)
        #expect(refused([TranscriptEdits.Edit(split: .init(segment: 0, atWord: 5))]) != nil)
        #expect(refused([TranscriptEdits.Edit(merge: .init(segment: 2))])?.message.contains("last segment") == true)
        #expect(
            refused([
                TranscriptEdits.Edit(split: .init(segment: 1, atWord: 2)),
                TranscriptEdits.Edit(merge: .init(segment: 0)),
            ])
                != nil)
        #expect(refused([text(0, "a"), text(0, "b")])?.message.contains("twice") == true)
        #expect(refused([text(0, "bad\u{202E}text")])?.message.contains("U+202E") == true)
        #expect(refused([text(0, String(repeating: "a", count: 5001))]) != nil)
        #expect(refused([TranscriptEdits.Edit(segment: 0, speaker: "S2")])?.code == "no_speakers")
        let withSpeakers = Self.transcript(speakers: true)
        for bad in ["s1", "S0", "S1000", "Ada", "", "S01"] {
            #expect(refused([TranscriptEdits.Edit(segment: 0, speaker: bad)], on: withSpeakers) != nil, "\(bad)")
        }
        #expect(refused(Array(repeating: text(0, "x"), count: 501))?.message.contains("at most 500") == true)
    }

    @Test func aSegmentWithoutWordTimesGetsWordsSpreadOverItsTime() throws {
        let bare = Transcript(
            jobId: "j", language: "en", durationSec: 4, segments: [.init(start: 1, end: 3, text: "one two three four")])
        let split = try edit(bare, [TranscriptEdits.Edit(split: .init(segment: 0, atWord: 2))])
        #expect(split.segments.map(\.text) == ["one two", "three four"])
        #expect(split.segments[0].end == 2 && split.segments[1].start == 2)
    }

    @Test func aHugeEditOfAHugeSegmentStaysCheapAndKeepsTheEnds() throws {
        // A segment grown by merges to 40,000 words (four hours of speech), its middle replaced by
        // 1,600 new words: a full alignment table would be 64 million cells (half a gigabyte, and
        // seconds of work in a 512 MB function); the shared ends are kept, the middle is replaced.
        let count = 40_000
        let words = (0..<count).map { Transcript.Word(start: Double($0), end: Double($0) + 0.5, word: " w\($0)") }
        let big = Transcript(
            jobId: "j", language: "en", durationSec: Double(count),
            segments: [.init(start: 0, end: Double(count), text: words.map(\.word).joined(), words: words)])
        let tokens =
            (0..<5).map { "w\($0)" } + Array(repeating: "zq", count: 1600) + (count - 5..<count).map { "w\($0)" }
        let started = ContinuousClock.now
        let edited = try edit(big, [text(0, tokens.joined(separator: " "))])
        #expect(ContinuousClock.now - started < .seconds(2))
        let after = edited.segments[0].words
        #expect(after.count == tokens.count)
        #expect(after[4].start == 4 && after[after.count - 1].start == Double(count - 1))
        #expect(after[5].start >= 4.5 && after[1604].end <= Double(count - 5) + 1e-6)
    }

    @Test func mergesKeepEveryWordAndStayWithinASegmentsLength() throws {
        // A segment without word times merged into one with: the words cover the whole text.
        var mixed = Self.transcript()
        mixed.segments[1].words = []
        let merged = try edit(mixed, [TranscriptEdits.Edit(merge: .init(segment: 0))])
        #expect(
            merged.segments[0].words.map { $0.word.trimmingWhitespace() }.joined(separator: " ")
                == merged.segments[0].text)
        // Merges cannot grow a segment past the longest text an edit may give it.
        let long = String(repeating: "word ", count: 900).trimmingWhitespace()
        let grown = try edit(Self.transcript(), [text(0, long), text(1, long)])
        #expect(throws: InvalidInput.self) {
            try grown.editing(TranscriptEdits(edits: [TranscriptEdits.Edit(merge: .init(segment: 0))]))
        }
    }
}
