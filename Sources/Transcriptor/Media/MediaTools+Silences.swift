extension MediaTools {
    /// The silences in a WAV file, through `ffmpeg -af silencedetect=noise=…dB:d=…`, in order.
    /// A silence still open at the end of the file ends at the file's end.
    /// - Parameters:
    ///   - noiseDB: the level below which audio counts as silent, in dB (negative).
    ///   - minimumSeconds: the shortest quiet that counts.
    /// - Throws: `.toolFailed` (retry): the WAV is our own, so a failure is not the user's.
    public func silences(
        inWAV path: String, timeoutSeconds: Int64, noiseDB: Double = -35, minimumSeconds: Double = 0.3
    ) throws(MediaError) -> [Silence] {
        let arguments =
            ["-nostdin", "-hide_banner", "-nostats", "-v", "info"] + Self.inputOptions + ["-i", Self.url(path)]
            + ["-map", "0:a:0", "-af", "silencedetect=noise=\(noiseDB)dB:d=\(minimumSeconds)", "-f", "null", "-"]
        let result = try Self.run(ffmpeg, arguments, timeoutSeconds: timeoutSeconds)
        guard result.exit.succeeded else {
            throw .toolFailed(detail: Self.reason(result.errorText, input: path, tool: "ffmpeg silencedetect"))
        }
        let parsed = Self.parseSilences(result.errorText)
        guard let open = parsed.openStart else { return parsed.silences }
        let end = try Self.wavDuration(path)
        return parsed.silences + [Silence(start: min(open, end), end: end)]
    }

    /// Reads silencedetect's log lines: `[silencedetect @ 0x…] silence_start: 6.785` and
    /// `[silencedetect @ 0x…] silence_end: 8.366 | silence_duration: 1.581`. Only the filter's
    /// own lines count (a tag in the file's metadata could say anything). `openStart` is a
    /// silence that had not ended when the log did.
    static func parseSilences(_ log: String) -> (silences: [Silence], openStart: Double?) {
        var silences: [Silence] = []
        var start: Double?
        for line in log.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) where line.hasPrefix("[silencedetect @") {
            if let value = number(after: "silence_start: ", in: line) {
                start = max(0, value)
            } else if let value = number(after: "silence_end: ", in: line) {
                let end = max(0, value)
                silences.append(Silence(start: min(start ?? 0, end), end: end))
                start = nil
            }
        }
        return (silences, start)
    }

    private static func number(after label: String, in line: Substring) -> Double? {
        guard let range = line.firstRange(of: label) else { return nil }
        let text = line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "|" }
        return Double(text).flatMap { $0.isFinite ? $0 : nil }
    }
}
