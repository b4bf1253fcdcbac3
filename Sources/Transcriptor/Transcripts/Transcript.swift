import Runtime

/// The transcript model every engine returns and every format is written from (DESIGN.md):
/// times are seconds from the start of the whole file.
public struct Transcript: Codable, Sendable, Equatable {
    public struct Word: Codable, Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var word: String
        /// 0–1 where the engine gives one.
        public var confidence: Double?
        /// Who said it (`S1`), on a transcript with speakers.
        public var speaker: String?

        public init(start: Double, end: Double, word: String, confidence: Double? = nil, speaker: String? = nil) {
            self.start = start
            self.end = end
            self.word = word
            self.confidence = confidence
            self.speaker = speaker
        }
    }

    public struct Segment: Codable, Sendable, Equatable {
        public var start: Double
        public var end: Double
        public var text: String
        public var words: [Word]
        /// Who said it (`S1`), on a transcript with speakers: a segment is one speaker's.
        public var speaker: String?

        public init(start: Double, end: Double, text: String, words: [Word] = [], speaker: String? = nil) {
            self.start = start
            self.end = end
            self.text = text
            self.words = words
            self.speaker = speaker
        }
    }

    public var jobId: String
    public var language: String
    public var durationSec: Double
    public var text: String
    public var segments: [Segment]
    /// The people speaking, in order of first appearance, on a job that asked for speakers
    /// (absent otherwise: such a transcript looks as it did before speakers existed).
    public var speakers: [Speaker]?
    /// The transcript's version (`ETag: "N"` of `GET /v1/jobs/{id}/transcript`): 1 as the machine
    /// wrote it, one more with every change its owner makes (edits, speaker names, a revert). Set
    /// on the way out; absent from the stored original and from `?version=original`.
    public var version: Int?

    public struct Speaker: Codable, Sendable, Equatable {
        public var id: String
        public var name: String

        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    public init(jobId: String, language: String, durationSec: Double, segments: [Segment], speakers: [Speaker]? = nil) {
        self.jobId = jobId
        self.language = language
        self.durationSec = durationSec
        self.segments = segments
        self.speakers = speakers
        self.text = segments.map { $0.text.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The transcript with every segment's and word's times moved `seconds` later: a chunk's
    /// times, from the start of the chunk, placed in the whole file (the chunk starts `seconds` in).
    public func shifted(by seconds: Double) -> Transcript {
        var moved = segments
        for index in moved.indices {
            moved[index].start += seconds
            moved[index].end += seconds
            for word in moved[index].words.indices {
                moved[index].words[word].start += seconds
                moved[index].words[word].end += seconds
            }
        }
        return Transcript(
            jobId: jobId, language: language, durationSec: durationSec, segments: moved, speakers: speakers)
    }

    /// Merges chunk transcripts in order (each already offset to the whole file), dropping any
    /// segment that starts before the previous one ended so timings stay monotonic.
    public static func merging(_ chunks: [Transcript], jobId: String, durationSec: Double) -> Transcript {
        var segments: [Segment] = []
        for chunk in chunks {
            for segment in chunk.segments where segment.start >= (segments.last?.end ?? 0) - 0.001 {
                segments.append(segment)
            }
        }
        let language = chunks.first { !$0.language.isEmpty }?.language ?? ""
        return Transcript(jobId: jobId, language: language, durationSec: durationSec, segments: segments)
    }
}
