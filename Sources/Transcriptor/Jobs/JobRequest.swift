import Runtime

/// The body of `POST /v1/jobs`, checked field by field: each problem is a 400 that names the
/// field and says what it accepts.
public struct JobRequest: Decodable, Sendable {
    public struct Source: Decodable, Sendable {
        public var url: String?
        public var upload: Upload?
    }

    public struct Upload: Decodable, Sendable {
        public var filename: String
        public var contentType: String
        public var size: Int64
    }

    public struct Options: Decodable, Sendable {
        public var language: String?
        /// Who said what: speaker labels on the transcript (default false).
        public var speakers: Bool?
        /// Words to expect (`Vocabulary`).
        public var vocabulary: [String]?
        /// `transcribe` (default) or `translate`: an English transcript of speech in any language.
        public var task: String?
    }

    public struct Webhook: Decodable, Sendable {
        public var url: String
    }

    public var source: Source
    public var title: String?
    public var options: Options?
    public var webhook: Webhook?
    public var tags: [String]?

    public static let maxTitleLength = 200
    public static let maxFilenameLength = 255
    public static let maxURLLength = 2048

    /// What a valid request asks for.
    public enum Kind: Sendable, Equatable {
        case url(String)
        case upload(filename: String, contentType: String, size: Int64)
    }

    public struct Checked: Sendable {
        public var kind: Kind
        public var title: String
        public var filename: String
        public var language: String
        public var speakers: Bool = false
        public var webhookURL: String?
        public var tags: [String] = []
        public var vocabulary: [String] = []
        public var translate = false
    }

    public func check(
        limits: ServiceSettings.Limits, guard urlGuard: URLGuard,
        speech: SpeechCapabilities = SpeechCapabilities(model: "whisper/base")
    ) throws(InvalidInput) -> Checked {
        let kind: Kind
        let filename: String
        switch (source.url, source.upload) {
        case (let url?, nil):
            guard url.utf8.count <= Self.maxURLLength else {
                throw InvalidInput("source.url is longer than \(Self.maxURLLength) characters.", code: "invalid_url")
            }
            do {
                _ = try urlGuard.check(url)
            } catch {
                throw InvalidInput("source.url cannot be fetched: \(error.message)", code: "invalid_url")
            }
            kind = .url(url)
            filename = Self.filename(fromURL: url)
        case (nil, let upload?):
            let name = upload.filename.trimmingWhitespace()
            guard !name.isEmpty, name.count <= Self.maxFilenameLength,
                DisplayText.firstForbidden(in: name) == nil, !name.contains("/"),
                !name.contains("\\")
            else {
                throw InvalidInput(
                    "source.upload.filename must be a file name of 1 to \(Self.maxFilenameLength) characters, without slashes, control or bidirectional-formatting characters."
                )
            }
            let type = upload.contentType.trimmingWhitespace().lowercased()
            guard Self.isMediaType(type) else {
                throw InvalidInput(
                    "source.upload.contentType must be an audio or video type such as audio/mpeg or video/mp4, not \"\(upload.contentType)\"."
                )
            }
            guard upload.size > 0 else {
                throw InvalidInput("source.upload.size must be the file's size in bytes (more than 0).")
            }
            guard upload.size <= limits.maxUploadBytes else {
                throw InvalidInput(
                    "source.upload.size is over the upload limit of \(limits.maxUploadBytes) bytes (\(limits.maxUploadBytes / (1024 * 1024)) MiB)."
                )
            }
            kind = .upload(filename: name, contentType: type, size: upload.size)
            filename = name
        default:
            throw InvalidInput("source needs exactly one of url (a link to the media) or upload (a file to send).")
        }
        var title = filename
        if let given = self.title {
            let trimmed = given.trimmingWhitespace()
            guard !trimmed.isEmpty, trimmed.count <= Self.maxTitleLength else {
                throw InvalidInput("title must have 1 to \(Self.maxTitleLength) characters.")
            }
            try DisplayText.check(trimmed, field: "title")
            title = trimmed
        }
        let language = options?.language ?? "auto"
        guard Languages.isValid(language) else {
            throw InvalidInput(
                "options.language must be \"auto\" or a language code such as en, de or fr, not \"\(language)\".")
        }
        var webhookURL: String?
        if let webhook {
            guard webhook.url.utf8.count <= Self.maxURLLength else {
                throw InvalidInput("webhook.url is longer than \(Self.maxURLLength) characters.", code: "invalid_url")
            }
            do {
                _ = try urlGuard.check(webhook.url)
            } catch {
                throw InvalidInput("webhook.url cannot be called: \(error.message)", code: "invalid_url")
            }
            webhookURL = webhook.url
        }
        var translate = false
        switch options?.task {
        case nil, "transcribe": break
        case "translate":
            guard speech.translation else {
                throw InvalidInput(
                    "options.task \"translate\" needs a multilingual model; this service's model (\(speech.model)) is English-only, so it can only transcribe."
                )
            }
            translate = true
        case let other?:
            throw InvalidInput("options.task must be \"transcribe\" or \"translate\", not \"\(other.prefix(20))\".")
        }
        return Checked(
            kind: kind, title: title, filename: filename, language: language, speakers: options?.speakers ?? false,
            webhookURL: webhookURL, tags: try Tags.check(tags ?? []),
            vocabulary: try Vocabulary.check(options?.vocabulary ?? [], field: "options.vocabulary"),
            translate: translate)
    }

    static func isMediaType(_ type: String) -> Bool {
        let parts = type.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].utf8.count <= 100,
            parts[1].utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: ",") })
        else { return false }
        return parts[0] == "audio" || parts[0] == "video" || type == "application/ogg"
    }

    /// The last path segment of a link (percent-decoded), or its host when the path is empty.
    static func filename(fromURL url: String) -> String {
        var rest = Substring(url)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://") {
            rest = rest[rest.index(colon, offsetBy: 3)...]
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        let segments = rest.split(separator: "/", omittingEmptySubsequences: true)
        let last = segments.count > 1 ? String(segments.last!) : String(segments.first ?? "media")
        let decoded = PercentEncoding.decode(last).trimmingWhitespace()
        let name = DisplayText.stripped(decoded).trimmingWhitespace()
        return name.isEmpty ? "media" : String(name.prefix(maxFilenameLength))
    }

    /// A stable digest of what was asked for, to tell a repeated request from a different one
    /// under the same `Idempotency-Key`.
    public static func fingerprint(_ checked: Checked) -> String {
        var parts: [String] = []
        switch checked.kind {
        case .url(let url): parts.append("url=\(url)")
        case .upload(let name, let type, let size): parts.append("upload=\(name)|\(type)|\(size)")
        }
        parts += ["title=\(checked.title)", "language=\(checked.language)", "webhook=\(checked.webhookURL ?? "")"]
        // A request for speakers is another request (absent when false, so older keys still match).
        if checked.speakers { parts.append("speakers=true") }
        if !checked.vocabulary.isEmpty { parts.append("vocabulary=\(checked.vocabulary.joined(separator: "\u{1f}"))") }
        if checked.translate { parts.append("task=translate") }
        if !checked.tags.isEmpty { parts.append("tags=\(checked.tags.joined(separator: "\u{1f}"))") }
        return parts.joined(separator: "\n")
    }
}
