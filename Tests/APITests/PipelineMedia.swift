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
