import Runtime

/// The formats a transcript is given in (`GET /v1/jobs/{id}/transcript?format=`), each written from
/// the transcript model, with its speakers' names where it has speakers.
public enum TranscriptFormat: String, CaseIterable, Sendable {
    case json, txt, srt, vtt

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .txt: "text/plain; charset=utf-8"
        case .srt: "application/x-subrip"
        case .vtt: "text/vtt; charset=utf-8"
        }
    }

    public func render(_ transcript: Transcript) throws -> [UInt8] {
        switch self {
        case .json: try JSON.encode(transcript)
        case .txt: Array(transcript.plainText.utf8)
        case .srt: Array(SubtitleFormatter().srt(transcript).utf8)
        case .vtt: Array(SubtitleFormatter().vtt(transcript).utf8)
        }
    }
}
