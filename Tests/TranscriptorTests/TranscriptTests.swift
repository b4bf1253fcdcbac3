import Testing

@testable import Transcriptor

/// A chunk's transcript placed in the whole file.
@Suite struct TranscriptTests {
    let chunk = Transcript(
        jobId: "", language: "en", durationSec: 4,
        segments: [
            .init(
                start: 0.5, end: 2, text: " Hello there ",
                words: [
                    .init(start: 0.5, end: 1, word: "Hello", confidence: 0.9), .init(start: 1.2, end: 2, word: "there"),
                ]
            ),
            .init(start: 2.5, end: 4, text: "again"),
        ])

    @Test func shiftingMovesEverySegmentAndWordAndKeepsTheRest() {
        let shifted = chunk.shifted(by: 300)
        #expect(shifted.segments.map(\.start) == [300.5, 302.5])
        #expect(shifted.segments.map(\.end) == [302, 304])
        #expect(shifted.segments[0].words.map(\.start) == [300.5, 301.2])
        #expect(shifted.segments[0].words.map(\.end) == [301, 302])
        #expect(shifted.segments[0].words.map(\.confidence) == [0.9, nil])
        #expect(shifted.segments.map(\.text) == chunk.segments.map(\.text))
        #expect(shifted.text == "Hello there again")
        #expect(shifted.language == "en" && shifted.durationSec == 4 && shifted.jobId == "")
    }

    @Test func shiftingByNothingChangesNothing() {
        #expect(chunk.shifted(by: 0) == chunk)
    }
}
