import Runtime

/// SubRip (SRT) and WebVTT from a transcript: cues built from word timings where there are words,
/// at most two lines of at most 42 characters, at most 7 seconds each, never overlapping.
public struct SubtitleFormatter: Sendable {
    public var maxLineLength = 42
    public var maxLines = 2
    public var maxCueSeconds = 7.0

    public init() {}

    public struct Cue: Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var lines: [String]
        /// The name of who speaks in the cue, on a transcript with speakers (a cue is one segment's,
        /// so one speaker's).
        public var speaker: String? = nil
    }

    /// The cues of a transcript, in order, without overlaps. With `labelChanges`, a cue whose
    /// speaker is not the previous cue's starts with the name (`Ada: …`), counted in its lines (SRT
    /// has no voice markup).
    public func cues(for transcript: Transcript, labelChanges: Bool = false) -> [Cue] {
        var cues: [Cue] = []
        var previousSpeaker: String?
        for segment in transcript.segments {
            let words =
                segment.words.isEmpty
                ? Self.spreadWords(segment) : segment.words.filter { !Self.cueText($0.word).isEmpty }
            let name = transcript.speakerName(segment.speaker).map(Self.cueText)
            var label: [String] =
                labelChanges && name != nil && segment.speaker != previousSpeaker ? ["\(name!):"] : []
            var current: [Transcript.Word] = []
            func flush() {
                guard let first = current.first, let last = current.last else { return }
                cues.append(
                    Cue(
                        start: first.start, end: max(last.end, first.start + 0.001),
                        lines: wrap(label + current.map { Self.cueText($0.word) }), speaker: name))
                current.removeAll()
                label = []
                previousSpeaker = segment.speaker
            }
            for word in words {
                let candidate = current + [word]
                let fits =
                    wrap(label + candidate.map { Self.cueText($0.word) }).count <= maxLines
                    && (candidate.last!.end - candidate.first!.start) <= maxCueSeconds
                if !fits { flush() }
                current.append(word)
            }
            flush()
        }
        // No overlaps, and monotonic: a cue ends no later than the next begins.
        for index in cues.indices.dropLast() where cues[index].end > cues[index + 1].start {
            cues[index].end = max(cues[index].start + 0.001, cues[index + 1].start)
        }
        // Cues that start together (words of no length, found by fuzzing) cannot all end before the
        // next begins: those move forward by the millisecond a cue lasts at least.
        var previousEnd = 0.0
        for index in cues.indices {
            if cues[index].start < previousEnd { cues[index].start = previousEnd }
            if cues[index].end < cues[index].start + 0.001 { cues[index].end = cues[index].start + 0.001 }
            previousEnd = cues[index].end
        }
        return cues
    }

    /// A word as a cue shows it: line breaks, tabs and runs of spaces inside it become one space (a
    /// blank line would end the cue in both formats; found by fuzzing), and control characters go.
    static func cueText(_ word: String) -> String {
        word.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
            .map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    /// Words greedily filled into lines of `maxLineLength` (a longer word gets a line of its own).
    func wrap(_ words: [String]) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in words {
            if line.isEmpty {
                line = word
            } else if line.count + 1 + word.count <= maxLineLength {
                line += " " + word
            } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// A segment without word timings: its words spread evenly over its time.
    static func spreadWords(_ segment: Transcript.Segment) -> [Transcript.Word] {
        let texts = segment.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard !texts.isEmpty else { return [] }
        let step = max(segment.end - segment.start, 0.001) / Double(texts.count)
        return texts.enumerated().map { index, text in
            Transcript.Word(
                start: segment.start + Double(index) * step, end: segment.start + Double(index + 1) * step, word: text)
        }
    }

    public func srt(_ transcript: Transcript) -> String {
        cues(for: transcript, labelChanges: true).enumerated().map { index, cue in
            "\(index + 1)\n\(Self.time(cue.start, separator: ",")) --> \(Self.time(cue.end, separator: ","))\n\(cue.lines.joined(separator: "\n"))\n"
        }.joined(separator: "\n")
    }

    public func vtt(_ transcript: Transcript) -> String {
        "WEBVTT\n\n"
            + cues(for: transcript).map { cue in
                // "-->" may not appear in a cue's text; "&" and "<" are escaped as WebVTT requires.
                var text = cue.lines.map {
                    $0.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing("-->", with: "--&gt;")
                }
                // The speaker as a voice span (`<v Ada>`); its annotation may hold no ">".
                if let speaker = cue.speaker, !text.isEmpty {
                    let voice = speaker.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
                        .replacing(">", with: "&gt;")
                    text[0] = "<v \(voice)>" + text[0]
                }
                return
                    "\(Self.time(cue.start, separator: ".")) --> \(Self.time(cue.end, separator: "."))\n\(text.joined(separator: "\n"))\n"
            }.joined(separator: "\n")
    }

    /// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT).
    static func time(_ seconds: Double, separator: String) -> String {
        let millis = Int64((max(0, seconds) * 1000).rounded())
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(millis / 3_600_000, 2)):\(pad(millis / 60000 % 60, 2)):\(pad(millis / 1000 % 60, 2))\(separator)\(pad(millis % 1000, 3))"
    }
}
