import Foundation
import TestSupport
import Testing

/// Media files for the pipeline tests, made with ffmpeg from the recordings.
enum PipelineMedia {
    /// A new folder under the temporary directory; the caller removes it (`remove(_:)`).
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func ffmpeg(_ arguments: [String]) throws {
        let result = try runProcess("/usr/bin/ffmpeg", ["-v", "error", "-y"] + arguments)
        guard result.status == 0 else { throw ServerError("ffmpeg \(arguments): \(result.output)") }
    }

    /// `source` re-encoded as `format` (m4a, opus, mp3, wav, or mp4: a small video with the audio).
    static func encode(_ source: String, as format: String, in folder: String) throws -> String {
        let output = "\(folder)/\(UUID().uuidString.prefix(8)).\(format)"
        switch format {
        case "mp4":
            try ffmpeg([
                "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-i", source, "-shortest", "-c:v", "libx264",
                "-pix_fmt", "yuv420p", "-c:a", "aac", output,
            ])
        case "opus": try ffmpeg(["-i", source, "-c:a", "libopus", "-b:a", "32k", output])
        case "m4a": try ffmpeg(["-i", source, "-c:a", "aac", "-b:a", "64k", output])
        default: try ffmpeg(["-i", source, output])
        }
        return output
    }

    static func concatenatedFixtures(in folder: String) throws -> String {
        let output = "\(folder)/long-\(UUID().uuidString.prefix(8)).wav"
        try TestAudio.concatenated(into: output)
        return output
    }

