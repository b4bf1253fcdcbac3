import Runtime
import Transcriptor

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
