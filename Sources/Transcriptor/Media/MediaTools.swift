import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// ffmpeg and ffprobe, as the transcode stage drives them: probe, convert to speech audio, make
/// the browser rendition, find silences. Every call has a time limit.
///
/// Inputs are opened only through the `file` protocol and only with the demuxers in `demuxers`,
/// so a file cannot make ffmpeg fetch a URL or read another local file (an HLS playlist or a
/// concat list naming `/proc/self/environ`, say): such a file is not media. Image formats are not
/// on the list either, so a picture is `notMedia`, not `noAudio`.
public struct MediaTools: Sendable {
    /// The ffmpeg program (looked up in `PATH` unless it has a slash).
    public var ffmpeg: String
    /// The ffprobe program.
    public var ffprobe: String

    public init(ffmpeg: String = "ffmpeg", ffprobe: String = "ffprobe") {
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
    }

    /// From `FFMPEG` and `FFPROBE`, each defaulting to the program's name.
    public static func fromEnvironment() -> MediaTools {
        func program(_ name: String, _ fallback: String) -> String {
            guard let value = Environment.get(name), !value.isEmpty else { return fallback }
            return value
        }
        return MediaTools(ffmpeg: program("FFMPEG", "ffmpeg"), ffprobe: program("FFPROBE", "ffprobe"))
    }

    /// The containers accepted as input (ffmpeg demuxer names): audio and video formats people
    /// upload, and nothing that refers to other files or URLs (hls, concat, image2, ...).
    public static let demuxers = [
        "aac", "ac3", "aiff", "amr", "amrnb", "amrwb", "ape", "asf", "au", "avi", "caf", "dsf", "dts", "dv",
        "eac3", "flac", "flv", "gsm", "live_flv", "matroska", "mlp", "mov", "mp3", "mpc", "mpc8", "mpeg",
        "mpegts", "mxf", "nut", "ogg", "oma", "rm", "shn", "tak", "truehd", "tta", "voc", "w64", "wav", "wv",
        "xwma",
    ]

    /// Options before `-i`: only local files, only the accepted containers.
    static var inputOptions: [String] {
        ["-protocol_whitelist", "file", "-format_whitelist", demuxers.joined(separator: ",")]
    }

    /// A path as an ffmpeg URL: always the file protocol, so no path reads as an option or a URL.
    static func url(_ path: String) -> String { "file:" + path }

    /// Converts to what the speech engines take: 16 kHz mono 16-bit PCM WAV of the first audio
    /// stream. A file that decodes only in part (truncated, damaged) gives what decodes.
    ///
    /// With `maxSeconds`, decoding stops a little past it (`-t`, and `-fs` on the bytes written, in
    /// case the stream's timestamps lie too): a file is as long as what decodes from it, whatever its
    /// header says, and one longer than the limit costs no more than the limit to find out.
    /// - Parameter maxSeconds: the longest accepted recording; nil decodes all of it.
    /// - Throws: `.tooLong` when more than `maxSeconds` (and a second) decodes (the output is
    ///   removed); `.emptyFile`, `.noAudio`, or `.notMedia` when nothing decodes (permanent);
    ///   `.toolFailed` when ffmpeg cannot run or write the output (retry).
    public func convertToSpeechWAV(
        input: String, output: String, maxSeconds: Double? = nil, timeoutSeconds: Int64
    ) throws(MediaError) {
        try Self.requireNonEmpty(input)
        var limits: [String] = []
        if let maxSeconds {
            let cap = Self.decodeCap(maxSeconds)
            limits = ["-t", Self.seconds(cap), "-fs", String(Self.speechWAVBytes(seconds: cap) + 64 * 1024)]
        }
        let arguments =
            ["-nostdin", "-hide_banner", "-v", "error", "-y"] + Self.inputOptions + ["-i", Self.url(input)]
            + ["-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"] + limits
            + ["-f", "wav", Self.url(output)]
        try runFFmpeg(arguments, input: input, output: output, timeoutSeconds: timeoutSeconds)
        let format = try WAVFormat.read(output)
        guard format.frameCount > 0 else {
            unlink(output)
            throw .notMedia(reason: "ffmpeg: no audio could be decoded")
        }
        if let maxSeconds, format.durationSeconds > maxSeconds + Self.lengthTolerance {
            unlink(output)
            throw .tooLong(limit: maxSeconds)
        }
    }

    /// How far past the limit a recording may run and still be accepted: encoders pad the end
    /// (AAC and Opus priming, an MP3's last frame), so a file cut at the limit decodes a little
    /// longer.
    static let lengthTolerance = 1.0

    /// Where decoding stops for a limit: past the tolerance, so a longer file shows as longer.
    static func decodeCap(_ maxSeconds: Double) -> Double { maxSeconds + lengthTolerance + 1 }

    /// The size of a speech WAV (16 kHz, mono, 16-bit) of `seconds`, with a header as ffmpeg writes it.
    static func speechWAVBytes(seconds: Double) -> Int64 { Int64((seconds * 32000).rounded(.up)) + 1024 }

