import Runtime
import Transcriptor

#if canImport(Glibc)
    import Glibc
#endif

/// A 16-bit PCM WAV file, read in blocks of samples (the transcode stage writes 16 kHz mono; a
/// chunk of a few minutes is a few megabytes, never a whole long file).
public final class WAVFile {
    public let sampleRate: Int
    public let channels: Int
    /// Samples per channel.
    public let frameCount: Int
    private let file: UnsafeMutablePointer<FILE>
    private var remainingBytes: Int

    public var durationSeconds: Double { Double(frameCount) / Double(sampleRate) }

    /// Opens the file at `path`, whose layout `WAVFormat` reads (the one RIFF reader; the
    /// transcode stage's splitter uses it too).
    public init(path: String) throws(SpeechError) {
        let format: WAVFormat
        do {
            format = try WAVFormat.read(path)
        } catch {
            let reason: String
            if case .notMedia(let why) = error { reason = why } else { reason = "\(error)" }
            throw .badAudio("\(path) is not a 16-bit PCM WAV file: \(reason)")
        }
        guard format.formatTag != 3, format.bitsPerSample == 16 else {
            throw .badAudio("\(path) is not a 16-bit PCM WAV file: \(format.bitsPerSample)-bit samples")
        }
        guard let file = fopen(path, "rb") else {
            throw .badAudio("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard fseek(file, format.dataOffset, SEEK_SET) == 0 else {
            fclose(file)
            throw .badAudio("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        sampleRate = format.sampleRate
        channels = format.channels
        frameCount = format.frameCount
        remainingBytes = format.frameCount * format.blockAlign
    }

    deinit { fclose(file) }

    /// The next block of samples (mono: the first channel), empty at the end.
    public func read(frames: Int) -> [Int16] {
        let wanted = min(frames, remainingBytes / (2 * channels))
        guard wanted > 0 else { return [] }
        var interleaved = [Int16](repeating: 0, count: wanted * channels)
        let got = interleaved.withUnsafeMutableBytes { fread($0.baseAddress, 2 * channels, wanted, file) }
        remainingBytes -= got * 2 * channels
        if channels == 1 { return Array(interleaved[..<got].map { Int16(littleEndian: $0) }) }
        return (0..<got).map { Int16(littleEndian: interleaved[$0 * channels]) }
    }
}
