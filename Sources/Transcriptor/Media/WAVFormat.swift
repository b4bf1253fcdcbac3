#if canImport(Glibc)
    import Glibc
#endif

/// The layout of a PCM WAV file, read from its header: where the samples are and how many.
///
/// Walks the RIFF chunks to `fmt ` and `data`, skipping others (ffmpeg writes a `LIST` before
/// `data`). A data size of 0xFFFFFFFF (ffmpeg writing to a pipe), or one past the end of the file
/// (a write cut short), means "to the end of the file"; RF64 files give theirs in `ds64`.
public struct WAVFormat: Equatable, Sendable {
    /// 1 (PCM), 3 (float) or 0xFFFE (extensible).
    public var formatTag: Int
    public var sampleRate: Int
    public var channels: Int
    public var bitsPerSample: Int
    /// Bytes per frame (one sample of every channel).
    public var blockAlign: Int
    /// The body of the `fmt ` chunk, as found, for writing files of the same format.
    public var formatChunk: [UInt8]
    /// Where the first sample starts, in bytes from the file's start.
    public var dataOffset: Int
    /// Samples per channel.
    public var frameCount: Int

    public var durationSeconds: Double { Double(frameCount) / Double(sampleRate) }

    /// Reads the header of the WAV file at `path`.
    /// - Throws: `.notMedia` when it is not a PCM WAV file (no header, no `data`, a compressed
    ///   format); `.toolFailed` when it cannot be opened or read.
    public static func read(_ path: String) throws(MediaError) -> WAVFormat {
        let file = try BlockFile(path, mode: "rb")
        let size = try file.size()
        func fail(_ reason: String) -> MediaError { .notMedia(reason: "not a PCM WAV file: \(reason)") }

        let riff = try file.read(12)
        guard riff.count == 12, riff[8..<12].elementsEqual("WAVE".utf8) else { throw fail("no RIFF/WAVE header") }
        let isRF64 = riff[0..<4].elementsEqual("RF64".utf8) || riff[0..<4].elementsEqual("BW64".utf8)
        guard isRF64 || riff[0..<4].elementsEqual("RIFF".utf8) else { throw fail("no RIFF/WAVE header") }

        var format: (tag: Int, rate: Int, channels: Int, bits: Int, align: Int, body: [UInt8])?
        var largeDataSize: Int?
        var offset = 12
        while true {
            let header = try file.read(8)
            guard header.count == 8 else { throw fail("no data chunk") }
            let id = String(decoding: header[0..<4], as: UTF8.self)
            let declared = Int(le32(header, 4))
            offset += 8
            switch id {
            case "fmt ":
                guard declared <= 4096 else { throw fail("a fmt chunk of \(declared) bytes") }
                let body = try file.read(declared)
                guard declared >= 16, body.count == declared else { throw fail("a short fmt chunk") }
                let tag = Int(le16(body, 0))
                guard tag == 1 || tag == 3 || tag == 0xFFFE else { throw fail("format \(tag) is not PCM") }
                format = (tag, Int(le32(body, 4)), Int(le16(body, 2)), Int(le16(body, 14)), Int(le16(body, 12)), body)
            case "ds64":
                guard declared <= 4096 else { throw fail("a ds64 chunk of \(declared) bytes") }
                let body = try file.read(declared)
                guard declared >= 16, body.count == declared else { throw fail("a short ds64 chunk") }
                largeDataSize = Int(truncatingIfNeeded: UInt64(le32(body, 8)) | UInt64(le32(body, 12)) << 32)
            case "data":
                guard let format else { throw fail("data before fmt") }
                guard format.rate > 0, format.channels > 0, format.bits > 0,
                    format.align == format.channels * ((format.bits + 7) / 8)
                else { throw fail("an inconsistent fmt chunk") }
                let available = max(0, size - offset)
                var bytes = declared
                if isRF64, declared == 0xFFFF_FFFF, let largeDataSize { bytes = largeDataSize }
                if declared == 0xFFFF_FFFF && !isRF64 || bytes > available { bytes = available }
                return WAVFormat(
                    formatTag: format.tag, sampleRate: format.rate, channels: format.channels,
                    bitsPerSample: format.bits, blockAlign: format.align, formatChunk: format.body,
                    dataOffset: offset, frameCount: bytes / format.align)
            default:
                break
            }
            offset += declared + declared % 2
            try file.seek(to: offset)
        }
    }

    /// A canonical header for `frames` frames in this format: RIFF, `fmt ` (as read), `data`.
    func header(frames: Int) -> [UInt8] {
        let dataBytes = frames * blockAlign
        let fmtBytes = formatChunk.count + formatChunk.count % 2
        precondition(4 + 8 + fmtBytes + 8 + dataBytes <= Int(UInt32.max), "a WAV chunk over 4 GiB")
        var out: [UInt8] = []
        out.reserveCapacity(20 + fmtBytes + 8)
        out += Array("RIFF".utf8) + Self.le32Bytes(4 + 8 + fmtBytes + 8 + dataBytes) + Array("WAVE".utf8)
        out += Array("fmt ".utf8) + Self.le32Bytes(formatChunk.count) + formatChunk
        if formatChunk.count % 2 == 1 { out.append(0) }
        out += Array("data".utf8) + Self.le32Bytes(dataBytes)
        return out
    }

    static func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

    static func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    static func le32Bytes(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
