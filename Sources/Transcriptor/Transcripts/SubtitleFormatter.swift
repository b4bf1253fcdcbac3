import Runtime

/// SubRip (SRT) and WebVTT from a transcript: cues built from word timings where there are words,
/// at most `maxLines` lines of at most `maxLineLength` characters, at most `maxCueSeconds` each,
/// at least `minGapMs` apart, never overlapping. A cue that must end before its segment does ends
/// at the last sentence or phrase boundary in its second half, where there is one, rather than
/// at whichever word filled it ("…ask not what / your country can / do for you" becomes "…ask not
/// what your country can do for you"); a word longer than a line is broken hard.
public struct SubtitleFormatter: Sendable {
    public var maxLineLength = 42
    public var maxLines = 2
    public var maxCueSeconds = 7.0
    public var minGapMs = 0

    public static let lineLengths = 10...100
    public static let lineCounts = 1...4
    public static let cueSeconds = 1...30
    public static let gapsMs = 0...2000

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
    /// has no voice markup), where the name and a word fit in the cue's lines.
    public func cues(for transcript: Transcript, labelChanges: Bool = false) -> [Cue] {
        var cues: [Cue] = []
        var previousSpeaker: String?
        for segment in transcript.segments {
            let words = pieces(
                segment.words.isEmpty
                    ? Self.spreadWords(segment) : segment.words.filter { !Self.cueText($0.word).isEmpty })
            let name = transcript.speakerName(segment.speaker).map(Self.cueText)
            var label: [String] =
                labelChanges && name != nil && segment.speaker != previousSpeaker
                ? pieces(Transcript.tokens(name! + ":")) : []
            if let first = words.first, !fits(label, [first]) { label = [] }
            var current: [Transcript.Word] = []
            func emit(_ count: Int) {
                let taken = current.prefix(count)
                guard let first = taken.first, let last = taken.last else { return }
                cues.append(
                    Cue(
                        start: first.start, end: max(last.end, first.start + 0.001),
                        lines: wrap(label + taken.map { Self.cueText($0.word) }), speaker: name))
                current.removeFirst(taken.count)
                label = []
                previousSpeaker = segment.speaker
            }
            for word in words {
                if !fits(label, current + [word]) {
                    emit(breakPoint(current))
                    if !fits(label, current + [word]) { emit(current.count) }
                }
                current.append(word)
            }
            emit(current.count)
        }
        return spaced(cues)
    }

    /// Whether the words (after `label`) fit one cue's lines and time.
    func fits(_ label: [String], _ words: [Transcript.Word]) -> Bool {
        guard let first = words.first, let last = words.last else { return true }
        return wrap(label + words.map { Self.cueText($0.word) }).count <= maxLines
            && last.end - first.start <= maxCueSeconds
    }

    /// How many of a full cue's words to show in it: up to the last that ends a sentence in its
    /// second half, else the last that ends a phrase there, else all.
    func breakPoint(_ words: [Transcript.Word]) -> Int {
        let half = max(1, (words.count + 1) / 2)
        for marks in [Self.sentenceEnds, Self.phraseEnds] {
            for count in stride(from: words.count - 1, through: half, by: -1)
            where words[count - 1].word.trimmingWhitespace().unicodeScalars.last.map(marks.contains) == true {
                return count
            }
        }
        return words.count
    }

    static let sentenceEnds: Set<Unicode.Scalar> = [".", "!", "?", "…", "。", "！", "？"]
    static let phraseEnds: Set<Unicode.Scalar> = [",", ";", ":", "—", "–", "、", "，", "；"]

    /// Words as cues show them, each longer than a line broken into line-long pieces that share
    /// its time.
    func pieces(_ words: [Transcript.Word]) -> [Transcript.Word] {
        var result: [Transcript.Word] = []
        for word in words {
            let text = Array(Self.cueText(word.word))
            guard text.count > maxLineLength else {
                result.append(word)
                continue
            }
            let count = (text.count + maxLineLength - 1) / maxLineLength
            let step = (word.end - word.start) / Double(count)
            for index in 0..<count {
                var piece = word
                piece.word = String(text[(index * maxLineLength)..<min(text.count, (index + 1) * maxLineLength)])
                piece.start = word.start + step * Double(index)
                piece.end = index == count - 1 ? word.end : word.start + step * Double(index + 1)
                result.append(piece)
            }
        }
        return result
    }

    func pieces(_ texts: [String]) -> [String] {
        pieces(texts.map { Transcript.Word(start: 0, end: 0, word: $0) }).map(\.word)
    }

    /// The cues on whole milliseconds (as both formats write them), each lasting at least one, at
    /// most `maxCueSeconds`, and starting at least `minGapMs` after the one before ends: a cue
    /// ends early for the next one's gap, and a cue that cannot (it would vanish) pushes the next.
    func spaced(_ cues: [Cue]) -> [Cue] {
        var millis = cues.map { (Self.millis($0.start), Self.millis($0.end)) }
        let longest = Int64(maxCueSeconds * 1000)
        let gap = Int64(minGapMs)
        for index in millis.indices {
            if index > 0 { millis[index].0 = max(millis[index].0, millis[index - 1].1 + gap) }
            var end = min(max(millis[index].1, millis[index].0 + 1), millis[index].0 + longest)
            if index + 1 < millis.count { end = min(end, max(millis[index].0 + 1, millis[index + 1].0 - gap)) }
            millis[index].1 = end
        }
        return zip(cues, millis).map { cue, times in
            var spaced = cue
            spaced.start = Double(times.0) / 1000
            spaced.end = Double(times.1) / 1000
            return spaced
        }
    }

    static func millis(_ seconds: Double) -> Int64 { Int64((max(0, seconds) * 1000).rounded()) }

    /// A word as a cue shows it: line breaks, tabs and runs of spaces inside it become one space (a
    /// blank line would end the cue in both formats; found by fuzzing), and control characters go.
    static func cueText(_ word: String) -> String {
        word.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
            .map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    /// Words greedily filled into lines of `maxLineLength` (`pieces` breaks longer words first).
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
        let millis = Self.millis(seconds)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(millis / 3_600_000, 2)):\(pad(millis / 60000 % 60, 2)):\(pad(millis / 1000 % 60, 2))\(separator)\(pad(millis % 1000, 3))"
    }
}
