import Testing

@testable import Runtime
@testable import Transcriptor

/// The subtitle controls (`maxLineLength`, `maxLines`, `maxCueSeconds`, `minGapMs`) hold for every
/// cue, cues end at phrase boundaries where they can, and the documents (Markdown, Word) carry the
/// speakers and times.
@Suite struct SubtitleControlTests {
    static let jfk =
        "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."

    static var transcript: Transcript {
        let words = jfk.split(separator: " ").enumerated().map { index, word in
            Transcript.Word(
                start: 0.3 + Double(index) * 0.45, end: 0.3 + Double(index + 1) * 0.45 - 0.05, word: " \(word)")
        }
        return Transcript(
            jobId: "j", language: "en", durationSec: 11,
            segments: [.init(start: 0.3, end: words.last!.end, text: jfk, words: words)])
    }

    func check(_ formatter: SubtitleFormatter, _ transcript: Transcript = Self.transcript) -> [SubtitleFormatter.Cue] {
        let cues = formatter.cues(for: transcript)
        for cue in cues {
            #expect(cue.lines.count <= formatter.maxLines, "\(cue.lines)")
            #expect(cue.lines.allSatisfy { $0.count <= formatter.maxLineLength }, "\(cue.lines)")
            #expect(cue.end > cue.start && cue.end - cue.start <= formatter.maxCueSeconds + 1e-9)
        }
        for (first, second) in zip(cues, cues.dropFirst()) {
            #expect(
                SubtitleFormatter.millis(second.start) - SubtitleFormatter.millis(first.end)
                    >= Int64(formatter.minGapMs))
        }
        return cues
    }

    @Test func everyBoundHoldsOverTheirRanges() {
        for length in [10, 20, 42, 100] {
            for lines in 1...4 {
                for seconds in [1.0, 3, 7, 30] {
                    for gap in [0, 120, 2000] {
                        var formatter = SubtitleFormatter()
                        formatter.maxLineLength = length
                        formatter.maxLines = lines
                        formatter.maxCueSeconds = seconds
                        formatter.minGapMs = gap
                        _ = check(formatter)
                    }
                }
            }
        }
    }

    @Test func cuesEndAtPhrasesNotMidPhrase() {
        var formatter = SubtitleFormatter()
        formatter.maxLines = 1
        let cues = check(formatter)
        let texts = cues.map { $0.lines.joined(separator: " ") }
        // The default 42 characters once cut "…ask not what / your country can / do for you": now the
        // first phrase ends a cue.
        #expect(texts.first == "And so my fellow Americans,", "\(texts)")
        #expect(texts.contains("ask not what your country can do for you,"), "\(texts)")
        #expect(texts.joined(separator: " ") == Self.jfk)
    }

    @Test func aWordLongerThanALineIsBrokenHard() {
        let long = String(repeating: "x", count: 35)
        let transcript = Transcript(
            jobId: "j", language: "en", durationSec: 3,
            segments: [
                .init(
                    start: 0, end: 3, text: "a \(long) b",
                    words: [
                        .init(start: 0, end: 0.5, word: "a"), .init(start: 0.5, end: 2.5, word: long),
                        .init(start: 2.5, end: 3, word: "b"),
                    ])
            ])
        var formatter = SubtitleFormatter()
        formatter.maxLineLength = 10
        formatter.maxLines = 1
        let cues = check(formatter, transcript)
        #expect(cues.flatMap(\.lines).joined().replacing(" ", with: "") == "a\(long)b")
    }

    @Test func markdownAndWordCarryTitleSpeakersAndTimes() throws {
        var transcript = TranscriptEditingTests.transcript(speakers: true).naming(["S1": "Ada *Lovelace*"])
        transcript.segments[0].text = "# not a heading - 1. not a list"
        let markdown = DocumentWriter.markdown(transcript, title: "Board <meeting>", timestamps: true)
        #expect(markdown.hasPrefix("# Board \\<meeting\\>\n\n**Ada \\*Lovelace\\*** [00:00]  \n\\# not a heading"))
        #expect(markdown.contains("**Speaker 2** [00:"))
        let docx = DocumentWriter.docx(transcript, title: "Board", timestamps: false)
        #expect(Array(docx.prefix(4)) == [0x50, 0x4b, 0x03, 0x04])
        #expect(DocumentWriter.xml("a<b>&\"c\u{1}") == "a&lt;b&gt;&amp;&quot;c")
    }

    @Test func plainTextWithTimestampsHasAParagraphPerSegment() {
        let text = TranscriptEditingTests.transcript().plainText(timestamps: true)
        #expect(text.hasPrefix("[00:00] And so my fellow Americans,\n\n[00:"))
        #expect(Transcript.clock(3725) == "1:02:05")
    }

    @Test func markdownLineStartsThatWouldBeMarkupArePlain() {
        #expect(DocumentWriter.escapeMarkdown("=== loud") == "\\=== loud")
        #expect(DocumentWriter.escapeMarkdown("- item") == "\\- item")
        #expect(DocumentWriter.escapeMarkdown("12. point") == "12\\. point")
    }

    @Test func downloadNamesFallBackForTitlesWithoutASCII() {
        #expect(
            TranscriptRoute.disposition(title: "会議", format: .docx)
                == "attachment; filename=\"transcript.docx\"; filename*=UTF-8''%E4%BC%9A%E8%AD%B0.docx")
        #expect(
            TranscriptRoute.disposition(title: "Q3 \"board\"", format: .md)
                == "inline; filename=\"Q3 board.md\"; filename*=UTF-8''Q3%20%22board%22.md")
    }
}
