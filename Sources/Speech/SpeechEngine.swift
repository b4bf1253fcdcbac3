import Runtime
import Transcriptor

/// A speech-to-text engine: 16 kHz mono WAV in, the transcript model out (times in seconds from
/// the start of the audio given; the caller offsets chunks into the whole file).
///
/// Engines keep what is expensive to start (a model, a worker process) across calls, for as long
/// as the warm function instance lives.
public protocol SpeechEngine: AnyObject {
    /// The engine and model, for logs and metrics (`whisper/tiny.en`).
    var name: String { get }
    /// - Parameters:
    ///   - audio: a 16 kHz mono 16-bit WAV file.
    ///   - language: `auto` (detect) or a language code.
    ///   - deadline: when the work must be done; past it the engine gives up with `.deadlineExceeded`.
    func transcribe(_ audio: String, language: String, deadline: Timestamp) throws(SpeechError) -> Transcript
}

/// Why a transcription did not happen. `isPermanent` errors are the input's fault and are not
/// worth a retry (the job fails with the message); the others may succeed on another attempt.
public enum SpeechError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The audio cannot be decoded.
    case badAudio(String)
    /// The engine is set up wrongly (a missing model, a checksum that does not match).
    case misconfigured(String)
    /// The engine failed on good input (a crashed worker, a server error).
    case engineFailed(String)
    case deadlineExceeded(String)

    public var isPermanent: Bool {
        if case .badAudio = self { true } else { false }
    }

    public var description: String {
        switch self {
        case .badAudio(let message), .misconfigured(let message), .engineFailed(let message),
            .deadlineExceeded(let message):
            message
        }
    }
}

/// Choosing and configuring the engine from the function's environment (`SPEECH_ENGINE`:
/// `whisper` (default), `pocketsphinx` or `openai`, then each engine's own settings).
public enum SpeechEngines {
    public static func fromEnvironment() throws(SpeechError) -> any SpeechEngine {
        let choice = Environment.get("SPEECH_ENGINE").flatMap { $0.isEmpty ? nil : $0 } ?? "whisper"
        switch choice {
        case "whisper": return WhisperEngine(settings: try .fromEnvironment())
        case "pocketsphinx": return try PocketSphinxEngine(settings: .fromEnvironment())
        case "openai": return try OpenAIEngine(settings: .fromEnvironment())
        default:
            throw .misconfigured("SPEECH_ENGINE is \"\(choice)\"; it must be whisper, pocketsphinx or openai")
        }
    }
}

extension Environment {
    static func text(_ name: String, _ fallback: String) -> String {
        guard let value = get(name), !value.isEmpty else { return fallback }
        return value
    }

    static func integer(_ name: String, _ fallback: Int) throws(SpeechError) -> Int {
        guard let text = get(name), !text.isEmpty else { return fallback }
        guard let value = Int(text), value >= 0 else {
            throw .misconfigured("\(name) must be a whole number, not \"\(text)\"")
        }
        return value
    }

    static func flag(_ name: String, _ fallback: Bool) throws(SpeechError) -> Bool {
        guard let text = get(name)?.lowercased(), !text.isEmpty else { return fallback }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .misconfigured("\(name) must be true or false, not \"\(text)\"")
        }
    }
}
