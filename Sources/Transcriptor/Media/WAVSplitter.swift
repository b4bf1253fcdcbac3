#if canImport(Glibc)
    import Glibc
#endif

/// Cuts a PCM WAV file into WAV files at given times, sample-exactly, streaming: only one block
/// of samples is in memory at a time (an hour at 16 kHz is 115 MB).
public enum WAVSplitter {
    /// One piece of the audio, as written.
    public struct Chunk: Equatable, Sendable {
        /// 0, 1, 2, … in time order.
        public var index: Int
        /// `directory/chunk-0000.wav`.
        public var path: String
        /// The first sample, counted in frames from the file's start.
        public var startFrame: Int
        /// Samples per channel in this chunk.
        public var frameCount: Int
        /// Where the chunk starts in the whole file (`startFrame / sampleRate`), in seconds.
        public var startSeconds: Double
        public var durationSeconds: Double
    }

    /// How many bytes are copied at a time.
    static let blockBytes = 256 * 1024

    /// Writes one WAV file per start time: chunk `i` holds the samples from `starts[i]` up to
    /// `starts[i + 1]` (the last, to the end). Times become frames by rounding to the nearest
    /// sample; a start at or past the end of the audio, or on the same sample as the one before,
    /// makes no chunk. Each file is written under a temporary name and renamed when complete,
    /// so a retried stage never leaves a half-written chunk.
    /// - Parameters:
    ///   - starts: in seconds, increasing, beginning with 0 (as `ChunkPlanner.plan` gives them).
    ///   - directory: where to write; made when missing (one level).
    ///   - prefix: file names are `prefix` + four-digit index + ".wav".
    /// - Throws: `.notMedia` when the file is not a PCM WAV or holds no samples; `.toolFailed`
    ///   when a file cannot be read or written (retry).
    public static func split(
        _ wav: String, at starts: [Double], into directory: String, prefix: String = "chunk-"
    ) throws(MediaError) -> [Chunk] {
        precondition(starts.first == 0, "the first chunk starts at 0")
        precondition(zip(starts, starts.dropFirst()).allSatisfy { $0 < $1 }, "start times must increase")
        let format = try WAVFormat.read(wav)
        guard format.frameCount > 0 else { throw .notMedia(reason: "the converted audio has no samples") }
        var frames: [Int] = []
        for start in starts {
            let frame = Int((start * Double(format.sampleRate)).rounded())
            let previous = frames.last ?? -1
            if format.frameCount > frame && frame > previous { frames.append(frame) }
        }
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw .toolFailed(detail: "cannot make \(directory): \(String(cString: strerror(errno)))")
        }

        let source = try BlockFile(wav, mode: "rb")
        try source.seek(to: format.dataOffset)
        var buffer = [UInt8](repeating: 0, count: blockBytes - blockBytes % format.blockAlign)
        var chunks: [Chunk] = []
        for (index, first) in frames.enumerated() {
            let count = (index + 1 < frames.count ? frames[index + 1] : format.frameCount) - first
            let path = "\(directory)/\(prefix)\(Self.number(index)).wav"
            let partial = path + ".part"
            let output = try BlockFile(partial, mode: "wb")
            do throws(MediaError) {
                try output.write(format.header(frames: count)[...])
                var remaining = count * format.blockAlign
                while remaining > 0 {
                    let got = try source.read(into: &buffer, count: min(buffer.count, remaining))
                    guard got > 0 else {
                        throw .toolFailed(detail: "\(wav) ended early (it changed while being split?)")
                    }
                    try output.write(buffer[..<got])
                    remaining -= got
                }
                try output.close()
                guard rename(partial, path) == 0 else {
                    throw .toolFailed(detail: "cannot rename \(partial): \(String(cString: strerror(errno)))")
                }
            } catch {
                unlink(partial)
                throw error
            }
            chunks.append(
                Chunk(
                    index: index, path: path, startFrame: first, frameCount: count,
                    startSeconds: Double(first) / Double(format.sampleRate),
                    durationSeconds: Double(count) / Double(format.sampleRate)))
        }
        return chunks
    }

    /// Four digits at least: 0 → "0000", 12345 → "12345".
    static func number(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
