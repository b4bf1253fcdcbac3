import Runtime
import Transcriptor

#if canImport(Glibc)
    import Glibc
#endif

/// Whisper through faster-whisper (CTranslate2), in a persistent worker process of ours
/// (`worker.py`) that loads the model once per warm function instance and then answers one JSON
/// line per chunk. This side checks the model's checksum before the first start, restarts a worker
/// that died (retrying the chunk once), kills one that overruns its deadline, and turns the
/// worker's answers into the transcript model or a `SpeechError`.
public final class WhisperEngine: SpeechEngine {
    public let settings: WhisperSettings
    public var name: String { "whisper/\(settings.model)" }
    private var worker: ChildProcess?
    private var verified = false
    private var requestNumber = 0
    /// Whether the loaded model is multilingual (from the worker's ready line).
    public private(set) var multilingual = false
    /// How many workers were started (for tests and logs: restarts show here).
    public private(set) var starts = 0

    public init(settings: WhisperSettings) { self.settings = settings }

    /// The running worker's process id (tests kill it to check the restart).
    var workerPID: pid_t? { worker?.pid }

    deinit { stop() }

    /// Stops the worker (it is started again on the next chunk).
    public func stop() {
        if let worker {
            worker.closeInput()
            worker.kill(SIGKILL)
            worker.wait()
        }
        worker = nil
    }

    public func transcribe(_ audio: String, language: String, deadline: Timestamp) throws(SpeechError) -> Transcript {
        let own = Timestamp.now().adding(seconds: settings.chunkTimeoutSeconds)
        let until = min(own, deadline)
        do {
            return try attempt(audio, language: language, deadline: until)
        } catch .engineFailed(let reason) where reason.hasPrefix(Self.workerEnded) {
            // The worker died under this chunk (out of memory, a crash): once more on a new one.
            return try attempt(audio, language: language, deadline: until)
        }
    }

    static let workerEnded = "the whisper worker ended"

    private func attempt(_ audio: String, language: String, deadline: Timestamp) throws(SpeechError) -> Transcript {
        let worker = try running(deadline: deadline)
        requestNumber += 1
        let id = String(requestNumber)
        let request: JSONValue = .object([
            "id": .string(id), "audio": .string(audio), "language": .string(language),
            "beam_size": .integer(Int64(settings.beamSize)), "vad": .bool(settings.vad), "word_timestamps": .bool(true),
        ])
        let line: String?
        do {
            try worker.write(Array((try JSON.encodeString(request) + "\n").utf8))
            line = try worker.readLine(until: deadline)
        } catch ChildProcess.Failure.timedOut {
            stop()
            throw .deadlineExceeded("whisper did not finish \(audio) in time; the worker was stopped")
        } catch {
            stop()
            throw .engineFailed("\(Self.workerEnded) while it had \(audio): \(error)")
        }
        guard let line else {
            let exit = worker.wait()
            self.worker = nil
            throw .engineFailed("\(Self.workerEnded) (\(exit)) while it had \(audio)")
        }
        return try Self.transcript(fromAnswer: line, id: id)
    }

    /// The worker, started (and its model checked) if need be.
    private func running(deadline: Timestamp) throws(SpeechError) -> ChildProcess {
        if let worker, worker.isRunning { return worker }
        worker = nil
        let directory = settings.modelDirectory
        if !verified {
            guard access("\(directory)/model.bin", R_OK) == 0 else {
                throw .misconfigured(
                    "the whisper model \(settings.model) is not installed: \(directory)/model.bin is missing (make bootstrap installs it)"
                )
            }
            if let expected = settings.expectedChecksum() {
                let actual = sha256OfFile("\(directory)/model.bin")
                guard actual == expected else {
                    throw .misconfigured(
                        "the whisper model \(settings.model) is refused: model.bin has SHA-256 \(actual ?? "unreadable"), not \(expected)"
                    )
                }
            }
            verified = true
        }
        var arguments = ["-u", settings.worker, "--model", directory, "--compute-type", settings.computeType]
        if settings.threads > 0 { arguments += ["--threads", String(settings.threads)] }
        let child: ChildProcess
        do {
            // The worker's test hooks are the only settings it reads from its environment.
            let hooks = ["WHISPER_WORKER_TEST_HOOKS", "WHISPER_WORKER_CRASH_RATE"].reduce(into: [String: String]()) {
                if let value = Environment.get($1) { $0[$1] = value }
            }
            child = try ChildProcess(settings.python, arguments, environment: hooks)
        } catch {
            throw .misconfigured("cannot start the whisper worker (\(settings.python) \(settings.worker)): \(error)")
        }
        starts += 1
        let ready: String?
        do {
            ready = try child.readLine(
                until: min(deadline, Timestamp.now().adding(seconds: settings.startTimeoutSeconds)))
        } catch {
            child.kill()
            child.wait()
            throw .engineFailed("the whisper worker did not become ready: \(error)")
        }
        guard let ready, let answer = try? JSON.decode(JSONValue.self, from: Array(ready.utf8)),
            answer["ready"] == .bool(true)
        else {
            let exit = child.wait()
            throw .misconfigured(
                "the whisper worker could not load \(directory) (\(exit)); its log says why\(ready.map { ": \($0)" } ?? "")"
            )
        }
        multilingual = answer["multilingual"] == .bool(true)
        worker = child
        return child
    }

    /// The transcript in a worker's answer, or the error it reports.
    static func transcript(fromAnswer line: String, id: String) throws(SpeechError) -> Transcript {
        struct Answer: Decodable {
            struct Failure: Decodable { var code: String; var message: String }
            struct Word: Decodable { var start: Double; var end: Double; var word: String; var probability: Double? }
            struct Segment: Decodable { var start: Double; var end: Double; var text: String; var words: [Word]? }
            var id: String?
            var ok: Bool
            var language: String?
            var duration: Double?
            var segments: [Segment]?
            var error: Failure?
        }
        guard let answer = try? JSON.decode(Answer.self, from: Array(line.utf8)) else {
            throw .engineFailed("the whisper worker answered something unreadable: \(line.prefix(200))")
        }
        guard answer.id == id else {
            throw .engineFailed("the whisper worker answered request \(answer.id ?? "?") instead of \(id)")
        }
        guard answer.ok else {
            let failure = answer.error ?? .init(code: "engine_error", message: "no reason given")
            if failure.code == "bad_audio" { throw .badAudio(failure.message) }
            throw .engineFailed("whisper failed: \(failure.message)")
        }
        let segments = (answer.segments ?? []).map { segment in
            Transcript.Segment(
                start: segment.start, end: segment.end, text: segment.text.trimmingWhitespace(),
                words: (segment.words ?? []).map {
                    Transcript.Word(
                        start: $0.start, end: $0.end, word: $0.word.trimmingWhitespace(),
                        confidence: $0.probability.map { ($0 * 1000).rounded() / 1000 })
                })
        }
        return Transcript(
            jobId: "", language: answer.language ?? "", durationSec: answer.duration ?? 0, segments: segments)
    }
}
