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
    private let worker: JSONLineWorker
    private var verified = false
    /// Whether the loaded model is multilingual (from the worker's ready line).
    public var multilingual: Bool { worker.ready?["multilingual"] == .bool(true) }
    /// How many workers were started (for tests and logs: restarts show here).
    public var starts: Int { worker.starts }

    public init(settings: WhisperSettings) {
        self.settings = settings
        var arguments = [
            "-u", settings.worker, "--model", settings.modelDirectory, "--compute-type", settings.computeType,
        ]
        if settings.threads > 0 { arguments += ["--threads", String(settings.threads)] }
        worker = JSONLineWorker(
            label: "whisper worker", python: settings.python, arguments: arguments,
            passedEnvironment: ["WHISPER_WORKER_TEST_HOOKS", "WHISPER_WORKER_CRASH_RATE"],
            startTimeoutSeconds: settings.startTimeoutSeconds)
    }

    /// The running worker's process id (tests kill it to check the restart).
    var workerPID: pid_t? { worker.pid }

    /// Stops the worker (it is started again on the next chunk).
    public func stop() { worker.stop() }

    public func transcribe(_ audio: String, language: String, deadline: Timestamp) throws(SpeechError) -> Transcript {
        try transcribe(audio, options: SpeechOptions(language: language), deadline: deadline)
    }

    public func transcribe(
        _ audio: String, options: SpeechOptions, deadline: Timestamp
    ) throws(SpeechError)
        -> Transcript
    {
        try verifyModel()
        let until = min(Timestamp.now().adding(seconds: settings.chunkTimeoutSeconds), deadline)
        var request: [String: JSONValue] = [
            "audio": .string(audio), "language": .string(options.language),
            "beam_size": .integer(Int64(settings.beamSize)), "vad": .bool(settings.vad),
            "word_timestamps": .bool(true),
        ]
        if options.translate { request["task"] = .string("translate") }
        if let prompt = Self.prompt(options.vocabulary) { request["initial_prompt"] = .string(prompt) }
        let (line, id) = try worker.ask(request, about: audio, deadline: until)
        return try Self.transcript(fromAnswer: line, id: id)
    }

    /// The vocabulary as Whisper's initial prompt, the terms listed ("Ada, Grace."): on espeak-ng
    /// speech with rare words it cut their error rate from 84 % to 16 %, where `hotwords` and a
    /// "Glossary: …" sentence reached 21 % (and the sentence made whisper add "Thank you." to a
    /// recording that has none); BENCHMARKS.md, vocabulary. Whisper reads at most 224 prompt tokens:
    /// terms past about 600 characters are left out.
    /// The terms are taken most important first (the job's own, then the glossary's) up to 600
    /// bytes of UTF-8 (a token is a byte or more, so this stays under the limit in any script), and
    /// listed most important last, because whisper keeps the end of a prompt that is too long.
    static func prompt(_ vocabulary: [String]) -> String? {
        var terms: [String] = []
        var length = 0
        for term in vocabulary where length + term.utf8.count + 2 <= 600 {
            terms.append(term)
            length += term.utf8.count + 2
        }
        return terms.isEmpty ? nil : terms.reversed().joined(separator: ", ") + "."
    }

    /// Checks the model's checksum once, before the first worker starts.
    private func verifyModel() throws(SpeechError) {
        guard !verified else { return }
        let directory = settings.modelDirectory
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
