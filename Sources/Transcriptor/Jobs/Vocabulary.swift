/// Words the recogniser should expect (`options.vocabulary` on a job, the account's glossary at
/// `PUT /v1/me/vocabulary`): names, products, jargon. At most 100 terms, each 1 to 50 characters
/// once trimmed, without control or bidirectional-formatting characters; a term repeated in
/// another case is kept once. A job's own terms come first, then the glossary's.
public enum Vocabulary {
    public static let maxTerms = 100
    public static let maxTermLength = 50

    public static func check(_ given: [String], field: String) throws(InvalidInput) -> [String] {
        var terms: [String] = []
        var seen = Set<String>()
        for (index, raw) in given.enumerated() {
            let term = raw.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            guard !term.isEmpty, term.count <= maxTermLength else {
                throw InvalidInput("\(field)[\(index)] must have 1 to \(maxTermLength) characters.")
            }
            try DisplayText.check(term, field: "\(field)[\(index)]")
            guard seen.insert(term.lowercased()).inserted else { continue }
            terms.append(term)
        }
        guard terms.count <= maxTerms else { throw InvalidInput("\(field) has at most \(maxTerms) terms.") }
        return terms
    }

    /// A job's terms, then the glossary's it does not repeat.
    public static func merged(_ job: [String], glossary: [String]) -> [String] {
        var seen = Set(job.map { $0.lowercased() })
        return job + glossary.filter { seen.insert($0.lowercased()).inserted }
    }
}

/// What the deployment's speech model can do (`SPEECH_MODEL`, `{engine}/{model}`): the languages
/// a job may ask for, and whether it can translate into English. Shown at `GET /v1/me` (`speech`),
/// so that the web app offers only what works.
public struct SpeechCapabilities: Encodable, Sendable, Equatable {
    public var model: String
    /// `auto` and the language codes the model knows.
    public var languages: [String]
    /// Whether `options.task: "translate"` works (Whisper's multilingual models).
    public var translation: Bool

    public init(model: String) {
        self.model = model
        let parts = model.split(separator: "/", maxSplits: 1).map(String.init)
        let engine = parts.first ?? "whisper"
        let name = parts.count > 1 ? parts[1] : ""
        let englishOnly = engine == "pocketsphinx" || name.hasSuffix(".en")
        languages = englishOnly ? ["auto", "en"] : ["auto"] + Languages.codes.sorted()
        translation = engine == "whisper" && !englishOnly
    }
}
