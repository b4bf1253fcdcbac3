/// Why a file could not be turned into speech audio: bad input (permanent: the job fails at once)
/// or a tool that failed us (transient: the stage is retried).
///
/// `description` is written for the person whose job failed; `code` is the job's `error.code`.
public enum MediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ffprobe or ffmpeg cannot read the file as audio or video; `reason` is the tool's own short
    /// message, prefixed with its name ("ffprobe: Invalid data found when processing input").
    case notMedia(reason: String)
    /// The file is media, but has no audio stream (a silent video).
    case noAudio
    /// The recording is longer than the service accepts. Its full length is not known: decoding
    /// stops past the limit, and a header's claim is not evidence.
    case tooLong(limit: Double)
    /// The file has no bytes at all.
    case emptyFile
    /// ffmpeg or ffprobe could not start, crashed, or ran out of time, or a file of ours could not
    /// be read or written; `detail` says which. Nothing is known to be wrong with the input.
    case toolFailed(detail: String)

    /// Whether retrying cannot help: true for bad input, false for a tool failure.
    public var isPermanent: Bool {
        switch self {
        case .notMedia, .noAudio, .tooLong, .emptyFile: true
        case .toolFailed: false
        }
    }

    /// The job's error code.
    public var code: String {
        switch self {
        case .notMedia: "not_media"
        case .noAudio: "no_audio"
        case .tooLong: "too_long"
        case .emptyFile: "empty_file"
        case .toolFailed: "media_tool_failed"
        }
    }

    public var description: String {
        switch self {
        case .notMedia(let reason):
            "The file is not audio or video that can be read (\(reason)). "
                + "Upload an audio or video file, such as MP3, M4A, WAV, OGG, WebM or MP4."
        case .noAudio:
            "The file has no audio track, so there is nothing to transcribe. Upload a recording with sound."
        case .tooLong(let limit):
            "The recording is longer than the longest accepted, \(Self.spoken(limit)). "
                + "Split it into shorter parts and upload them one by one."
        case .emptyFile:
            "The file is empty (0 bytes). Upload it again, or check the link."
        case .toolFailed(let detail):
            "The audio could not be processed because of a problem on our side (\(detail)). Try again later."
        }
    }

    /// A length as people say it: "4 h", "1 h 2 min", "12 min 5 s", "9.5 s".
    static func spoken(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "an unknown time" }
        if seconds < 60 {
            let tenths = (seconds * 10).rounded() / 10
            return tenths == tenths.rounded() ? "\(Int(tenths)) s" : "\(tenths) s"
        }
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3600, total % 3600 / 60, total % 60)
        if hours > 0 { return minutes == 0 ? "\(hours) h" : "\(hours) h \(minutes) min" }
        return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s"
    }
}
