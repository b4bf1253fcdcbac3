import Cloud
import HTTP
import Runtime
import Transcriptor

#if canImport(Glibc)
    import Glibc
#endif

/// Any OpenAI-compatible `POST /v1/audio/transcriptions` server (a GPU whisper server, a hosted
/// API): the chunk goes up as multipart with `response_format=verbose_json` and word timestamps
/// requested; 429 and 5xx answers and dropped connections are retried with backoff.
public final class OpenAIEngine: SpeechEngine {
    public struct Settings: Sendable {
        /// Up to and including `/v1`: `https://api.openai.com/v1`.
        public var baseURL = "https://api.openai.com/v1"
        public var apiKey: String?
        public var model = "whisper-1"
        /// Attempts per chunk (the first and the retries).
        public var attempts = 5
        /// The first retry's wait; each next one doubles it.
        public var backoffMilliseconds: Int64 = 500

        public init() {}

        /// From `OPENAI_BASE_URL`, `OPENAI_MODEL` and the Secrets Manager secret
        /// `OPENAI_API_KEY_SECRET_ARN` names (its `AWSCURRENT` text; none when the variable is unset,
        /// for a server that takes no key). Read once per cold start, as the engine is made.
        public static func fromEnvironment() throws(SpeechError) -> Settings {
            var settings = Settings()
            settings.baseURL = Environment.text("OPENAI_BASE_URL", settings.baseURL)
            while settings.baseURL.hasSuffix("/") { settings.baseURL.removeLast() }
            guard settings.baseURL.hasPrefix("http://") || settings.baseURL.hasPrefix("https://") else {
                throw .misconfigured("OPENAI_BASE_URL must be an http(s) URL, not \"\(settings.baseURL)\"")
            }
            if let arn = Environment.get("OPENAI_API_KEY_SECRET_ARN"), !arn.isEmpty {
                do {
                    let secrets = try SecretsManagerClient(configuration: .fromEnvironment())
                    let key = try secrets.getSecretValue(secretID: arn, stage: SecretsManagerClient.current)
                    settings.apiKey = key.secretString.flatMap { $0.isEmpty ? nil : $0 }
                } catch {
                    throw .misconfigured("cannot read the API key secret \(arn): \(error)")
                }
            }
            settings.model = Environment.text("OPENAI_MODEL", settings.model)
            return settings
        }
    }

    public let settings: Settings
    public var name: String { "openai/\(settings.model)" }
    private let http: HTTPClient

    public init(settings: Settings) throws(SpeechError) {
        self.settings = settings
        do {
            http = try HTTPClient()
        } catch {
            throw .misconfigured("cannot set up the HTTP client: \(error)")
        }
    }