    static func write(_ text: String, named name: String, in folder: String) throws -> String {
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func truncated(_ source: String, bytes: Int, in folder: String) throws -> String {
        let path = "\(folder)/truncated-\(UUID().uuidString.prefix(8)).mp3"
        try Data(contentsOf: URL(fileURLWithPath: source)).prefix(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: Files whose headers lie about their length

    /// `seconds` of a 440 Hz tone (8 kHz, mono) as `format`: mkv and webm (Opus in Matroska),
    /// ogg (Opus), mp3 (with the Xing/Info header ffmpeg writes), flac, m4a (AAC). Made for speed:
    /// half an hour of Opus at libopus's usual complexity takes a minute on a busy machine.
    static func tone(seconds: Int, as format: String, in folder: String) throws -> String {
        let output = "\(folder)/tone-\(UUID().uuidString.prefix(8)).\(format)"
        let codec: [String] =
            switch format {
            case "mkv", "webm", "ogg": opus
            case "mp3": ["-c:a", "libmp3lame", "-b:a", "8k"]
            case "m4a": ["-c:a", "aac", "-b:a", "16k"]
            default: []
            }
        try ffmpeg(
            ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000:duration=\(seconds)", "-ac", "1"] + codec
                + [output])
        return output
    }

    /// Opus at its fastest setting.
    static let opus = ["-c:a", "libopus", "-b:a", "12k", "-compression_level", "0"]

    /// How `source` becomes Opus: copied when it is Opus in Ogg already.
    static func opusCodec(for source: String) -> [String] { source.hasSuffix(".ogg") ? ["-c:a", "copy"] : opus }

    /// `source` as Opus in Matroska written to a pipe: the muxer cannot go back to write a
    /// Duration or cues, so the file says nothing about its length.
    static func matroskaWithoutDuration(_ source: String, in folder: String) throws -> String {
        let output = "\(folder)/piped-\(UUID().uuidString.prefix(8)).mkv"
        let command =
            "/usr/bin/ffmpeg -v error -i \"$1\" \(opusCodec(for: source).joined(separator: " ")) -f matroska -"
        let result = try runProcess("/bin/sh", ["-c", command + " > \"$2\"", "sh", source, output])
        guard result.status == 0 else { throw ServerError("ffmpeg to a pipe: \(result.output)") }
        return output
    }

    /// `source` as Opus in Matroska (mkv) or WebM, with the Segment Info's Duration set to
    /// `claimed` seconds.
    static func matroska(
        _ source: String, as format: String, claiming claimed: Double, in folder: String
    ) throws -> String {
        let output = "\(folder)/claims-\(UUID().uuidString.prefix(8)).\(format)"
        try ffmpeg(["-i", source] + opusCodec(for: source) + [output])
        try patchMatroskaDuration(output, seconds: claimed)
        return output
    }

    /// Sets the Matroska Duration element (ID 0x4489, a 4- or 8-byte float in TimecodeScale units).
    static func patchMatroskaDuration(_ path: String, seconds: Double) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var scale = 1_000_000.0
        if let at = find(bytes, [0x2A, 0xD7, 0xB1]), bytes[at + 3] & 0x80 != 0 {
            let size = Int(bytes[at + 3] & 0x7F)
            scale = Double(bytes[(at + 4)..<(at + 4 + size)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
        guard let at = find(bytes, [0x44, 0x89]), [0x84, 0x88].contains(bytes[at + 2]) else {
            throw ServerError("no Matroska Duration in \(path)")
        }
        let value = seconds * 1e9 / scale
        let encoded: [UInt8] =
            bytes[at + 2] == 0x88
            ? withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init)
            : withUnsafeBytes(of: Float(value).bitPattern.bigEndian, Array.init)
        bytes.replaceSubrange((at + 3)..<(at + 3 + encoded.count), with: encoded)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Sets the frame count of an MP3's Xing or Info header (what players take for the length).
    static func patchXingFrames(_ path: String, frames: UInt32) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        guard let at = find(bytes, Array("Xing".utf8)) ?? find(bytes, Array("Info".utf8)), bytes[at + 7] & 1 != 0
        else { throw ServerError("no Xing/Info header with a frame count in \(path)") }
        bytes.replaceSubrange((at + 8)..<(at + 12), with: withUnsafeBytes(of: frames.bigEndian, Array.init))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Sets the granule position of an Ogg file's last page (where demuxers read the length), with
    /// the page's checksum made right again.
    static func patchOggFinalGranule(_ path: String, granule: Int64) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var last: Int?
        var offset = 0
        while let at = find(bytes, Array("OggS".utf8), from: offset) {
            last = at
            let segments = Int(bytes[at + 26])
            offset = at + 27 + segments + bytes[(at + 27)..<(at + 27 + segments)].reduce(0) { $0 + Int($1) }
        }
        guard let last else { throw ServerError("no Ogg page in \(path)") }
        bytes.replaceSubrange((last + 6)..<(last + 14), with: withUnsafeBytes(of: granule.littleEndian, Array.init))
        bytes.replaceSubrange((last + 22)..<(last + 26), with: [0, 0, 0, 0])
        let checksum = oggCRC(bytes[last..<offset])
        bytes.replaceSubrange((last + 22)..<(last + 26), with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Ogg's page checksum: CRC-32, polynomial 0x04C11DB7, not reflected, starting at 0.
    static func oggCRC(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0
        for byte in bytes {
            crc ^= UInt32(byte) << 24
            for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
        }
        return crc
    }

    /// Sets a FLAC file's total-samples field (STREAMINFO, 36 bits).
    static func patchFLACTotalSamples(_ path: String, samples: UInt64) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.starts(with: Array("fLaC".utf8)), bytes[4] & 0x7F == 0 else {
            throw ServerError("no STREAMINFO first in \(path)")
        }
        // STREAMINFO's body starts at 8; bytes 10..<18 of it end with the 36-bit sample count.
        let field = 8 + 10
        var packed = bytes[field..<(field + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        packed = packed & ~((1 << 36) - 1) | samples & ((1 << 36) - 1)
        bytes.replaceSubrange(field..<(field + 8), with: withUnsafeBytes(of: packed.bigEndian, Array.init))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Sets the durations of an MP4 file's movie (mvhd), track (tkhd) and media (mdhd) headers to
    /// `seconds` (version 0 boxes, as ffmpeg writes them).
    static func patchMP4Durations(_ path: String, seconds: Double) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        func be32(_ at: Int) -> UInt32 { bytes[at..<(at + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        func set(_ at: Int, _ value: UInt32) {
            bytes.replaceSubrange(at..<(at + 4), with: withUnsafeBytes(of: value.bigEndian, Array.init))
        }
        guard let mvhd = find(bytes, Array("mvhd".utf8)), let tkhd = find(bytes, Array("tkhd".utf8)),
            let mdhd = find(bytes, Array("mdhd".utf8)), bytes[mvhd + 4] == 0, bytes[tkhd + 4] == 0, bytes[mdhd + 4] == 0
        else { throw ServerError("no version 0 mvhd, tkhd and mdhd in \(path)") }
        // After the type: version and flags, creation and modification times, then (mvhd, mdhd)
        // the timescale and the duration, or (tkhd) the track id, a reserved word and the duration.
        let movieScale = Double(be32(mvhd + 16))
        let mediaScale = Double(be32(mdhd + 16))
        set(mvhd + 20, UInt32(seconds * movieScale))
        set(tkhd + 24, UInt32(seconds * movieScale))
        set(mdhd + 20, UInt32(seconds * mediaScale))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// What ffprobe says a file's length is (the header's claim); nil when it does not know.
    static func claimedSeconds(_ path: String) throws -> Double? {
        let result = try runProcess(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
        return Double(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func find(_ bytes: [UInt8], _ pattern: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count >= pattern.count, start <= bytes.count - pattern.count else { return nil }
        for index in start...(bytes.count - pattern.count) where bytes[index] == pattern[0] {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
        }
        return nil
    }

    /// ffmpeg reads the subtitles back without an error.
    static func expectFFmpegParses(
        _ text: String, format: String, folder: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let path = "\(folder)/\(UUID().uuidString.prefix(8)).\(format)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runProcess("/usr/bin/ffmpeg", ["-v", "error", "-i", path, "-c:s", "copy", "-f", "null", "-"])
        #expect(
            result.status == 0 && result.output.isEmpty, "\(format): \(result.output)", sourceLocation: sourceLocation)
    }

    /// An SQS event of one message with `body`, as the event-source mapping hands it to a function.
    static func sqsEvent(_ body: String) -> String {
        let escaped = body.replacingOccurrences(of: "\"", with: "\\\"")
        return
            #"{"Records":[{"messageId":"m1","receiptHandle":"r","body":"\#(escaped)","attributes":{"ApproximateReceiveCount":"1"},"messageAttributes":{},"md5OfBody":"","eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:q","awsRegion":"us-east-1"}]}"#
    }

    /// An S3 ObjectCreated event for one key, as the emulator sends it.
    static func s3Event(bucket: String, key: String) -> String {
        """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-11-28T00:00:00.000Z",
        "eventName":"ObjectCreated:Put","userIdentity":{"principalId":"local"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
        "responseElements":{},"s3":{"s3SchemaVersion":"1.0","configurationId":"test","bucket":{"name":"\(bucket)",
        "ownerIdentity":{"principalId":"local"},"arn":"arn:aws:s3:::\(bucket)"},"object":{"key":"\(key)","size":1,
        "eTag":"x","sequencer":"0A"}}}]}
        """
    }

    /// Requests a test server received.
    final class Inbox: @unchecked Sendable {
        private let lock = NSLock()
        private var requests: [LoopbackHTTPServer.Request] = []
        func add(_ request: LoopbackHTTPServer.Request) { lock.withLock { requests.append(request) } }
        var all: [LoopbackHTTPServer.Request] { lock.withLock { requests } }
    }
}
