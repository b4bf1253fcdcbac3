import Cloud
import Runtime

/// A transcription job as the API shows it (DESIGN.md "The job").
public struct Job: Encodable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case queued, fetching, transcoding, transcribing, finalizing, done, failed

        /// Done and failed jobs hold no place among the jobs in flight.
        public var isFinal: Bool { self == .done || self == .failed }
    }

    public struct Progress: Encodable, Sendable, Equatable {
        public var chunksDone: Int
        public var chunksTotal: Int
        public var percent: Double
    }

    public struct Source: Encodable, Sendable, Equatable {
        public var type: String
        public var url: String?
    }

    public struct Options: Codable, Sendable, Equatable {
        public var language: String
        /// Whether the transcript names who said what.
        public var speakers: Bool
        /// The words the recogniser was told to expect (the job's, then the account's glossary).
        public var vocabulary: [String]
        /// `transcribe`, or `translate` (an English transcript of speech in another language).
        public var task: String
    }

    /// Where the speakers of a job that asked for them are.
    public enum SpeakersState: String, Sendable {
        /// Not found yet: the job is finished only once they are (or are given up).
        case pending
        /// Found: the transcript carries them.
        case done
        /// Could not be found; the job finishes without them and says so (`warnings`).
        case unavailable
    }

    /// Something the owner should know of a finished job that did not fail.
    public struct Warning: Encodable, Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public struct Webhook: Codable, Sendable, Equatable {
        public var url: String
    }

    public struct Failure: Encodable, Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public var id: String
    public var userID: String
    public var title: String
    public var filename: String
    public var status: Status
    public var progress: Progress
    public var source: Source
    public var options: Options
    public var webhook: Webhook?
    public var durationSec: Double?
    public var language: String?
    public var createdAt: String
    public var updatedAt: String
    public var error: Failure?
    /// The speakers' state on a job that asked for them (nil otherwise).
    public var speakersState: SpeakersState?
    public var warnings: [Warning]
    /// The owner's labels, to group and filter jobs by (`Tags`).
    public var tags: [String]

    enum CodingKeys: String, CodingKey {
        case id, title, filename, status, progress, source, options, webhook, durationSec, language, createdAt,
            updatedAt, error, warnings, tags
    }

    /// Absent values are `null` (the error only appears on failed jobs); the owner's id is not shown.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(filename, forKey: .filename)
        try c.encode(status, forKey: .status)
        try c.encode(progress, forKey: .progress)
        try c.encode(source, forKey: .source)
        try c.encode(options, forKey: .options)
        try c.encode(tags, forKey: .tags)
        if let webhook { try c.encode(webhook, forKey: .webhook) } else { try c.encodeNil(forKey: .webhook) }
        if let durationSec {
            try c.encode(durationSec, forKey: .durationSec)
        } else {
            try c.encodeNil(forKey: .durationSec)
        }
        if let language { try c.encode(language, forKey: .language) } else { try c.encodeNil(forKey: .language) }
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        if let error { try c.encode(error, forKey: .error) }
        if !warnings.isEmpty { try c.encode(warnings, forKey: .warnings) }
    }

    /// Reads a stored job; nil when the item is not a job.
    public init?(item: Item) {
        guard let id = item.string("jobId"), let userID = item.string("userId"), let title = item.string("title"),
            let statusText = item.string("status"), let status = Status(rawValue: statusText),
            let sourceType = item.string("sourceType"), let createdAt = item.string("createdAt")
        else { return nil }
        self.id = id
        self.userID = userID
        self.title = title
        filename = item.string("filename") ?? title
        self.status = status
        let done = Int(item.int("chunksDone") ?? 0)
        let total = Int(item.int("chunksTotal") ?? 0)
        let percent: Double =
            status == .done ? 100 : total > 0 ? (Double(min(done, total)) / Double(total) * 1000).rounded() / 10 : 0
        progress = Progress(chunksDone: done, chunksTotal: total, percent: percent)
        source = Source(type: sourceType, url: item.string("sourceUrl"))
        let speakers = item.bool("optionSpeakers") ?? false
        var vocabulary: [String] = []
        if case .l(let values)? = item["optionVocabulary"] { vocabulary = values.compactMap(\.stringValue) }
        options = Options(
            language: item.string("optionLanguage") ?? "auto", speakers: speakers, vocabulary: vocabulary,
            task: item.string("optionTask") ?? "transcribe")
        let state = speakers ? item.string("speakersState").flatMap(SpeakersState.init(rawValue:)) ?? .pending : nil
        speakersState = state
        if state == .unavailable {
            let message =
                item.string("speakersMessage")
                ?? "The speakers could not be told apart; the transcript has no speaker labels."
            warnings = [Warning(code: "speakers_unavailable", message: message)]
        } else {
            warnings = []
        }
        if case .l(let values)? = item["tags"] { tags = values.compactMap(\.stringValue) } else { tags = [] }
        webhook = item.string("webhookUrl").map(Webhook.init)
        durationSec = item.double("durationSec")
        language = item.string("language")
        self.createdAt = createdAt
        updatedAt = item.string("updatedAt") ?? createdAt
        if status == .failed {
            error = Failure(
                code: item.string("errorCode") ?? "failed",
                message: item.string("errorMessage") ?? "The job failed.")
        }
    }
}

extension Job {
    /// The attributes `init(item:)` reads. A read of a job names them (a projection): a pipeline
    /// stage's role may read no more of an item than its stage needs (template.yaml; JOB_FIELDS in
    /// scripts/check-template.py is this list).
    public static let attributes = [
        "jobId", "userId", "title", "filename", "status", "chunksDone", "chunksTotal", "sourceType", "sourceUrl",
        "optionLanguage", "webhookUrl", "durationSec", "language", "createdAt", "updatedAt", "errorCode",
        "errorMessage", "optionSpeakers", "speakersState", "speakersMessage", "tags", "optionVocabulary", "optionTask",
    ]
}

/// The languages a job may ask for: `auto` (detect) or one of Whisper's language codes.
public enum Languages {
    public static let codes: Set<String> = [
        "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy", "da", "de", "el",
        "en", "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw", "he", "hi", "hr", "ht", "hu", "hy",
        "id", "is", "it", "ja", "jw", "ka", "kk", "km", "kn", "ko", "la", "lb", "ln", "lo", "lt", "lv", "mg", "mi",
        "mk", "ml", "mn", "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps", "pt", "ro", "ru",
        "sa", "sd", "si", "sk", "sl", "sn", "so", "sq", "sr", "su", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl",
        "tr", "tt", "uk", "ur", "uz", "vi", "yi", "yo", "zh", "yue",
    ]

    public static func isValid(_ code: String) -> Bool { code == "auto" || codes.contains(code) }
}
