import Runtime

/// One stretch of one person speaking, as diarization finds it over the whole recording (seconds
/// from its start). Speaker ids are the engine's own until `Transcript.attributing` names them.
public struct SpeakerTurn: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var speaker: String

    public init(start: Double, end: Double, speaker: String) {
        self.start = start
        self.end = end
        self.speaker = speaker
    }
}

extension Transcript {
    /// The longest a speaker's name may be (`PATCH /v1/jobs/{id}/speakers`).
    public static let maxSpeakerNameLength = 60

    /// The transcript with a speaker on every word and segment: each word gets the speaker whose
    /// turns overlap its time most (a word that overlaps no turn, the nearest turn's), a segment
    /// whose words change speaker is split there, and a segment without word times gets the speaker
    /// that overlaps it most. Speakers are renumbered `S1`, `S2`… in order of first appearance and
    /// named `Speaker 1`, `Speaker 2`…; no turns at all (diarization heard no speech where the
    /// recogniser found words) make one speaker of everyone.
    public func attributing(_ turns: [SpeakerTurn]) -> Transcript {
        let sorted = turns.filter { $0.end > $0.start }.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        let finder = TurnFinder(turns: sorted.isEmpty ? [SpeakerTurn(start: 0, end: 1, speaker: "S1")] : sorted)
        var split: [Segment] = []
        for segment in segments {
            guard !segment.words.isEmpty else {
                var whole = segment
                whole.speaker = finder.speaker(from: segment.start, to: segment.end)
                split.append(whole)
                continue
            }
            var words = segment.words
            for index in words.indices {
                words[index].speaker = finder.speaker(from: words[index].start, to: words[index].end)
            }
            var groups: [[Word]] = []
            for word in words {
                if let last = groups.last?.last, last.speaker == word.speaker {
                    groups[groups.count - 1].append(word)
                } else {
                    groups.append([word])
                }
            }
            if groups.count == 1 {
                var whole = segment
                whole.words = words
                whole.speaker = words[0].speaker
                split.append(whole)
                continue
            }
            for (index, group) in groups.enumerated() {
                split.append(
                    Segment(
                        start: index == 0 ? segment.start : group[0].start,
                        end: index == groups.count - 1 ? segment.end : group[group.count - 1].end,
                        text: group.map { $0.word.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " "),
                        words: group, speaker: group[0].speaker))
            }
        }
        // S1, S2… in order of first appearance, so that "Speaker 1" is the first to speak.
        var numbering: [String: String] = [:]
        var speakers: [Speaker] = []
        for segment in split {
            for id in [segment.speaker] + segment.words.map(\.speaker) {
                guard let id, numbering[id] == nil else { continue }
                let number = speakers.count + 1
                numbering[id] = "S\(number)"
                speakers.append(Speaker(id: "S\(number)", name: "Speaker \(number)"))
            }
        }
        for index in split.indices {
            split[index].speaker = split[index].speaker.flatMap { numbering[$0] }
            for word in split[index].words.indices {
                split[index].words[word].speaker = split[index].words[word].speaker.flatMap { numbering[$0] }
            }
        }
        return Transcript(
            jobId: jobId, language: language, durationSec: durationSec, segments: split, speakers: speakers)
    }

    /// The transcript with its speakers' names from `names` (speaker id → name); ids not named keep
    /// their names.
    public func naming(_ names: [String: String]) -> Transcript {
        var named = self
        named.speakers = speakers?.map { Speaker(id: $0.id, name: names[$0.id] ?? $0.name) }
        return named
    }

    /// The name of the speaker `id` (the id itself when the transcript does not list it).
    public func speakerName(_ id: String?) -> String? {
        guard let id else { return nil }
        return speakers?.first { $0.id == id }?.name ?? id
    }

    /// The plain text: with speakers, a paragraph per speaker turn (`Speaker 1: …`); without, the
    /// text as one paragraph, or with `timestamps` a paragraph per segment, each after its start
    /// time (`[00:01:02] …`).
    public var plainText: String { plainText(timestamps: false) }

    public func plainText(timestamps: Bool) -> String {
        if speakers == nil, !timestamps { return text + "\n" }
        return paragraphs(bySegment: timestamps).map { paragraph in
            let time = timestamps ? "[\(Self.clock(paragraph.start))] " : ""
            let name = speakerName(paragraph.speaker).map { "\($0): " } ?? ""
            return time + name + paragraph.text
        }.joined(separator: "\n\n") + "\n"
    }

    /// A paragraph of a written transcript: one speaker's turn on a transcript with speakers, else
    /// (or `bySegment`) one segment.
    public struct Paragraph: Sendable, Equatable {
        public var start: Double
        public var speaker: String?
        public var text: String
    }

    public func paragraphs(bySegment: Bool) -> [Paragraph] {
        var paragraphs: [Paragraph] = []
        for segment in segments {
            let text = segment.text.trimmingWhitespace()
            guard !text.isEmpty else { continue }
            if !bySegment, speakers != nil, let last = paragraphs.last, last.speaker == segment.speaker {
                paragraphs[paragraphs.count - 1].text += " " + text
            } else {
                paragraphs.append(Paragraph(start: segment.start, speaker: segment.speaker, text: text))
            }
        }
        return paragraphs
    }

    /// `H:MM:SS`, or `MM:SS` under an hour.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(max(0, seconds))
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return whole >= 3600
            ? "\(whole / 3600):\(two(whole / 60 % 60)):\(two(whole % 60))" : "\(two(whole / 60)):\(two(whole % 60))"
    }
}

/// The speaker of a stretch of time among sorted turns: the one overlapping it most, else the
/// nearest.
struct TurnFinder {
    let turns: [SpeakerTurn]
    /// The longest turn: no turn starting more than this before a time can reach it.
    let longest: Double

    init(turns: [SpeakerTurn]) {
        self.turns = turns
        longest = turns.map { $0.end - $0.start }.max() ?? 0
    }

    /// The first turn that starts at or after `time`.
    func firstStarting(atOrAfter time: Double) -> Int {
        var low = 0
        var high = turns.count
        while low < high {
            let middle = (low + high) / 2
            if turns[middle].start < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func speaker(from start: Double, to end: Double) -> String {
        var overlap: [String: Double] = [:]
        var index = firstStarting(atOrAfter: start - longest)
        while index < turns.count, turns[index].start < end {
            let turn = turns[index]
            let shared = min(end, turn.end) - max(start, turn.start)
            if shared > 0 { overlap[turn.speaker, default: 0] += shared }
            index += 1
        }
        if let best = overlap.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) { return best.key }
        // No overlap (a word in a pause, or of no length): the nearest turn's speaker.
        let middle = (start + end) / 2
        let after = firstStarting(atOrAfter: middle)
        var best: (distance: Double, speaker: String)?
        for candidate in [after - 1, after, after + 1] where candidate >= 0 && candidate < turns.count {
            let turn = turns[candidate]
            let distance = middle < turn.start ? turn.start - middle : max(0, middle - turn.end)
            if best == nil || distance < best!.distance { best = (distance, turn.speaker) }
        }
        // Turns ending just before `middle` may start well before `after - 1`: the latest-ending
        // of the turns before it is the nearest on that side.
        var latest: SpeakerTurn?
        var scan = after - 1
        while scan >= 0, turns[scan].start >= middle - longest {
            if latest == nil || turns[scan].end > latest!.end { latest = turns[scan] }
            scan -= 1
        }
        if let latest, max(0, middle - latest.end) < best?.distance ?? .infinity {
            best = (max(0, middle - latest.end), latest.speaker)
        }
        return best?.speaker ?? turns[0].speaker
    }
}
