import Runtime

/// The body of `PATCH /v1/jobs/{id}/transcript`: edits of the segments of one version, each naming
/// segments by their index in that version (so the edits of one request never shift each other).
public struct TranscriptEdits: Decodable, Sendable {
    public struct Edit: Decodable, Sendable {
        public struct Split: Decodable, Sendable {
            public var segment: Int
            /// The index of the first word of the second part (1 to the segment's words − 1).
            public var atWord: Int
        }

        public struct Merge: Decodable, Sendable {
            /// Joined with the segment after it.
            public var segment: Int
        }

        public var segment: Int?
        /// The segment's new text; empty removes the segment.
        public var text: String?
        /// The segment's speaker (`S1`…), on a transcript with speakers.
        public var speaker: String?
        public var split: Split?
        public var merge: Merge?
    }

    public var edits: [Edit]

    public static let maxEdits = 500
    public static let maxSegmentText = 5000
}

extension Transcript {
    /// The transcript with `edits` made, each naming segments of this transcript by index: texts
    /// and speakers first, then splits, then merges. Word times survive: the words a new text keeps
    /// (the old and new words aligned, ignoring case and punctuation) keep theirs, and new words
    /// share the time between the kept words around them, inside their segment.
    /// - Throws: `InvalidInput` naming the edit that cannot be made; code `no_speakers` for a
    ///   speaker on a transcript without speakers.
    public func editing(_ request: TranscriptEdits) throws(InvalidInput) -> Transcript {
        let edits = request.edits
        guard !edits.isEmpty else { throw InvalidInput("edits needs at least one edit.") }
        guard edits.count <= TranscriptEdits.maxEdits else {
            throw InvalidInput("edits has at most \(TranscriptEdits.maxEdits) edits in one request.")
        }
        let count = segments.count
        func checkIndex(_ index: Int, _ field: String) throws(InvalidInput) {
            guard index >= 0, index < count else {
                throw InvalidInput(
                    count == 0
                        ? "\(field) is \(index), but the transcript has no segments."
                        : "\(field) is \(index), but the transcript has \(count) segments (0 to \(count - 1)).")
            }
        }
        var texts: [Int: String] = [:]
        var speakersOf: [Int: String] = [:]
        var splits: [Int: Int] = [:]
        var merges: Set<Int> = []
        for (number, edit) in edits.enumerated() {
            let name = "edits[\(number)]"
            let kinds = (edit.segment != nil ? 1 : 0) + (edit.split != nil ? 1 : 0) + (edit.merge != nil ? 1 : 0)
            guard kinds == 1 else {
                throw InvalidInput(
                    "\(name) must be one of {\"segment\", \"text\"?, \"speaker\"?}, {\"split\": {\"segment\", \"atWord\"}} or {\"merge\": {\"segment\"}}."
                )
            }
            if let index = edit.segment {
                try checkIndex(index, "\(name).segment")
                guard edit.text != nil || edit.speaker != nil else {
                    throw InvalidInput("\(name) changes nothing: give the segment a text or a speaker.")
                }
                if let text = edit.text {
                    guard texts[index] == nil else { throw InvalidInput("Segment \(index)'s text is edited twice.") }
                    guard text.count <= TranscriptEdits.maxSegmentText else {
                        throw InvalidInput("\(name).text has more than \(TranscriptEdits.maxSegmentText) characters.")
                    }
                    if let bad = text.unicodeScalars.first(where: {
                        DisplayText.isForbidden($0) && $0 != "\n" && $0 != "\t"
                    }) {
                        throw InvalidInput(
                            "\(name).text may not contain control or bidirectional-formatting characters (U+\(String(bad.value, radix: 16, uppercase: true)))."
                        )
                    }
                    texts[index] = text
                }
                if let speaker = edit.speaker {
                    guard speakers != nil else {
                        throw InvalidInput(
                            "The transcript has no speakers (the job did not ask for them), so \(name) cannot set one.",
                            code: "no_speakers")
                    }
                    guard Self.isSpeakerID(speaker) else {
                        throw InvalidInput("\(name).speaker must be a speaker id such as S1 or S2.")
                    }
                    guard speakersOf[index] == nil else {
                        throw InvalidInput("Segment \(index)'s speaker is set twice.")
                    }
                    speakersOf[index] = speaker
                }
            } else if let split = edit.split {
                try checkIndex(split.segment, "\(name).split.segment")
                guard splits[split.segment] == nil else {
                    throw InvalidInput("Segment \(split.segment) is split twice; split it once per request.")
                }
                splits[split.segment] = split.atWord
            } else if let merge = edit.merge {
                try checkIndex(merge.segment, "\(name).merge.segment")
                guard merge.segment + 1 < count else {
                    throw InvalidInput("\(name).merge.segment is the last segment: there is none after it to join.")
                }
                merges.insert(merge.segment)
            }
        }
        for (index, _) in splits where merges.contains(index) || merges.contains(index - 1) {
            throw InvalidInput("Segment \(index) is both split and merged; send one of them per request.")
        }

        // Texts and speakers.
        var edited = segments
        var removed = Set<Int>()
        var known = speakers ?? []
        for index in edited.indices {
            if let text = texts[index] {
                let tokens = Self.tokens(text)
                if tokens.isEmpty {
                    removed.insert(index)
                } else {
                    edited[index] = edited[index].retexted(tokens)
                }
            }
            if let speaker = speakersOf[index] {
                edited[index].speaker = speaker
                for word in edited[index].words.indices { edited[index].words[word].speaker = speaker }
                if !known.contains(where: { $0.id == speaker }) {
                    known.append(Speaker(id: speaker, name: "Speaker \(speaker.dropFirst())"))
                }
            }
        }
        for index in merges where removed.contains(index) || removed.contains(index + 1) {
            throw InvalidInput("Segment \(removed.contains(index) ? index : index + 1) is removed and merged at once.")
        }
        for (index, _) in splits where removed.contains(index) {
            throw InvalidInput("Segment \(index) is removed and split at once.")
        }

        // Splits, then merges: each original segment becomes one or two parts.
        var parts: [[Segment]] = []
        for index in edited.indices {
            guard !removed.contains(index) else {
                parts.append([])
                continue
            }
            guard let at = splits[index] else {
                parts.append([edited[index]])
                continue
            }
            let segment = edited[index]
            let words = segment.words.isEmpty ? SubtitleFormatter.spreadWords(segment) : segment.words
            guard at >= 1, at < words.count else {
                throw InvalidInput(
                    words.count < 2
                        ? "Segment \(index) has \(words.count) word\(words.count == 1 ? "" : "s"): there is nothing to split."
                        : "The split of segment \(index) is at word \(at), but it must be from 1 to \(words.count - 1) (the segment has \(words.count) words)."
                )
            }
            let first = Array(words[..<at])
            let second = Array(words[at...])
            parts.append([
                Segment(
                    start: segment.start, end: max(segment.start, first.last!.end), text: Self.joined(first),
                    words: first, speaker: segment.speaker),
                Segment(
                    start: min(second[0].start, segment.end), end: segment.end, text: Self.joined(second),
                    words: second, speaker: segment.speaker),
            ])
        }
        var result: [Segment] = []
        var index = 0
        while index < parts.count {
            guard var merged = parts[index].first else {
                index += 1
                continue
            }
            if parts[index].count > 1 {
                // A split segment (never merged in the same request).
                result += parts[index]
                index += 1
                continue
            }
            while merges.contains(index), index + 1 < parts.count, var next = parts[index + 1].first {
                // A segment without word times gets them spread first, so that the words cover the
                // whole text after the merge.
                if merged.words.isEmpty { merged.words = SubtitleFormatter.spreadWords(merged) }
                if next.words.isEmpty { next.words = SubtitleFormatter.spreadWords(next) }
                guard merged.text.count + 1 + next.text.count <= TranscriptEdits.maxSegmentText else {
                    throw InvalidInput(
                        "Merging segment \(index + 1) into the one before would make a segment of more than \(TranscriptEdits.maxSegmentText) characters; split it first."
                    )
                }
                merged.end = max(merged.end, next.end)
                merged.text = [merged.text, next.text].map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                    .joined(separator: " ")
                var words = next.words
                for word in words.indices { words[word].speaker = merged.speaker }
                merged.words += words
                index += 1
            }
            result.append(merged)
            index += 1
        }
        // Speakers in order of first appearance, the ones no longer heard kept at the end (a name
        // given them stays if an edit brings them back).
        var ordered: [Speaker] = []
        for id in result.compactMap(\.speaker) where !ordered.contains(where: { $0.id == id }) {
            if let speaker = known.first(where: { $0.id == id }) { ordered.append(speaker) }
        }
        ordered += known.filter { speaker in !ordered.contains { $0.id == speaker.id } }
        return Transcript(
            jobId: jobId, language: language, durationSec: durationSec, segments: result,
            speakers: speakers == nil ? nil : ordered)
    }

