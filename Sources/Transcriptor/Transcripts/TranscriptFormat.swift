import Runtime

/// The formats a transcript is given in (`GET /v1/jobs/{id}/transcript?format=`), each written from
/// the transcript model, with its speakers' names where it has speakers.
public enum TranscriptFormat: String, CaseIterable, Sendable {
    case json, txt, srt, vtt, md, docx

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .txt: "text/plain; charset=utf-8"
        case .srt: "application/x-subrip"
        case .vtt: "text/vtt; charset=utf-8"
        case .md: "text/markdown; charset=utf-8"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }

    /// Whether the format is bytes that are not text (sent base64-encoded through the gateway).
    public var isBinary: Bool { self == .docx }

    /// How a transcript is written, beyond its format.
    public struct Options: Sendable {
        /// The document's title (Markdown and Word).
        public var title = ""
        /// Each paragraph's start time (plain text, Markdown and Word).
        public var timestamps = false
        /// How subtitles are cut (SRT and WebVTT).
        public var subtitles = SubtitleFormatter()

        public init() {}
    }

    public func render(_ transcript: Transcript, _ options: Options = Options()) throws -> [UInt8] {
        switch self {
        case .json: try JSON.encode(transcript)
        case .txt: Array(transcript.plainText(timestamps: options.timestamps).utf8)
        case .srt: Array(options.subtitles.srt(transcript).utf8)
        case .vtt: Array(options.subtitles.vtt(transcript).utf8)
        case .md: Array(DocumentWriter.markdown(transcript, title: options.title, timestamps: options.timestamps).utf8)
        case .docx: DocumentWriter.docx(transcript, title: options.title, timestamps: options.timestamps)
        }
    }
}
