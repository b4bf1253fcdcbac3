import Foundation
import Speech
import Testing
import Transcriptor

/// The engines' sample reader over the one RIFF parser (`WAVFormat`): what ffmpeg writes (a LIST
/// chunk before the data, an unknown size when it streams), more channels, and what it refuses.
@Suite struct WAVFileTests {
    static func le(_ value: Int, _ bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    /// A WAV file: `fmt ` (tag, channels, rate, bits), an optional LIST chunk, then `data`.
    static func write(
        tag: Int = 1, channels: Int = 1, bits: Int = 16, samples: [Int16], dataSize: Int? = nil, list: Bool = false
    ) throws -> String {
        let align = channels * bits / 8
        var fmt = le(tag, 2) + le(channels, 2) + le(16_000, 4) + le(16_000 * align, 4)
        fmt += le(align, 2) + le(bits, 2)
        let data = samples.flatMap { le(Int($0), 2) }
        var body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(fmt.count, 4) + fmt
        if list { body += Array("LIST".utf8) + le(4, 4) + Array("INFO".utf8) }
        body += Array("data".utf8) + le(dataSize ?? data.count, 4) + data
        let path = NSTemporaryDirectory() + "wavfile-\(UUID().uuidString).wav"
        try Data(Array("RIFF".utf8) + le(body.count, 4) + body).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsMonoSamplesAfterAListChunk() throws {
        let path = try Self.write(samples: [1, -2, 300, -32768, 32767], list: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let wav = try WAVFile(path: path)
        #expect((wav.sampleRate, wav.channels, wav.frameCount) == (16_000, 1, 5))
        #expect(wav.read(frames: 2) == [1, -2])
        #expect(wav.read(frames: 10) == [300, -32768, 32767])
        #expect(wav.read(frames: 10).isEmpty)
    }

    @Test func aStreamedSizeMeansToTheEndAndStereoGivesTheFirstChannel() throws {
        let path = try Self.write(channels: 2, samples: [10, 20, 30, 40, 50, 60], dataSize: 0xFFFF_FFFF)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let wav = try WAVFile(path: path)
        #expect((wav.channels, wav.frameCount) == (2, 3))
        #expect(wav.read(frames: 10) == [10, 30, 50])
    }

    @Test func refusesWhatIsNot16BitPCM() throws {
        let float = try Self.write(tag: 3, bits: 32, samples: [0, 0, 0, 0])
        let text = NSTemporaryDirectory() + "wavfile-\(UUID().uuidString).wav"
        try Data("not a wav file at all".utf8).write(to: URL(fileURLWithPath: text))
        defer { for path in [float, text] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(throws: SpeechError.badAudio("\(float) is not a 16-bit PCM WAV file: 32-bit samples")) {
            try WAVFile(path: float)
        }
        #expect(
            throws: SpeechError.badAudio(
                "\(text) is not a 16-bit PCM WAV file: not a PCM WAV file: no RIFF/WAVE header")
        ) {
            try WAVFile(path: text)
        }
    }
}
