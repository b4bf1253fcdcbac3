import Runtime

extension MediaTools {
    /// What the file is: `ffprobe -v error -print_format json -show_format -show_streams`.
    /// - Throws: `.emptyFile`; `.notMedia` with ffprobe's reason when it cannot read the file (text,
    ///   an image, a damaged header, a playlist); `.noAudio` when it reads but has no audio stream
    ///   (all permanent: fail the job). `.toolFailed` when ffprobe cannot start, crashes or times
    ///   out (retry).
    public func probe(_ path: String, timeoutSeconds: Int64) throws(MediaError) -> MediaInfo {
        try Self.requireNonEmpty(path)
        let arguments =
            ["-hide_banner", "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
            + Self.inputOptions + [Self.url(path)]
        let result = try Self.run(ffprobe, arguments, timeoutSeconds: timeoutSeconds)
        switch result.exit {
        case .signal:
            throw .toolFailed(detail: "ffprobe ended by \(result.exit)")
        case .code(let code) where code != 0:
            throw .notMedia(reason: Self.reason(result.errorText, input: path, tool: "ffprobe"))
        case .code:
            break
        }
        let json: JSONValue
        do {
            json = try JSON.decode(JSONValue.self, from: result.output)
        } catch {
            throw .toolFailed(detail: "ffprobe printed no JSON: \(error)")
        }
        let info = MediaInfo(ffprobe: json)
        guard info.hasAudio else { throw .noAudio }
        return info
    }
}