    public func transcribe(_ audio: String, language: String, deadline: Timestamp) throws(SpeechError) -> Transcript {
        let duration = try WAVFile(path: audio).durationSeconds
        guard let bytes = try? BlockFile.contents(of: audio) else { throw .badAudio("cannot read \(audio)") }
        let boundary = "transcriptor-\(RandomBytes.token(byteCount: 12))"
        var fields: [(String, String)] = [
            ("model", settings.model), ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"),
            ("timestamp_granularities[]", "segment"),
        ]
        if language != "auto" { fields.append(("language", language)) }
        let body = Self.multipart(boundary: boundary, fields: fields, file: bytes, filename: "audio.wav")
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "multipart/form-data; boundary=\(boundary)"), ("Accept", "application/json"),
        ]
        if let key = settings.apiKey { headers.append(("Authorization", "Bearer \(key)")) }
        var wait = settings.backoffMilliseconds
        var lastProblem = ""
        for attempt in 1...settings.attempts {
            let remaining = deadline.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch
            guard remaining > 0 else { break }
            do {
                let response = try http.execute(
                    HTTPRequest(
                        .post, url: "\(settings.baseURL)/audio/transcriptions", headers: headers, body: .bytes(body),
                        totalTimeout: .milliseconds(remaining), maxResponseSize: 64 << 20))
                switch response.status {
                case 200..<300:
                    return try Self.transcript(fromVerboseJSON: response.body, duration: duration)
                case 429, 500...599:
                    lastProblem = "the server answered \(response.status): \(response.bodyText.prefix(300))"
                    if let retryAfter = response.header("retry-after").flatMap(Int64.init) {
                        wait = max(wait, retryAfter * 1000)
                    }
                case 400, 413, 415, 422:
                    throw SpeechError.badAudio(
                        "the transcription server refused the audio (\(response.status)): \(response.bodyText.prefix(300))"
                    )
                default:
                    throw SpeechError.misconfigured(
                        "the transcription server answered \(response.status): \(response.bodyText.prefix(300))")
                }
            } catch let error as SpeechError {
                throw error
            } catch let error as HTTPClientError {
                lastProblem = "\(error)"
                guard error.isTransient else { throw .engineFailed("cannot reach the transcription server: \(error)") }
            } catch {
                throw .engineFailed("\(error)")
            }
            guard attempt < settings.attempts else { break }
            let pause = min(wait, deadline.millisecondsSinceEpoch - Timestamp.now().millisecondsSinceEpoch)
            if pause > 0 { usleep(UInt32(min(pause, 60_000) * 1000)) }
            wait *= 2
        }
        if Timestamp.now() >= deadline {
            throw .deadlineExceeded("the transcription server did not answer in time (\(lastProblem))")
        }
        throw .engineFailed("the transcription server kept failing: \(lastProblem)")
    }

    static func multipart(boundary: String, fields: [(String, String)], file: [UInt8], filename: String) -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: audio/wav\r\n\r\n"
                .utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    /// The transcript in an OpenAI `verbose_json` answer: segments, and the top-level `words`
    /// placed in the segment whose time they fall in.
    static func transcript(fromVerboseJSON body: [UInt8], duration: Double) throws(SpeechError) -> Transcript {
        struct Answer: Decodable {
            struct Segment: Decodable { var start: Double; var end: Double; var text: String }
            struct Word: Decodable { var word: String; var start: Double; var end: Double }
            var language: String?
            var duration: Double?
            var text: String?
            var segments: [Segment]?
            var words: [Word]?
        }
        guard let answer = try? JSON.decode(Answer.self, from: body) else {
            throw .engineFailed(
                "the transcription server's answer is not verbose_json: \(String(decoding: body.prefix(300), as: UTF8.self))"
            )
        }
        var words = (answer.words ?? []).map {
            Transcript.Word(start: $0.start, end: $0.end, word: $0.word.trimmingWhitespace())
        }
        var segments: [Transcript.Segment] = []
        for segment in answer.segments ?? [] {
            var mine: [Transcript.Word] = []
            let isLast = segments.count + 1 == answer.segments?.count
            while let word = words.first, word.start < segment.end || isLast {
                mine.append(word)
                words.removeFirst()
            }
            segments.append(
                Transcript.Segment(
                    start: segment.start, end: segment.end, text: segment.text.trimmingWhitespace(), words: mine))
        }
        if segments.isEmpty, let text = answer.text, !text.trimmingWhitespace().isEmpty {
            segments = [
                Transcript.Segment(
                    start: 0, end: answer.duration ?? duration, text: text.trimmingWhitespace(), words: words)
            ]
        }
        return Transcript(
            jobId: "", language: LanguageNames.code(answer.language ?? ""), durationSec: answer.duration ?? duration,
            segments: segments)
    }
}

/// OpenAI's API names the language ("english"); the transcript model keeps codes ("en").
enum LanguageNames {
    static let codes: [String: String] = [
        "english": "en", "chinese": "zh", "german": "de", "spanish": "es", "russian": "ru", "korean": "ko",
        "french": "fr", "japanese": "ja", "portuguese": "pt", "turkish": "tr", "polish": "pl", "catalan": "ca",
        "dutch": "nl", "arabic": "ar", "swedish": "sv", "italian": "it", "indonesian": "id", "hindi": "hi",
        "finnish": "fi", "vietnamese": "vi", "hebrew": "he", "ukrainian": "uk", "greek": "el", "malay": "ms",
        "czech": "cs", "romanian": "ro", "danish": "da", "hungarian": "hu", "tamil": "ta", "norwegian": "no",
        "thai": "th", "urdu": "ur", "croatian": "hr", "bulgarian": "bg", "lithuanian": "lt", "latin": "la",
        "maori": "mi", "malayalam": "ml", "welsh": "cy", "slovak": "sk", "telugu": "te", "persian": "fa",
        "latvian": "lv", "bengali": "bn", "serbian": "sr", "azerbaijani": "az", "slovenian": "sl", "kannada": "kn",
        "estonian": "et", "macedonian": "mk", "breton": "br", "basque": "eu", "icelandic": "is", "armenian": "hy",
        "nepali": "ne", "mongolian": "mn", "bosnian": "bs", "kazakh": "kk", "albanian": "sq", "swahili": "sw",
        "galician": "gl", "marathi": "mr", "punjabi": "pa", "sinhala": "si", "khmer": "km", "shona": "sn",
        "yoruba": "yo", "somali": "so", "afrikaans": "af", "occitan": "oc", "georgian": "ka", "belarusian": "be",
        "tajik": "tg", "sindhi": "sd", "gujarati": "gu", "amharic": "am", "yiddish": "yi", "lao": "lo", "uzbek": "uz",
        "faroese": "fo", "haitian creole": "ht", "pashto": "ps", "turkmen": "tk", "nynorsk": "nn", "maltese": "mt",
        "sanskrit": "sa", "luxembourgish": "lb", "myanmar": "my", "tibetan": "bo", "tagalog": "tl", "malagasy": "mg",
        "assamese": "as", "tatar": "tt", "hawaiian": "haw", "lingala": "ln", "hausa": "ha", "bashkir": "ba",
        "javanese": "jw", "sundanese": "su", "cantonese": "yue",
    ]

    static func code(_ name: String) -> String {
        let lower = name.lowercased()
        return codes[lower] ?? lower
    }
}
