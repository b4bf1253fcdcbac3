/// A small XML reader for request bodies (`<Delete>`): elements, text and entities; attributes,
/// comments, processing instructions and doctype are skipped.
struct XMLNode: Equatable {
    var name: String
    var text: String
    var children: [XMLNode]

    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }

    /// Parses a document; nil when it is not well-formed.
    static func parse(_ bytes: [UInt8]) -> XMLNode? {
        var parser = Parser(bytes: bytes)
        return parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func document() -> XMLNode? {
            skipMisc()
            guard let root = element() else { return nil }
            skipMisc()
            return index == bytes.count ? root : nil
        }

        private func starts(with literal: String) -> Bool {
            let chars = Array(literal.utf8)
            return index + chars.count <= bytes.count && Array(bytes[index..<index + chars.count]) == chars
        }

        private mutating func skip(past literal: String) -> Bool {
            let chars = Array(literal.utf8)
            while index + chars.count <= bytes.count {
                if Array(bytes[index..<index + chars.count]) == chars {
                    index += chars.count
                    return true
                }
                index += 1
            }
            return false
        }

        private mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
        }

        /// Whitespace, `<?…?>`, `<!--…-->` and `<!DOCTYPE …>` between elements.
        private mutating func skipMisc() {
            while true {
                skipSpace()
                if starts(with: "<?") {
                    guard skip(past: "?>") else { return }
                } else if starts(with: "<!--") {
                    guard skip(past: "-->") else { return }
                } else if starts(with: "<!DOCTYPE") {
                    guard skip(past: ">") else { return }
                } else {
                    return
                }
            }
        }

        private mutating func name() -> String? {
            let start = index
            while index < bytes.count,
                !([0x20, 0x09, 0x0a, 0x0d, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "=")]
                    .contains(bytes[index]))
            {
                index += 1
            }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }

        private mutating func element() -> XMLNode? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { return nil }
            index += 1
            guard let qualified = name() else { return nil }
            let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
            // Attributes are skipped, quoted values included.
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                if bytes[index] == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ">")
                {
                    index += 2
                    return XMLNode(name: local, text: "", children: [])
                }
                if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    index += 1
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                }
                index += 1
            }
            guard index < bytes.count else { return nil }
            index += 1
            var node = XMLNode(name: local, text: "", children: [])
            var text: [UInt8] = []
            while index < bytes.count {
                if starts(with: "</") {
                    index += 2
                    guard name() == qualified else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { return nil }
                    index += 1
                    guard let decoded = Self.decodeEntities(text) else { return nil }
                    node.text = decoded
                    return node
                } else if starts(with: "<![CDATA[") {
                    index += 9
                    let start = index
                    guard skip(past: "]]>") else { return nil }
                    text += bytes[start..<index - 3]
                } else if starts(with: "<!--") || starts(with: "<?") {
                    guard skip(past: starts(with: "<?") ? "?>" : "-->") else { return nil }
                } else if bytes[index] == UInt8(ascii: "<") {
                    guard let child = element() else { return nil }
                    node.children.append(child)
                } else {
                    text.append(bytes[index])
                    index += 1
                }
            }
            return nil
        }

        private static func decodeEntities(_ bytes: [UInt8]) -> String? {
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.contains("&") else { return text }
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semicolon = rest[amp...].firstIndex(of: ";") else { return nil }
                let entity = rest[rest.index(after: amp)..<semicolon]
                switch entity {
                case "amp": out += "&"
                case "lt": out += "<"
                case "gt": out += ">"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    let value: UInt32?
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        value = UInt32(entity.dropFirst(2), radix: 16)
                    } else if entity.hasPrefix("#") {
                        value = UInt32(entity.dropFirst(), radix: 10)
                    } else {
                        value = nil
                    }
                    guard let value, let scalar = Unicode.Scalar(value) else { return nil }
                    out.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semicolon)...]
            }
            return out + rest
        }
    }
}
