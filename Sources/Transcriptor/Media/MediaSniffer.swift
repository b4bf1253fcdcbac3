/// Recognises audio and video containers by their first bytes, so that the fetch stage can turn
/// away a web page, a PDF or an archive before it is stored and handed to ffmpeg.
///
/// A quick first filter, not a verdict: ffprobe decides later. It knows the containers that
/// `MediaTools.demuxers` accepts; text, HTML, PDF, zip, images and empty input give false.
public enum MediaSniffer {
    /// Whether `head` (the first few hundred bytes of a file; 512 is plenty) starts like a media file.
    public static func looksLikeMedia(_ head: [UInt8]) -> Bool {
        guard head.count >= 4 else { return false }
        let bytes = head[...]
        func at(_ offset: Int, _ text: String) -> Bool { matches(bytes, offset, Array(text.utf8)) }
        func at(_ offset: Int, _ raw: [UInt8]) -> Bool { matches(bytes, offset, raw) }

        // RIFF WAVE / AVI, and RF64 / BW64 (WAV over 4 GiB).
        if at(0, "RIFF") || at(0, "RF64") || at(0, "BW64") {
            return at(8, "WAVE") || at(8, "AVI ")
        }
        // Sony Wave64: "riff" then a GUID.
        if at(0, [0x72, 0x69, 0x66, 0x66, 0x2E, 0x91, 0xCF, 0x11]) { return true }
        // AIFF / AIFC.
        if at(0, "FORM") { return at(8, "AIFF") || at(8, "AIFC") }
        // ISO base media (mp4, m4a, mov, 3gp): a box type at offset 4 after a big-endian size
        // (under 16 MiB, so its first byte is 0: never so in text); old QuickTime files start with
        // moov, mdat or a wide/free/skip filler.
        if head[0] == 0, ["ftyp", "moov", "mdat", "wide", "free", "skip"].contains(where: { at(4, $0) }) {
            return true
        }
        let signatures: [[UInt8]] = [
            Array("OggS".utf8) + [0],  // Ogg (version 0): Opus, Vorbis, FLAC, Speex, Theora
            Array("fLaC".utf8),  // FLAC
            [0x1A, 0x45, 0xDF, 0xA3],  // EBML: Matroska, WebM
            [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11],  // ASF: WMA, WMV
            [0x46, 0x4C, 0x56, 0x01],  // FLV version 1
            [0x00, 0x00, 0x01, 0xBA],  // MPEG program stream (mpg, vob)
            Array("#!AMR".utf8),  // AMR-NB and AMR-WB ("#!AMR-WB")
            Array("caff".utf8) + [0, 1],  // Apple CAF, version 1 ("caffeine" is text)
            Array("wvpk".utf8),  // WavPack
            Array(".snd".utf8) + [0],  // Sun/NeXT AU, then a small big-endian header size
            Array("TTA1".utf8),  // True Audio
            Array("MPCK".utf8),  // Musepack SV8
            Array("DSD ".utf8) + [0x1C, 0, 0, 0],  // DSF (its first chunk is 28 bytes)
            Array(".RMF".utf8),  // RealMedia
            Array("Creative Voice File".utf8),  // VOC
            [0x0B, 0x77],  // AC-3 / E-AC-3 sync word
            [0x7F, 0xFE, 0x80, 0x01],  // DTS
        ]
        if signatures.contains(where: { at(0, $0) }) { return true }
        // MP3 (or AAC) behind an ID3v2 tag: "ID3", then a major version of 2 to 4.
        if at(0, "ID3"), (2...4).contains(head[3]) { return true }
        // Monkey's Audio: "MAC " and a version from 3.8 to 4.x ("MAC address" is text).
        if at(0, "MAC "), head.count > 5, (0x0E...0x10).contains(head[5]) { return true }
        // Musepack SV7: "MP+" and a stream version of 7.
        if at(0, "MP+"), head[3] & 0x0F == 7 { return true }
        // MPEG transport stream: a sync byte every 188 bytes (or 192, in Blu-ray's M2TS), checked
        // at every packet the head holds, each with no error flag and a valid adaptation field.
        for (first, size) in [(0, 188), (4, 192)] where head.count > first + size {
            let packets = stride(from: first, to: head.count - 3, by: size)
            if packets.allSatisfy({ head[$0] == 0x47 && head[$0 + 1] & 0x80 == 0 && head[$0 + 3] & 0x30 != 0 }) {
                return true
            }
        }
        return isMPEGAudioStart(head) || isADTSStart(head)
    }

