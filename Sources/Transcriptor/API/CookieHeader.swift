/// The cookies of a request, read strictly by RFC 6265 §4.2.1: `name=value` pairs separated by
/// `;`, a name an HTTP token, a value cookie-octets (optionally in double quotes, which are kept
/// out of the value). Nothing is decoded or unescaped.
///
/// A pair that does not follow the grammar is not a cookie: it is set aside under the name it
/// appears to have, so that a caller asking for that name learns the cookie is malformed
/// (`value(of:)` throws) instead of reading another pair or nothing. A name sent more than once
/// is ambiguous (a cookie planted by a sibling site or another path beside the real one) and
/// `value(of:)` refuses it too. A header or list over `maxBytes` or `maxPairs` is refused whole.
public struct CookieHeader: Sendable, Equatable {
    /// Why a cookie could not be read.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        private enum Code: Equatable, Sendable {
            case tooLarge
            case malformed(String)
            case repeated(String)
        }

        private let code: Code

        /// More than `maxBytes` bytes or `maxPairs` pairs.
        public static let tooLarge = Invalid(code: .tooLarge)
        /// The cookie `name` does not follow the grammar (a space, a comma, a control character…).
        public static func malformed(_ name: String) -> Invalid { Invalid(code: .malformed(name)) }
        /// The cookie `name` came more than once.
        public static func repeated(_ name: String) -> Invalid { Invalid(code: .repeated(name)) }

        public var description: String {
            switch code {
            case .tooLarge: "the cookies are over \(CookieHeader.maxBytes) bytes or \(CookieHeader.maxPairs) pairs"
            case .malformed(let name): "the cookie \(name) is malformed"
            case .repeated(let name): "the cookie \(name) was sent more than once"
            }
        }
    }

    /// The largest header (or the pairs of an event, not counting separators) read at all.
    public static let maxBytes = 8 * 1024
    /// The most pairs read at all.
    public static let maxPairs = 64

    /// The well-formed cookies in the order they came.
    public private(set) var pairs: [(name: String, value: String)] = []
    /// The names (as far as they can be told) of the pairs that are not well formed.
    public private(set) var malformedNames: [String] = []

    /// The cookies of a `Cookie` header's value (`a=1; b=2`).
    /// - Throws: `Invalid.tooLarge` when it is over the limits.
    public init(header: String) throws(Invalid) {
        guard header.utf8.count <= Self.maxBytes else { throw .tooLarge }
        try self.init(pairs: [header])
    }

    /// The cookies of a payload 2.0 event's `cookies` (the gateway split the header at `;`).
    /// Each entry is split at the byte `;` again, so a gateway that split otherwise (at grapheme
    /// clusters, where `;` followed by a combining mark is no separator) cannot hide a pair
    /// inside another. Empty pairs (`a=1;;b=2`, a trailing `;`) are skipped, as browsers send none.
    /// - Throws: `Invalid.tooLarge` when the entries are over the limits.
    public init(pairs texts: [String]) throws(Invalid) {
        guard texts.reduce(0, { $0 + $1.utf8.count }) <= Self.maxBytes else { throw .tooLarge }
        var count = 0
        let pieces = texts.flatMap { $0.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) }
        for piece in pieces {
            let pair = Self.trimmed(Array(piece))
            if pair.isEmpty { continue }
            count += 1
            guard count <= Self.maxPairs else { throw .tooLarge }
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
                malformedNames.append(String(decoding: pair, as: UTF8.self))
                continue
            }
            let name = pair[..<equals]
            var value = pair[(equals + 1)...]
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            guard !name.isEmpty, name.allSatisfy(Self.isTokenByte), value.allSatisfy(Self.isCookieOctet) else {
                malformedNames.append(String(decoding: Self.trimmed(Array(name)), as: UTF8.self))
                continue
            }
            pairs.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
    }

    /// The value of the cookie `name` (case-sensitive, as cookie names are); nil when it is absent.
    /// - Throws: `Invalid.malformed` when a pair by that name is not well formed, `.repeated` when
    ///   it came more than once: the caller should refuse the request rather than guess.
    public func value(of name: String) throws(Invalid) -> String? {
        if malformedNames.contains(name) { throw .malformed(name) }
        let matches = pairs.filter { $0.name == name }
        guard matches.count <= 1 else { throw .repeated(name) }
        return matches.first?.value
    }

    public static func == (lhs: CookieHeader, rhs: CookieHeader) -> Bool {
        lhs.malformedNames == rhs.malformedNames && lhs.pairs.elementsEqual(rhs.pairs) { $0 == $1 }
    }

    /// The header that sends `pairs` again (`a=1; b=2`).
    public var headerValue: String { pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "; ") }

    /// RFC 9110's tchar: `!#$%&'*+-.^_`|~`, digits and letters.
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// RFC 6265's cookie-octet: visible ASCII but `"`, `,`, `;` and `\`.
    public static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte) || (0x3C...0x5B).contains(byte)
            || (0x5D...0x7E).contains(byte)
    }

    /// Without the spaces and tabs around it (the only whitespace allowed between pairs).
    private static func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var slice = bytes[...]
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}
