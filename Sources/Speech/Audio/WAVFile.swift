import Runtime

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

    public init(path: String) throws(SpeechError) {
        guard let file = fopen(path, "rb") else {
            throw .badAudio("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        func fail(_ reason: String) -> SpeechError {
            fclose(file)
            return .badAudio("\(path) is not a 16-bit PCM WAV file: \(reason)")
        }
        var header = [UInt8](repeating: 0, count: 12)
        guard fread(&header, 1, 12, file) == 12, header[0..<4].elementsEqual("RIFF".utf8),
            header[8..<12].elementsEqual("WAVE".utf8)
        else { throw fail("no RIFF/WAVE header") }
        var format: (rate: Int, channels: Int, bits: Int)?
        while true {
            var chunk = [UInt8](repeating: 0, count: 8)
            guard fread(&chunk, 1, 8, file) == 8 else { throw fail("no data chunk") }
            let size = Int(Self.le32(chunk, 4))
            if chunk[0..<4].elementsEqual("fmt ".utf8) {
                var body = [UInt8](repeating: 0, count: size)
                guard size >= 16, fread(&body, 1, size, file) == size else { throw fail("a short fmt chunk") }
                let tag = Int(body[0]) | Int(body[1]) << 8
                guard tag == 1 || tag == 0xFFFE else { throw fail("format tag \(tag) is not PCM") }
                format = (Int(Self.le32(body, 4)), Int(body[2]) | Int(body[3]) << 8, Int(body[14]) | Int(body[15]) << 8)
                if size % 2 == 1 { fseek(file, 1, SEEK_CUR) }
            } else if chunk[0..<4].elementsEqual("data".utf8) {
                guard let format else { throw fail("data before fmt") }
                guard format.bits == 16 else { throw fail("\(format.bits)-bit samples") }
                guard format.channels >= 1, format.rate > 0 else { throw fail("no channels") }
                // ffmpeg writes 0xFFFFFFFF (or a size past the end) when it streams; trust the file.
                let here = ftell(file)
                fseek(file, 0, SEEK_END)
                let available = ftell(file) - here
                fseek(file, here, SEEK_SET)
                let bytes = size == 0xFFFF_FFFF ? available : min(size, available)
                sampleRate = format.rate
                channels = format.channels
                frameCount = bytes / (2 * format.channels)
                remainingBytes = frameCount * 2 * format.channels
                return
            } else {
                guard fseek(file, size + size % 2, SEEK_CUR) == 0 else { throw fail("a broken chunk") }
            }
        }
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

    static func le32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}
