import Foundation

/// The recorded speech in `../shared/testdata/audio` (beside the repository) and its reference
/// transcripts (`refs.tsv`).
public enum TestAudio {
    public static let directory: String = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/testdata/audio").path
    }()

    public static func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// (file, reference text) for each recording.
    public static func references() throws -> [(String, String)] {
        let text = try String(contentsOfFile: "\(directory)/refs.tsv", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }

    /// The WAV recordings one after another with a second of silence after each (about 55 s,
    /// 16 kHz mono), made with ffmpeg into `output`.
    public static func concatenated(into output: String) throws {
        var arguments = ["-v", "error", "-y"]
        let files = try references().map(\.0).filter { $0.hasSuffix(".wav") }
        for file in files { arguments += ["-i", path(file)] }
        let inputs = files.indices.map { "[\($0):a]apad=pad_dur=1[a\($0)];" }.joined()
        let chain = files.indices.map { "[a\($0)]" }.joined()
        arguments += [
            "-filter_complex", "\(inputs)\(chain)concat=n=\(files.count):v=0:a=1[out]", "-map", "[out]", "-ar", "16000",
            "-ac", "1", output,
        ]
        let result = try runProcess("/usr/bin/ffmpeg", arguments)
        guard result.status == 0 else {
            throw ServerError("ffmpeg could not concatenate the recordings: \(result.output)")
        }
    }
}
