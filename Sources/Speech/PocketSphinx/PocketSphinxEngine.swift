import CPocketSphinx
import Runtime
import Transcriptor

#if canImport(Glibc)
    import Glibc
#endif

/// CMU PocketSphinx, in process, through its C API and Debian's US English model: no Python and
/// no worker, the fallback when whisper is not available. English only; far less accurate than
/// whisper (20–60 % word error rate), but small and fast.
public final class PocketSphinxEngine: SpeechEngine {
    public struct Settings: Sendable {
        /// The folder with `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`.
        public var modelDirectory = "/usr/share/pocketsphinx/model/en-us"

        public init() {}

        /// From `POCKETSPHINX_MODEL_DIR`.
        public static func fromEnvironment() -> Settings {
            var settings = Settings()
            settings.modelDirectory = Environment.text("POCKETSPHINX_MODEL_DIR", settings.modelDirectory)
            return settings
        }
    }

    public let name = "pocketsphinx/en-us"
    private let decoder: OpaquePointer
    private let config: OpaquePointer

    /// Frames per second of pocketsphinx's feature extraction (its default `-frate`).
    static let framesPerSecond = 100.0
    /// A pause this long ends a segment.
    static let segmentPause = 0.6
    static let maxWordsPerSegment = 24

    public init(settings: Settings) throws(SpeechError) {
        let dir = settings.modelDirectory
        for file in ["\(dir)/en-us/mdef", "\(dir)/en-us.lm.bin", "\(dir)/cmudict-en-us.dict"]
        where access(file, R_OK) != 0 {
            throw .misconfigured("the pocketsphinx model file \(file) is missing (Debian's pocketsphinx-en-us)")
        }
        guard let config = transcriptor_ps_config("\(dir)/en-us", "\(dir)/en-us.lm.bin", "\(dir)/cmudict-en-us.dict")
        else { throw .misconfigured("pocketsphinx refused its configuration (model in \(dir))") }
        guard let decoder = ps_init(config) else {
            cmd_ln_free_r(config)
            throw .misconfigured("pocketsphinx could not load its model from \(dir)")
        }
        self.config = config
        self.decoder = decoder
    }

    deinit {
        ps_free(decoder)
        cmd_ln_free_r(config)
    }

    public func transcribe(_ audio: String, language: String, deadline: Timestamp) throws(SpeechError) -> Transcript {
        guard language == "auto" || language == "en" else {
            throw .badAudio("pocketsphinx transcribes English only; this job asks for \"\(language)\"")
        }
        let wav = try WAVFile(path: audio)
        guard wav.sampleRate == 16000 else {
            throw .badAudio("pocketsphinx needs 16 kHz audio; \(audio) is \(wav.sampleRate) Hz")
        }
        guard ps_start_utt(decoder) == 0 else { throw .engineFailed("pocketsphinx could not start an utterance") }
        while true {
            let block = wav.read(frames: 16000)
            if block.isEmpty { break }
            let status = block.withUnsafeBufferPointer { ps_process_raw(decoder, $0.baseAddress, $0.count, 0, 0) }
            guard status >= 0 else {
                ps_end_utt(decoder)
                throw .engineFailed("pocketsphinx failed while decoding \(audio)")
            }
            if Timestamp.now() > deadline {
                ps_end_utt(decoder)
                throw .deadlineExceeded("pocketsphinx did not finish \(audio) in time")
            }
        }
        guard ps_end_utt(decoder) >= 0 else { throw .engineFailed("pocketsphinx could not finish the utterance") }
        let logmath = ps_get_logmath(decoder)
        // This pocketsphinx (5prealpha) numbers segment frames from a counter that does not
        // restart with the utterance; the utterance's first segment (`<s>`) marks its frame 0.
        var entries: [(word: String, start: Int32, end: Int32, probability: Double)] = []
        var iterator = ps_seg_iter(decoder)
        while let segment = iterator {
            var startFrame: Int32 = 0
            var endFrame: Int32 = 0
            ps_seg_frames(segment, &startFrame, &endFrame)
            var acoustic: Int32 = 0
            var language: Int32 = 0
            var backoff: Int32 = 0
            let probability = logmath_exp(logmath, ps_seg_prob(segment, &acoustic, &language, &backoff))
            entries.append((ps_seg_word(segment).map { String(cString: $0) } ?? "", startFrame, endFrame, probability))
            iterator = ps_seg_next(segment)
        }
        let base: Int32 =
            if let first = entries.first, first.word == "<s>" {
                first.start
            } else {
                (entries.last.map { $0.end + 1 } ?? 0) - ps_get_n_frames(decoder)
            }
        let words = entries.compactMap { entry -> Transcript.Word? in
            guard let word = Self.spoken(entry.word) else { return nil }
            return Transcript.Word(
                start: Double(entry.start - base) / Self.framesPerSecond,
                end: Double(entry.end + 1 - base) / Self.framesPerSecond, word: word,
                confidence: (min(max(entry.probability, 0), 1) * 1000).rounded() / 1000)
        }
        return Transcript(
            jobId: "", language: "en", durationSec: wav.durationSeconds, segments: Self.segments(of: words))
    }

    /// The word of a dictionary entry; nil for silences, fillers and noises (`<s>`, `<sil>`,
    /// `[NOISE]`). Alternate pronunciations (`read(2)`) are the word itself.
    static func spoken(_ entry: String) -> String? {
        guard let first = entry.first, first != "<", first != "[", first != "+" else { return nil }
        if let paren = entry.firstIndex(of: "("), entry.hasSuffix(")") { return String(entry[..<paren]) }
        return entry
    }

    /// Words grouped into segments at pauses, and at most `maxWordsPerSegment` to a segment.
    static func segments(of words: [Transcript.Word]) -> [Transcript.Segment] {
        var segments: [Transcript.Segment] = []
        var current: [Transcript.Word] = []
        func flush() {
            guard let first = current.first, let last = current.last else { return }
            segments.append(
                Transcript.Segment(
                    start: first.start, end: last.end, text: current.map(\.word).joined(separator: " "), words: current)
            )
            current.removeAll()
        }
        for word in words {
            if let last = current.last, word.start - last.end >= segmentPause || current.count >= maxWordsPerSegment {
                flush()
            }
            current.append(word)
        }
        flush()
        return segments
    }
}