    private static func matches(_ bytes: ArraySlice<UInt8>, _ offset: Int, _ expected: [UInt8]) -> Bool {
        guard bytes.count >= offset + expected.count else { return false }
        return bytes.dropFirst(offset).prefix(expected.count).elementsEqual(expected)
    }

    /// An MPEG audio frame header (MP1/MP2/MP3 without an ID3 tag) at offset 0; when the head holds
    /// the whole first frame, the next frame must follow it, which rules out chance matches.
    static func isMPEGAudioStart(_ head: [UInt8]) -> Bool {
        // FF FE is also UTF-16's byte-order mark (and would be MPEG-1 Layer I, long out of use).
        guard head[1] != 0xFE, let length = mpegFrameLength(head, at: 0) else { return false }
        guard head.count >= length + 4 else { return true }
        return mpegFrameLength(head, at: length) != nil && head[length + 1] & 0xFE == head[1] & 0xFE
    }

    /// The length in bytes of the MPEG audio frame whose header starts at `offset`, or nil when
    /// there is no valid header there (free-format frames, whose length is not in the header,
    /// count as invalid).
    static func mpegFrameLength(_ bytes: [UInt8], at offset: Int) -> Int? {
        guard bytes.count >= offset + 4 else { return nil }
        let (b1, b2) = (bytes[offset + 1], bytes[offset + 2])
        guard bytes[offset] == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
        let version = (b1 >> 3) & 3  // 0: MPEG 2.5, 1: reserved, 2: MPEG 2, 3: MPEG 1
        let layer = (b1 >> 1) & 3  // 0: reserved, 1: III, 2: II, 3: I
        let bitrateIndex = Int(b2 >> 4)
        let rateIndex = Int((b2 >> 2) & 3)
        guard version != 1, layer != 0, bitrateIndex != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        let mpeg1 = version == 3
        let bitrates: [Int] =
            switch (mpeg1, layer) {
            case (true, 3): [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448]
            case (true, 2): [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384]
            case (true, _): [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
            case (false, 3): [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256]
            case (false, _): [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
            }
        let baseRates = [44100, 48000, 32000]
        let sampleRate = baseRates[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2)
        let bitrate = bitrates[bitrateIndex] * 1000
        let padding = Int((b2 >> 1) & 1)
        if layer == 3 { return (12 * bitrate / sampleRate + padding) * 4 }
        let samples = layer == 1 && !mpeg1 ? 576 : 1152
        return samples / 8 * bitrate / sampleRate + padding
    }

    /// An ADTS (raw AAC) frame header at offset 0, with the next frame after it when the head
    /// holds the whole first frame.
    static func isADTSStart(_ head: [UInt8]) -> Bool {
        guard let length = adtsFrameLength(head, at: 0) else { return false }
        guard head.count >= length + 7 else { return true }
        return adtsFrameLength(head, at: length) != nil
    }

    static func adtsFrameLength(_ bytes: [UInt8], at offset: Int) -> Int? {
        guard bytes.count >= offset + 7 else { return nil }
        let header = bytes[offset..<offset + 7].map(Int.init)
        // 12 sync bits, layer 00; a sampling-frequency index below 13; a length past the header.
        guard header[0] == 0xFF, header[1] & 0xF6 == 0xF0, (header[2] >> 2) & 0xF < 13 else { return nil }
        let length = (header[3] & 3) << 11 | header[4] << 3 | header[5] >> 5
        return length >= 7 ? length : nil
    }
}
