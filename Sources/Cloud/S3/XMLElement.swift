/// A small XML reader and writer for S3's documents: elements, text, entities, CDATA; attributes
/// are read and kept, namespaces are ignored (S3's are fixed).
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    /// The element's own text (entities decoded), concatenated.
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    /// The text of the first child named `name`.
    public subscript(_ name: String) -> String? { child(name)?.text }

    /// Parses a document and returns its root element.
    /// - Throws: `XMLError` with the byte offset of the problem.
    public static func parse(_ bytes: [UInt8]) throws -> XMLElement {
        var parser = XMLParser(bytes: bytes)
        return try parser.document()
    }

    public static func parse(_ text: String) throws -> XMLElement { try parse(Array(text.utf8)) }

    /// Escapes text for element content and attribute values; CR, LF and tab as character
    /// references, so they survive in attribute values and keys round-trip exactly.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The element as XML text (no declaration).
    public var xml: String {
        let attributeText = attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\"\(Self.escape($0.value))\"" }
            .joined()
        if children.isEmpty && text.isEmpty { return "<\(name)\(attributeText)/>" }
        return "<\(name)\(attributeText)>\(Self.escape(text))\(children.map(\.xml).joined())</\(name)>"
    }
}

public struct XMLError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var offset: Int
    public var description: String { "XML error at byte \(offset): \(message)" }
}

private struct XMLParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String) -> XMLError { XMLError(message: message, offset: index) }

    func peek(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<index + utf8.count]) == utf8
    }

    mutating func skip(until text: String) throws {
        while index < bytes.count && !peek(text) { index += 1 }
        guard index < bytes.count else { throw fail("unterminated \(text)") }
        index += text.utf8.count
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0a, 0x0d].contains(bytes[index]) { index += 1 }
    }

    /// Skips the declaration, processing instructions, comments and a doctype before the root.
    mutating func skipMisc() throws {
        while true {
            skipWhitespace()
            if peek("<?") {
                try skip(until: "?>")
            } else if peek("<!--") {
                try skip(until: "-->")
            } else if peek("<!DOCTYPE") {
                try skip(until: ">")
            } else {
                return
            }
        }
    }

    mutating func document() throws -> XMLElement {
        if peek("\u{FEFF}") { index += 3 }
        try skipMisc()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("expected the root element") }
        let root = try element()
        try skipMisc()
        guard index == bytes.count else { throw fail("content after the root element") }
        return root
    }

    mutating func name() throws -> String {
        let start = index
        while index < bytes.count,
            !([0x20, 0x09, 0x0a, 0x0d, UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "=")].contains(bytes[index]))
        {
            index += 1
        }
        guard index > start else { throw fail("expected a name") }
        let full = String(decoding: bytes[start..<index], as: UTF8.self)
        // Namespace prefixes are dropped: S3's documents use one fixed namespace.
        if let colon = full.lastIndex(of: ":"), !full.hasPrefix("xmlns") {
            return String(full[full.index(after: colon)...])
        }
        return full
    }

    mutating func element() throws -> XMLElement {
        depth += 1
        defer { depth -= 1 }
        guard depth < 256 else { throw fail("elements nested too deeply") }
        index += 1  // <
        var element = XMLElement(name: try name())
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated start tag") }
            if peek("/>") {
                index += 2
                return element
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            let attribute = try name()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw fail("expected = after \(attribute)")
            }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("expected a quoted value")
            }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count && bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw fail("unterminated attribute value") }
            element.attributes[attribute] = try decodeEntities(bytes[start..<index])
            index += 1
        }
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("unterminated element \(element.name)") }
            if peek("</") {
                index += 2
                let closing = try name()
                guard closing == element.name else { throw fail("</\(closing)> closes <\(element.name)>") }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("expected >") }
                index += 1
                element.text = try decodeEntities(text[...])
                if !element.children.isEmpty && element.text.allSatisfy(\.isWhitespace) { element.text = "" }
                return element
            } else if peek("<!--") {
                try skip(until: "-->")
            } else if peek("<![CDATA[") {
                index += 9
                let start = index
                try skip(until: "]]>")
                // CDATA is literal: escape its ampersands so entity decoding leaves it unchanged.
                for byte in bytes[start..<index - 3] {
                    if byte == UInt8(ascii: "&") { text += Array("&amp;".utf8) } else { text.append(byte) }
                }
            } else if peek("<?") {
                try skip(until: "?>")
            } else if bytes[index] == UInt8(ascii: "<") {
                element.children.append(try self.element())
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
    }

    func decodeEntities(_ raw: ArraySlice<UInt8>) throws -> String {
        guard raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        var i = raw.startIndex
        while i < raw.endIndex {
            guard raw[i] == UInt8(ascii: "&") else {
                out.append(raw[i])
                i += 1
                continue
            }
            guard let semicolon = raw[i...].firstIndex(of: UInt8(ascii: ";")), semicolon - i <= 10 else {
                throw fail("unterminated entity")
            }
            let entity = String(decoding: raw[(i + 1)..<semicolon], as: UTF8.self)
            switch entity {
            case "amp": out.append(UInt8(ascii: "&"))
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let scalarValue: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalarValue = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    scalarValue = UInt32(entity.dropFirst())
                } else {
                    scalarValue = nil
                }
                guard let value = scalarValue, let scalar = Unicode.Scalar(value) else {
                    throw fail("unknown entity &\(entity);")
                }
                out += Array(String(Character(scalar)).utf8)
            }
            i = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
