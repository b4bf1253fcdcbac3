/// Splits an expression into tokens: words, `#name` and `:value` placeholders, list indexes,
/// comparators and punctuation. Whitespace separates tokens and is otherwise ignored.
struct ExpressionTokenizer {
    enum Kind: Equatable {
        /// A bare word: an attribute name, a keyword or a function name.
        case word(String)
        /// `#name`, kept with its `#`.
        case namePlaceholder(String)
        /// `:value`, kept with its `:`.
        case valuePlaceholder(String)
        case integer(Int)
        /// `(`, `)`, `[`, `]`, `,`, `.`, `=`, `<>`, `<`, `<=`, `>`, `>=`, `+`, `-`.
        case symbol(String)
        case end
    }

    struct Token: Equatable {
        var kind: Kind
        /// Where the token starts and ends in the expression (UTF-8 offsets).
        var start: Int
        var end: Int
    }

    /// The tokens of `text`, ending with `.end`.
    /// - Throws: `DynamoDBError.validation` naming the first character no token can start with.
    static func tokens(of text: String, expressionKind: String) throws -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var index = 0
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_")
        }
        func word(from start: Int) -> Int {
            var end = start
            while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
            return end
        }
        while index < bytes.count {
            let byte = bytes[index]
            let start = index
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
                continue
            case UInt8(ascii: "#"), UInt8(ascii: ":"):
                index = word(from: index + 1)
                guard index > start + 1 else { throw invalidCharacter(byte, in: text, kind: expressionKind) }
                let name = String(decoding: bytes[start..<index], as: UTF8.self)
                tokens.append(
                    Token(
                        kind: byte == UInt8(ascii: "#") ? .namePlaceholder(name) : .valuePlaceholder(name),
                        start: start, end: index))
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                let digits = String(decoding: bytes[start..<index], as: UTF8.self)
                guard let value = Int(digits) else { throw invalidCharacter(byte, in: text, kind: expressionKind) }
                tokens.append(Token(kind: .integer(value), start: start, end: index))
            case UInt8(ascii: "<"), UInt8(ascii: ">"):
                index += 1
                var symbol = String(UnicodeScalar(byte))
                if index < bytes.count,
                    bytes[index] == UInt8(ascii: "=")
                        || (byte == UInt8(ascii: "<") && bytes[index] == UInt8(ascii: ">"))
                {
                    symbol.append(Character(UnicodeScalar(bytes[index])))
                    index += 1
                }
                tokens.append(Token(kind: .symbol(symbol), start: start, end: index))
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","),
                UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"):
                index += 1
                tokens.append(Token(kind: .symbol(String(UnicodeScalar(byte))), start: start, end: index))
            default:
                guard isWordByte(byte) else { throw invalidCharacter(byte, in: text, kind: expressionKind) }
                index = word(from: index)
                tokens.append(
                    Token(kind: .word(String(decoding: bytes[start..<index], as: UTF8.self)), start: start, end: index))
            }
        }
        tokens.append(Token(kind: .end, start: bytes.count, end: bytes.count))
        return tokens
    }

    private static func invalidCharacter(_ byte: UInt8, in text: String, kind: String) -> DynamoDBError {
        let character = byte < 0x80 ? String(UnicodeScalar(byte)) : "\\u\(String(byte, radix: 16))"
        return .validation("Invalid \(kind): Syntax error; token: \"\(character)\", near: \"\(text)\"")
    }
}
