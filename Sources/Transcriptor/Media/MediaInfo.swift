import Runtime

/// What ffprobe says about a file: how long it is, what streams it has, and the audio stream that
/// conversion uses (the first one).
public struct MediaInfo: Equatable, Sendable, Codable {
    /// The container's duration, or the longest audio stream's when the container has none;
    /// 0 when ffprobe knows neither (a raw stream it cannot estimate). An estimate for some
    /// formats (a truncated MP3 claims its full length), and only a claim: a header may say 1 s
    /// of a file that holds hours. Limits are enforced on the converted WAV, whose length is exact.
    public var durationSeconds: Double
    public var hasAudio: Bool
    /// Whether there is a moving picture; cover art attached to a song does not count.
    public var hasVideo: Bool
    /// ffprobe's name for the container, such as "mp3", "ogg" or "mov,mp4,m4a,3gp,3g2,mj2".
    public var formatName: String
    /// The first audio stream's codec ("mp3", "aac", "opus", "pcm_s16le"); nil without audio.
    public var audioCodec: String?
    public var sampleRate: Int?
    public var channels: Int?

    public init(
        durationSeconds: Double, hasAudio: Bool, hasVideo: Bool, formatName: String, audioCodec: String? = nil,
        sampleRate: Int? = nil, channels: Int? = nil
    ) {
        self.durationSeconds = durationSeconds
        self.hasAudio = hasAudio
        self.hasVideo = hasVideo
        self.formatName = formatName
        self.audioCodec = audioCodec
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Reads the output of `ffprobe -print_format json -show_format -show_streams`.
    init(ffprobe json: JSONValue) {
        func number(_ value: JSONValue?) -> Double? {
            guard let value else { return nil }
            if let text = value.stringValue { return Double(text).flatMap { $0.isFinite ? $0 : nil } }
            return value.doubleValue
        }
        let streams = json["streams"]?.arrayValue ?? []
        let audio = streams.filter { $0["codec_type"]?.stringValue == "audio" }
        let video = streams.filter {
            $0["codec_type"]?.stringValue == "video" && $0["disposition"]?["attached_pic"]?.intValue != 1
        }
        let format = json["format"]
        let longestAudio = audio.compactMap { number($0["duration"]) }.max()
        let first = audio.first
        self.init(
            durationSeconds: number(format?["duration"]) ?? longestAudio ?? 0,
            hasAudio: !audio.isEmpty,
            hasVideo: !video.isEmpty,
            formatName: format?["format_name"]?.stringValue ?? "unknown",
            audioCodec: first?["codec_name"]?.stringValue,
            sampleRate: number(first?["sample_rate"]).flatMap { Int(exactly: $0) },
            channels: first?["channels"]?.intValue)
    }
}
