import Cloud
import Runtime
import Transcriptor

#if canImport(Glibc)
    import Glibc
#endif

/// How the whisper engine runs: which model, how its worker is started, and its decoding options.
public struct WhisperSettings: Sendable {
    /// A model by name (`tiny.en`, `base`) from `modelsDirectory`, or a faster-whisper model folder.
    public var model = "tiny.en"
    /// Where the bootstrap assembles the named models (one folder each).
    public var modelsDirectory = ".venv/models"
    /// The Python with faster-whisper installed.
    public var python = ".venv/bin/python"
    /// Our worker program.
    public var worker = "Sources/Speech/Whisper/worker.py"
    public var computeType = "int8"
    public var beamSize = 5
    /// CPU threads for the model; 0 lets CTranslate2 choose.
    public var threads = 0
    public var vad = true
    /// Longest a chunk may take (the function's own deadline applies too).
    public var chunkTimeoutSeconds: Int64 = 900
    /// Longest the worker may take to load its model.
    public var startTimeoutSeconds: Int64 = 180

    public init() {}

    /// The SHA-256 of each named model's `model.bin` (DESIGN.md): a model that does not match is refused.
    public static let knownModels: [String: String] = [
        "tiny.en": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        "base": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    ]

    /// The model's folder.
    public var modelDirectory: String {
        Self.knownModels[model] != nil ? "\(modelsDirectory)/\(model)" : model
    }

    /// The checksum `model.bin` must have: a named model's, or for a folder given by path, the
    /// hex digest in its `model.bin.sha256` when there is one.
    public func expectedChecksum() -> String? {
        if let known = Self.knownModels[model] { return known }
        guard let text = readTextFile("\(model)/model.bin.sha256") else { return nil }
        let digest = String(text.prefix { !$0.isWhitespace })
        return digest.isEmpty ? nil : digest.lowercased()
    }

    /// From `WHISPER_MODEL`, `WHISPER_MODELS_DIR`, `WHISPER_PYTHON`, `WHISPER_WORKER`,
    /// `WHISPER_COMPUTE_TYPE`, `WHISPER_BEAM_SIZE`, `WHISPER_THREADS`, `WHISPER_VAD`,
    /// `WHISPER_CHUNK_TIMEOUT` (seconds).
    public static func fromEnvironment() throws(SpeechError) -> WhisperSettings {
        var settings = WhisperSettings()
        settings.model = Environment.text("WHISPER_MODEL", settings.model)
        settings.modelsDirectory = Environment.text("WHISPER_MODELS_DIR", settings.modelsDirectory)
        settings.python = Environment.text("WHISPER_PYTHON", settings.python)
        settings.worker = Environment.text("WHISPER_WORKER", settings.worker)
        settings.computeType = Environment.text("WHISPER_COMPUTE_TYPE", settings.computeType)
        settings.beamSize = try Environment.integer("WHISPER_BEAM_SIZE", settings.beamSize)
        settings.threads = try Environment.integer("WHISPER_THREADS", settings.threads)
        settings.vad = try Environment.flag("WHISPER_VAD", settings.vad)
        settings.chunkTimeoutSeconds = Int64(
            try Environment.integer("WHISPER_CHUNK_TIMEOUT", Int(settings.chunkTimeoutSeconds)))
        guard settings.beamSize >= 1 else { throw .misconfigured("WHISPER_BEAM_SIZE must be at least 1") }
        return settings
    }
}

/// The text of a small file; nil when it cannot be read.
func readTextFile(_ path: String) -> String? {
    (try? BlockFile.contents(of: path)).map { String(decoding: $0, as: UTF8.self) }
}

/// The hex SHA-256 of a file, read in blocks; nil when it cannot be read.
func sha256OfFile(_ path: String) -> String? {
    guard let file = try? BlockFile(path, mode: "rb") else { return nil }
    let digest = StreamingDigest.sha256()
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while let count = try? file.read(into: &buffer, count: buffer.count), count > 0 {
        digest.update(buffer[..<count])
    }
    return Hex.encode(digest.finish())
}
