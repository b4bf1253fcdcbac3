import CJansson

/// JSON encoding and decoding of `Codable` values over jansson.
///
/// Output is compact UTF-8 with object keys in the order the type encodes them (or sorted, on
/// request); doubles are written with 17 significant digits, so every finite `Double` reads back
/// bit for bit. Any JSON value may stand at the top level. There is no special form for dates or
/// bytes: `[UInt8]` is an array of numbers.
public enum JSON {
    /// Encodes `value` as compact UTF-8 JSON.
    /// - Parameter sortedKeys: write object keys in byte order instead of the order they were encoded.
    /// - Throws: `JSONError.invalidValue` for a value JSON cannot hold (a non-finite double, an
    ///   unsigned integer above `Int64.max`), naming its coding path; any error the value's
    ///   `encode(to:)` throws itself.
    public static func encode<T: Encodable>(_ value: T, sortedKeys: Bool = false) throws -> [UInt8] {
        let encoder = JSONEncoderImpl()
        return try encoder.encodeTopLevel(value) { root in try dump(root, sortedKeys: sortedKeys) }
    }

    /// Encodes `value` as compact JSON text; see `encode(_:sortedKeys:)`.
    public static func encodeString<T: Encodable>(_ value: T, sortedKeys: Bool = false) throws -> String {
        String(decoding: try encode(value, sortedKeys: sortedKeys), as: UTF8.self)
    }

    /// Decodes a `T` from UTF-8 JSON.
    /// - Throws: `JSONError.syntax` (with line, column and byte position) when the bytes are not
    ///   JSON; `JSONError.typeMismatch`, `.keyNotFound`, `.valueNotFound` or `.dataCorrupted`
    ///   naming the coding path when the JSON does not fit `T`; any error `T.init(from:)` throws itself.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0) }
    }

    /// Decodes a `T` from UTF-8 JSON in memory the caller owns; see `decode(_:from:)`.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        let decoder = try JSONDecoderImpl(parsing: bytes)
        return try decoder.decodeTopLevel(type)
    }

    /// Decodes a `T` from JSON text; see `decode(_:from:)`.
    public static func decode<T: Decodable>(_ type: T.Type, from string: String) throws -> T {
        var string = string
        return try string.withUTF8 { try decode(type, from: UnsafeRawBufferPointer($0)) }
    }

    /// Writes a jansson value out through `json_dump_callback` straight into one growing buffer.
    private static func dump(_ root: JSONPointer, sortedKeys: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let flags = sortedKeys ? cjansson_encode_flags_sorted() : cjansson_encode_flags()
        let status = withUnsafeMutablePointer(to: &out) { outPointer in
            json_dump_callback(
                root,
                { chunk, size, context in
                    guard let chunk, let context else { return -1 }
                    let out = context.assumingMemoryBound(to: [UInt8].self)
                    let bytes = UnsafeRawPointer(chunk).assumingMemoryBound(to: UInt8.self)
                    out.pointee.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
                    return 0
                }, outPointer, flags)
        }
        guard status == 0 else { throw JSONError.invalidValue("jansson could not write the document", path: "") }
        return out
    }
}

// MARK: - Shared by the encoder and the decoder

/// A jansson value. Whether a given pointer is owned (+1) or borrowed is said where it is stored.
typealias JSONPointer = UnsafeMutablePointer<json_t>

/// The coding key of an array element: printed as `[n]` in paths.
struct JSONIndexKey: CodingKey {
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

/// The key `super`, under which `superEncoder()` and `superDecoder()` keep a superclass's value.
struct JSONSuperKey: CodingKey {
    init() {}
    init?(stringValue: String) { guard stringValue == "super" else { return nil } }
    init?(intValue: Int) { nil }
    var stringValue: String { "super" }
    var intValue: Int? { nil }
}

/// A failure of one scalar, before the container that reads or writes it adds the coding path.
/// Thrown typed, so that the fast paths allocate nothing until something goes wrong.
struct JSONValueFailure: Error {
    enum Kind { case typeMismatch, valueNotFound, dataCorrupted, invalidValue }
    let kind: Kind
    let message: String

    static func mismatch(expected: Any.Type, found value: JSONPointer) -> JSONValueFailure {
        if value.pointee.type == JSON_NULL {
            return JSONValueFailure(kind: .valueNotFound, message: "expected \(expected), found null")
        }
        return JSONValueFailure(kind: .typeMismatch, message: "expected \(expected), found \(janssonKindName(value))")
    }

    func at(_ path: String) -> JSONError {
        switch kind {
        case .typeMismatch: .typeMismatch(message, path: path)
        case .valueNotFound: .valueNotFound(message, path: path)
        case .dataCorrupted: .dataCorrupted(message, path: path)
        case .invalidValue: .invalidValue(message, path: path)
        }
    }
}

/// The JSON type of a value, as error messages name it.
func janssonKindName(_ value: JSONPointer) -> String {
    switch value.pointee.type {
    case JSON_OBJECT: "object"
    case JSON_ARRAY: "array"
    case JSON_STRING: "string"
    case JSON_INTEGER, JSON_REAL: "number"
    case JSON_TRUE, JSON_FALSE: "bool"
    default: "null"
    }
}

/// A coding path as people write it: `records[0].s3.object.key`.
func codingPathString(_ keys: some Sequence<any CodingKey>) -> String {
    var text = ""
    for key in keys {
        if let index = key as? JSONIndexKey {
            text += "[\(index.index)]"
        } else {
            if !text.isEmpty { text += "." }
            text += key.stringValue
        }
    }
    return text
}

/// The path of a container's member: the first `base` keys of the coder's current path, the
/// container's own nesting (`extra`), then the member's key.
func codingPathString<K: CodingKey>(_ path: [any CodingKey], base: Int, extra: [any CodingKey], key: K?) -> String {
    var keys = Array(path.prefix(base))
    keys += extra
    if let key { keys.append(key) }
    return codingPathString(keys)
}

/// Runs `body` with the UTF-8 bytes of `string` as a (not NUL-terminated) C pointer and a length.
@inline(__always)
func withJanssonBytes<R>(_ string: String, _ body: (UnsafePointer<CChar>, Int) throws -> R) rethrows -> R {
    var string = string
    return try string.withUTF8 { bytes in
        guard let base = bytes.baseAddress else {
            var nul: CChar = 0
            return try body(&nul, 0)
        }
        return try body(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), bytes.count)
    }
}

/// A jansson string as a Swift `String`, by its length (it may hold NUL bytes).
@inline(__always)
func janssonString(_ value: JSONPointer) -> String {
    let length = json_string_length(value)
    guard length > 0, let text = json_string_value(value) else { return "" }
    let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
    return String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
}

/// A new jansson string (owned, +1) holding `string`'s bytes; Swift strings are valid UTF-8 already.
@inline(__always)
func makeJanssonString(_ string: String) -> JSONPointer {
    janssonChecked(withJanssonBytes(string) { json_stringn_nocheck($0, $1) })
}

/// jansson returns NULL from a constructor only when malloc fails; Swift traps on that too.
@inline(__always)
func janssonChecked(_ value: JSONPointer?) -> JSONPointer {
    guard let value else { fatalError("jansson: out of memory") }
    return value
}
