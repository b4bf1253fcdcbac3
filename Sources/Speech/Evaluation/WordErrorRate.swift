/// Word error rate, the usual way: both texts normalised (lowercase, punctuation dropped except
/// apostrophes inside words, numbers spelled out), then substitutions + deletions + insertions of a
/// word-level edit distance, over the reference's word count. The same rules as bench/wer.py.
public enum WordErrorRate {
    public struct Score: Sendable, Equatable {
        /// Substitutions, deletions and insertions.
        public var errors: Int
        /// Words in the reference.
        public var words: Int
        public var rate: Double { words == 0 ? (errors == 0 ? 0 : 1) : Double(errors) / Double(words) }
    }

    public static func measure(reference: String, hypothesis: String) -> Score {
        let ref = normalize(reference)
        let hyp = normalize(hypothesis)
        return Score(errors: distance(ref, hyp), words: ref.count)
    }

    /// The words of `text` as compared.
    public static func normalize(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func flush() {
            let trimmed = String(current.drop { $0 == "'" }.reversed().drop { $0 == "'" }.reversed())
            if !trimmed.isEmpty {
                if let number = Int(trimmed) {
                    words += spelled(number)
                } else {
                    words.append(abbreviations[trimmed] ?? trimmed)
                }
            }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "'" || character == "’" {
                current.append(character == "’" ? "'" : character)
            } else if character == "-" || character.isWhitespace || character.isPunctuation || character.isSymbol {
                flush()
            }
        }
        flush()
        return words
    }

    /// Titles as Whisper writes them ("Mr.") and references spell them ("mister"); bench/wer.py
    /// spells out the same ones, so both measure alike.
    static let abbreviations = ["mr": "mister", "mrs": "missus", "ms": "miss", "dr": "doctor"]

    static let ones = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    /// An integer in words (`42` → forty two), up to the millions.
    static func spelled(_ number: Int) -> [String] {
        if number < 0 { return ["minus"] + spelled(-number) }
        if number < 20 { return [ones[number]] }
        if number < 100 { return [tens[number / 10]] + (number % 10 == 0 ? [] : [ones[number % 10]]) }
        if number < 1000 {
            return [ones[number / 100], "hundred"] + (number % 100 == 0 ? [] : spelled(number % 100))
        }
        if number < 1_000_000 {
            return spelled(number / 1000) + ["thousand"] + (number % 1000 == 0 ? [] : spelled(number % 1000))
        }
        if number < 1_000_000_000 {
            return spelled(number / 1_000_000) + ["million"]
                + (number % 1_000_000 == 0 ? [] : spelled(number % 1_000_000))
        }
        return String(number).map { ones[Int(String($0))!] }
    }

    /// Levenshtein distance over words.
    static func distance(_ a: [String], _ b: [String]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
