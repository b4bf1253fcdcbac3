import Testing

@testable import Runtime
@testable import Transcriptor

/// SRT and WebVTT as their specs say: numbering, time formats, readable lines, no overlaps.
@Suite struct SubtitleFormatterTests {
    func words(_ text: String, from start: Double, step: Double) -> [Transcript.Word] {
        text.split(separator: " ").enumerated().map { index, word in
            .init(
                start: start + Double(index) * step, end: start + Double(index + 1) * step - 0.05, word: String(word),
                confidence: 0.9)
        }
    }

    var transcript: Transcript {
        let first = "And so my fellow Americans, ask not what your country can do for you,"
        let second = "ask what you can do for your country."
        return Transcript(
            jobId: "j1", language: "en", durationSec: 11,
            segments: [
                .init(start: 0.3, end: 6.1, text: first, words: words(first, from: 0.3, step: 0.4)),
                .init(start: 6.0, end: 10.8, text: second, words: words(second, from: 6.0, step: 0.5)),
            ])
    }

    @Test func srtHasNumberedCuesWithCommaTimesAndReadableLines() {
        let srt = SubtitleFormatter().srt(transcript)
        let blocks = srt.split(separator: "\n\n").map { $0.split(separator: "\n").map(String.init) }
        #expect(blocks.first?.first == "1")
        #expect(blocks.first?[1] == "00:00:00,300 --> 00:00:05,850", "the first sentence fits one two-line cue")
        for (index, block) in blocks.enumerated() {
            #expect(block[0] == String(index + 1))
            #expect(block[1].wholeMatch(of: /\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d/) != nil)
            #expect((3...4).contains(block.count), "number, times, then one or two text lines")
            #expect(block.dropFirst(2).allSatisfy { $0.count <= 42 })
        }
        #expect(srt.hasSuffix("\n"))
    }

    @Test func cuesNeverOverlapAndLastAtMostSevenSeconds() {
        let cues = SubtitleFormatter().cues(for: transcript)
        for (current, next) in zip(cues, cues.dropFirst()) { #expect(current.end <= next.start) }
        #expect(cues.allSatisfy { $0.end > $0.start && $0.end - $0.start <= 7 })
        let text = cues.flatMap(\.lines).joined(separator: " ")
        #expect(text == transcript.text, "every word once, in order")
    }

    @Test func vttHasItsHeaderDotTimesAndEscapes() {
        var sample = transcript
        sample.segments[1].words[0].word = "<ask>&-->"
        let vtt = SubtitleFormatter().vtt(sample)
        #expect(vtt.hasPrefix("WEBVTT\n\n00:00:00.300 --> "))
        #expect(vtt.contains("&lt;ask>&amp;--&gt;"))
        #expect(!vtt.contains("<ask>"))
    }

    @Test func timesFormatPastAnHour() {
        #expect(SubtitleFormatter.time(3725.0456, separator: ",") == "01:02:05,046")
        #expect(SubtitleFormatter.time(0, separator: ".") == "00:00:00.000")
    }

    @Test func segmentsWithoutWordsAreSpreadAndChunksMergeInOrder() {
        let plain = Transcript(
            jobId: "j", language: "en", durationSec: 20,
            segments: [
                .init(start: 0, end: 20, text: String(repeating: "word ", count: 40))
            ])
        let cues = SubtitleFormatter().cues(for: plain)
        #expect(cues.count > 2)
        #expect(cues.allSatisfy { $0.end - $0.start <= 7 })
        let a = Transcript(jobId: "j", language: "en", durationSec: 5, segments: [.init(start: 0, end: 4, text: "one")])
        let b = Transcript(
            jobId: "j", language: "en", durationSec: 5,
            segments: [
                .init(start: 3.5, end: 4.5, text: "overlap"), .init(start: 5, end: 9, text: "two"),
            ])
        let merged = Transcript.merging([a, b], jobId: "j", durationSec: 10)
        #expect(merged.segments.map(\.text) == ["one", "two"])
        #expect(merged.text == "one two")
    }
}