    /// `S1` to `S999`.
    static func isSpeakerID(_ id: String) -> Bool {
        let digits = id.utf8.dropFirst()
        return id.utf8.first == UInt8(ascii: "S") && (1...3).contains(digits.count)
            && digits.allSatisfy { (0x30...0x39).contains($0) } && digits.first != UInt8(ascii: "0")
    }

    /// The words of a text, split at whitespace.
    static func tokens(_ text: String) -> [String] {
        text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    static func joined(_ words: [Word]) -> String {
        words.map { $0.word.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

extension Transcript.Segment {
    /// The segment with the words `tokens`: the old words the new text keeps (a longest common
    /// subsequence, comparing letters and digits without case) keep their times, confidence and
    /// speaker; each run of new words shares the time between the kept words around it (or the
    /// segment's bounds), which is where the words it replaces were.
    func retexted(_ tokens: [String]) -> Transcript.Segment {
        let old = words.isEmpty ? SubtitleFormatter.spreadWords(self) : words
        let oldKeys = old.map { Self.key($0.word) }
        let newKeys = tokens.map(Self.key)
        // kept[j]: the old word new word j keeps, if any. The words both ends share are kept as
        // they are; the rest is aligned by a longest common subsequence when the table stays small
        // (an edit usually changes a phrase), else all of it counts as replaced.
        var kept = [Int?](repeating: nil, count: tokens.count)
        var prefix = 0
        while prefix < old.count, prefix < tokens.count, oldKeys[prefix] == newKeys[prefix] {
            kept[prefix] = prefix
            prefix += 1
        }
        var suffix = 0
        while suffix < old.count - prefix, suffix < tokens.count - prefix,
            oldKeys[old.count - 1 - suffix] == newKeys[tokens.count - 1 - suffix]
        {
            kept[tokens.count - 1 - suffix] = old.count - 1 - suffix
            suffix += 1
        }
        let rows = old.count - prefix - suffix
        let columns = tokens.count - prefix - suffix
        if rows > 0, columns > 0, rows * columns <= Self.maxAlignmentCells {
            // The table from the ends: table[i][j] is the LCS of old[i...] and new[j...] (middles).
            var table = [Int32](repeating: 0, count: (rows + 1) * (columns + 1))
            for i in stride(from: rows - 1, through: 0, by: -1) {
                for j in stride(from: columns - 1, through: 0, by: -1) {
                    table[i * (columns + 1) + j] =
                        oldKeys[prefix + i] == newKeys[prefix + j]
                        ? table[(i + 1) * (columns + 1) + j + 1] + 1
                        : max(table[(i + 1) * (columns + 1) + j], table[i * (columns + 1) + j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < rows, j < columns {
                if oldKeys[prefix + i] == newKeys[prefix + j] {
                    kept[prefix + j] = prefix + i
                    i += 1
                    j += 1
                } else if table[(i + 1) * (columns + 1) + j] >= table[i * (columns + 1) + j + 1] {
                    i += 1
                } else {
                    j += 1
                }
            }
        }
        let m = tokens.count
        var result: [Transcript.Word] = []
        var position = 0
        while position < m {
            if let index = kept[position] {
                var word = old[index]
                if word.word.trimmingWhitespace() != tokens[position] {
                    word.word = (word.word.first == " " ? " " : "") + tokens[position]
                }
                result.append(word)
                position += 1
                continue
            }
            // A run of new words, between the kept words around it.
            var end = position
            while end < m, kept[end] == nil { end += 1 }
            let from = result.last?.end ?? start
            let to = end < m ? old[kept[end]!].start : self.end
            let span = max(0, to - from)
            let step = span / Double(end - position)
            for (offset, token) in tokens[position..<end].enumerated() {
                let wordStart = from + step * Double(offset)
                result.append(
                    Transcript.Word(
                        start: wordStart, end: wordStart + step,
                        word: (old.first?.word.first == " " ? " " : "") + token,
                        speaker: speaker))
            }
            position = end
        }
        var segment = self
        segment.words = result
        segment.text = tokens.joined(separator: " ")
        return segment
    }

    /// The largest alignment table an edit may make (4 million cells, 16 MB): past it, the words
    /// between the kept ends count as replaced.
    static let maxAlignmentCells = 4_000_000

    /// A word as alignment compares it: its letters and digits, lowercased (punctuation and case
    /// edits keep a word's time); a word of only punctuation compares as itself.
    static func key(_ word: String) -> String {
        let trimmed = word.trimmingWhitespace()
        let letters = String(
            String.UnicodeScalarView(
                trimmed.lowercased().unicodeScalars.filter {
                    $0.properties.isAlphabetic || $0.properties.numericType != nil
                }))
        return letters.isEmpty ? trimmed : letters
    }
}
