import CJansson

/// Errors of the JSON coder: text that is not JSON, and values that do not fit the Swift type.
///
/// Compare kinds with `==` (equality is by kind only), with `~=` in a `catch JSONError.keyNotFound`
/// clause, or with `#expect(throws: JSONError.typeMismatch)`. Errors that a `Decodable` type throws
/// itself (`DecodingError.dataCorruptedError(...)`) pass through the coder unchanged.
public struct JSONError: Error, CustomStringConvertible, Equatable, Sendable {
    private enum Code: Sendable {
        case syntax, typeMismatch, keyNotFound, valueNotFound, dataCorrupted, invalidValue
    }

    private let code: Code
    /// What went wrong, in words a person can act on.
    public let message: String
    /// Where in the document, as `records[0].s3.object.key`; empty for the top-level value.
    public let codingPath: String
    /// For syntax errors: jansson's 1-based line of the error, else `nil`.
    public let line: Int?
    /// For syntax errors: jansson's column on that line, else `nil`.
    public let column: Int?
    /// For syntax errors: the byte offset into the input where jansson stopped, else `nil`.
    public let position: Int?

    private init(
        _ code: Code, _ message: String, codingPath: String = "",
        line: Int? = nil, column: Int? = nil, position: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.codingPath = codingPath
        self.line = line
        self.column = column
        self.position = position
    }

    /// The input is not well-formed JSON (or uses what jansson refuses: integers beyond 64 bits,
    /// a NUL byte in an object key, nesting deeper than 2048).
    public static var syntax: JSONError { JSONError(.syntax, "") }
    /// A value has another JSON type than the Swift type needs (a string where a number belongs).
    public static var typeMismatch: JSONError { JSONError(.typeMismatch, "") }
    /// A required key is absent.
    public static var keyNotFound: JSONError { JSONError(.keyNotFound, "") }
    /// A required value is `null`, or an array ended before the type had read all it needs.
    public static var valueNotFound: JSONError { JSONError(.valueNotFound, "") }
    /// A value has the right JSON type but not a usable value (a number out of range, a fraction for an integer).
    public static var dataCorrupted: JSONError { JSONError(.dataCorrupted, "") }
    /// A Swift value has no JSON form (a non-finite Double, a UInt64 above Int64.max).
    public static var invalidValue: JSONError { JSONError(.invalidValue, "") }

    public var description: String {
        var text = "JSON \(kind) error"
        if code == .syntax, let line, let column, let position {
            text += " at line \(line), column \(column) (byte \(position))"
        }
        if !codingPath.isEmpty { text += " at \(codingPath)" }
        return text + ": " + message
    }

    /// The kind's name: `syntax`, `typeMismatch`, `keyNotFound`, `valueNotFound`, `dataCorrupted`, `invalidValue`.
    public var kind: String {
        switch code {
        case .syntax: "syntax"
        case .typeMismatch: "typeMismatch"
        case .keyNotFound: "keyNotFound"
        case .valueNotFound: "valueNotFound"
        case .dataCorrupted: "dataCorrupted"
        case .invalidValue: "invalidValue"
        }
    }

    /// Equality by kind only, so that `error == .typeMismatch` asks for the kind.
    public static func == (lhs: JSONError, rhs: JSONError) -> Bool { lhs.code == rhs.code }

    /// Matches any error that is a `JSONError` of the pattern's kind (`catch JSONError.syntax`).
    public static func ~= (pattern: JSONError, error: any Error) -> Bool {
        guard let error = error as? JSONError else { return false }
        return error.code == pattern.code
    }

    // MARK: - Made by the coder

    static func syntax(_ error: json_error_t) -> JSONError {
        var error = error
        let text = withUnsafeBytes(of: &error.text) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return JSONError(
            .syntax, text, line: Int(error.line), column: Int(error.column), position: Int(error.position))
    }

    static func typeMismatch(_ message: String, path: String) -> JSONError {
        JSONError(.typeMismatch, message, codingPath: path)
    }

    static func keyNotFound(_ key: String, path: String) -> JSONError {
        JSONError(.keyNotFound, "no value for the required key \"\(key)\"", codingPath: path)
    }

    static func valueNotFound(_ message: String, path: String) -> JSONError {
        JSONError(.valueNotFound, message, codingPath: path)
    }

    static func dataCorrupted(_ message: String, path: String) -> JSONError {
        JSONError(.dataCorrupted, message, codingPath: path)
    }

    static func invalidValue(_ message: String, path: String) -> JSONError {
        JSONError(.invalidValue, message, codingPath: path)
    }
}