    /// Seconds as ffmpeg reads them, to the millisecond.
    static func seconds(_ value: Double) -> String {
        let milliseconds = Int64((max(0, value) * 1000).rounded(.up))
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Makes the rendition an `<audio>` element plays: AAC in MP4 (`.m4a`, index at the front),
    /// audio only, mono or stereo as the source (more channels are mixed down to two), 64 kb/s a
    /// channel. `sourceChannels` is the probe's channel count; nil probes the file again.
    /// - Parameter maxSeconds: where the rendition ends (`-t`, with a cap on the bytes written too):
    ///   the speech WAV's length, so a file whose header lies costs no more here than there; nil
    ///   encodes all of it.
    /// - Throws: as `convertToSpeechWAV`, but never `.tooLong`: the rendition is cut at `maxSeconds`.
    public func makeRendition(
        input: String, output: String, sourceChannels: Int? = nil, maxSeconds: Double? = nil, timeoutSeconds: Int64
    ) throws(MediaError) {
        try Self.requireNonEmpty(input)
        var channels = 2
        if let sourceChannels {
            channels = sourceChannels
        } else if let probed = try probe(input, timeoutSeconds: timeoutSeconds).channels {
            channels = probed
        }
        let bitrate = 64 * min(max(channels, 1), 2)
        let format =
            "aformat=sample_rates=48000|44100|32000|24000|22050|16000|12000|11025|8000"
            + ":channel_layouts=mono|stereo"
        var limits: [String] = []
        if let maxSeconds {
            // Four times the nominal rate leaves the encoder room; -t ends it long before.
            let bytes = Int64((max(0, maxSeconds) + 1) * Double(bitrate) * 1000 / 8 * 4) + 1024 * 1024
            limits = ["-t", Self.seconds(maxSeconds), "-fs", String(bytes)]
        }
        let arguments =
            ["-nostdin", "-hide_banner", "-v", "error", "-y"] + Self.inputOptions + ["-i", Self.url(input)]
            + ["-map", "0:a:0", "-vn", "-sn", "-dn", "-af", format, "-c:a", "aac", "-b:a", "\(bitrate)k"] + limits
            + ["-movflags", "+faststart", "-f", "mp4", Self.url(output)]
        try runFFmpeg(arguments, input: input, output: output, timeoutSeconds: timeoutSeconds)
    }

    /// The length of a WAV file, from its header.
    /// - Throws: `.notMedia` when it is not a PCM WAV file, `.toolFailed` when it cannot be read.
    public static func wavDuration(_ path: String) throws(MediaError) -> Double {
        try WAVFormat.read(path).durationSeconds
    }

    /// Runs ffmpeg to write `output`, and sorts a failure into bad input or a failed tool.
    private func runFFmpeg(
        _ arguments: [String], input: String, output: String, timeoutSeconds: Int64
    ) throws(MediaError) {
        let result: ChildProcess.Result
        do throws(MediaError) {
            result = try Self.run(ffmpeg, arguments, timeoutSeconds: timeoutSeconds)
        } catch {
            unlink(output)  // what a killed ffmpeg left half-written
            throw error
        }
        guard result.exit.succeeded else {
            unlink(output)
            let errors = result.errorText
            if case .signal = result.exit {
                throw .toolFailed(detail: "ffmpeg ended by \(result.exit)")
            }
            if errors.contains("matches no streams") { throw .noAudio }
            // A problem with the output (a missing folder, a full disk) is ours, not the file's.
            let outputProblem = errors.split(separator: "\n").contains { $0.hasPrefix(Self.url(output) + ":") }
            if outputProblem || errors.contains("No space left") {
                throw .toolFailed(detail: Self.reason(errors, input: output, tool: "ffmpeg"))
            }
            throw .notMedia(reason: Self.reason(errors, input: input, tool: "ffmpeg"))
        }
    }

    /// Runs a tool, turning "could not start", "timed out" and I/O failures into `.toolFailed`.
    static func run(
        _ program: String, _ arguments: [String], timeoutSeconds: Int64
    ) throws(MediaError)
        -> ChildProcess.Result
    {
        do {
            return try ChildProcess.run(program, arguments, timeoutSeconds: timeoutSeconds)
        } catch {
            throw .toolFailed(detail: error.description)
        }
    }

    /// Throws `.emptyFile` for a file of 0 bytes, `.toolFailed` for one that is not there (the
    /// caller's download went wrong, not the user's file).
    static func requireNonEmpty(_ path: String) throws(MediaError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .toolFailed(detail: "cannot read the input: \(String(cString: strerror(errno)))")
        }
        if info.st_size == 0 { throw .emptyFile }
    }

    /// The first relevant line of an ffmpeg or ffprobe error, short, without our paths:
    /// "ffprobe: Invalid data found when processing input".
    ///
    /// ffmpeg ends with `<input>: <verdict>`; when the verdict is only "Invalid argument" (what a
    /// demuxer's failure comes back as) the demuxer's own line, `[mp3 @ 0x…] <message>`, says more.
    static func reason(_ errors: String, input: String, tool: String) -> String {
        let lines = errors.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
        var components: [(name: String, message: String)] = []
        for line in lines where line.hasPrefix("[") {
            guard let at = line.firstRange(of: " @ "), let close = line.firstRange(of: "] ") else { continue }
            let name = String(line[line.index(after: line.startIndex)..<at.lowerBound])
            components.append((name, String(line[close.upperBound...])))
        }
        let prefixes = [url(input) + ": ", input + ": "]
        let verdict = lines.last { line in prefixes.contains { line.hasPrefix($0) } }
            .map { line in String(line.dropFirst(prefixes.first { line.hasPrefix($0) }!.count)) }
        var text: String
        if let refused = components.first(where: { $0.message.hasPrefix("Format not on whitelist") }) {
            text = "\(refused.name) is not an accepted audio or video format"
        } else if let verdict, verdict != "Invalid argument" {
            text = verdict
        } else if let component = components.first {
            text = "\(component.name): \(component.message)"
        } else {
            text = verdict ?? lines.first ?? "failed without a message"
        }
        for prefix in prefixes { text = text.replacing(prefix.dropLast(2), with: "the input") }
        if text.count > 200 { text = String(text.prefix(199)) + "…" }
        return "\(tool): \(text)"
    }
}
