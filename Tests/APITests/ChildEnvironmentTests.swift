import Foundation
import TestSupport
import Testing

/// The tools the pipeline starts (yt-dlp, ffprobe, ffmpeg, the whisper worker) see a minimal
/// environment: none of the function's AWS credentials, endpoint or secrets. Each tool is
/// replaced, through the emulator's settings, by a wrapper that records its environment and then
/// runs the real tool, and jobs go through the API.
@Suite(.serialized) final class ChildEnvironmentTests {
    let folder: String
    let api: APIHarness
    let session: APIHarness.Session
    let page: LoopbackHTTPServer

    init() throws {
        let folder = try PipelineMedia.folder()
        self.folder = folder
        func wrapper(_ name: String, running real: String) throws -> String {
            let path = "\(folder)/\(name)"
            try "#!/bin/sh\nenv > \"\(folder)/\(name).env.$$\"\nexec \(real) \"$@\"\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
            return path
        }
        let python = APIHarness.repository.appendingPathComponent(".venv/bin/python").path
        let config = [
            "YTDLP=\(try wrapper("yt-dlp", running: "/usr/bin/yt-dlp"))",
            "FFMPEG=\(try wrapper("ffmpeg", running: "/usr/bin/ffmpeg"))",
            "FFPROBE=\(try wrapper("ffprobe", running: "/usr/bin/ffprobe"))",
            "WHISPER_PYTHON=\(try wrapper("python", running: python))",
        ]
        page = try LoopbackHTTPServer { _ in .text(404, "no media here") }
        api = try APIHarness(
            parameters: ["ChunkSeconds": "10", "MediaSites": "127.0.0.1"], environment: ["TIME_SCALE": "0.01"],
            config: config.joined(separator: "\n") + "\n")
        session = try api.signup()
    }

    deinit { PipelineMedia.remove(folder) }

    func finished(_ id: String) throws -> [String: Any] { try api.finished(id, token: session.accessToken) }

    @Test func noToolSeesTheFunctionsCredentialsOrSecrets() throws {
        // A link to a "media site" page: yt-dlp runs (and finds nothing).
        let linked = try api.call(
            .post, "/v1/jobs", token: session.accessToken, json: ["source": ["url": "\(page.baseURL)/watch"]])
        #expect(linked.status == 201, "\(linked)")
        let linkJob = try #require((linked.json["job"] as? [String: Any])?["id"] as? String)
        #expect(try finished(linkJob)["status"] as? String == "failed")

        // An upload: ffprobe, ffmpeg and the whisper worker run.
        let file = TestAudio.path("jfk.mp3")
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "jfk.mp3", "contentType": "audio/mpeg", "size": size]]])
        let upload = try #require(created.json["upload"] as? [String: Any])
        let put = try runProcess(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H", "Content-Type: audio/mpeg",
                "--data-binary",
                "@\(file)", upload["url"] as! String,
            ])
        #expect(put.output == "200", "\(put.output)")
        let uploadJob = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        #expect(try finished(uploadJob)["status"] as? String == "done")

        let records = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".env.") }
        for tool in ["yt-dlp", "ffprobe", "ffmpeg", "python"] {
            #expect(records.contains { $0.hasPrefix("\(tool).env.") }, "\(tool) ran: \(records)")
        }
        for record in records {
            let names = try String(contentsOfFile: "\(folder)/\(record)", encoding: .utf8).split(separator: "\n")
                .compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) }
            #expect(names.contains("PATH"), "\(record): \(names)")
            let leaked = names.filter { name in
                name.hasPrefix("AWS_")
                    || ["SECRET", "TOKEN", "KEY", "JWT", "PASSWORD", "TABLE", "BUCKET", "QUEUE", "MEDIA_SITES"].contains
                    {
                        name.uppercased().contains($0)
                    }
            }
            #expect(leaked.isEmpty, "\(record) saw \(leaked)")
        }
    }
}
