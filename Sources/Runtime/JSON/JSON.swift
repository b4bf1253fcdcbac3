import CJansson

#if canImport(Glibc)
    // strlen; and libm, which `Int64(exactly: Double)` calls, is linked through this module.
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
        try encode(value, sortedKeys: sortedKeys) { Array($0) }
    }

    /// Encodes `value` as compact JSON text; see `encode(_:sortedKeys:)`.
    public static func encodeString<T: Encodable>(_ value: T, sortedKeys: Bool = false) throws -> String {
        try encode(value, sortedKeys: sortedKeys) { String(decoding: $0, as: UTF8.self) }
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
        return try decoder.decode(type)
    }

    /// Decodes a `T` from JSON text; see `decode(_:from:)`.
    public static func decode<T: Decodable>(_ type: T.Type, from string: String) throws -> T {
        var string = string
        return try string.withUTF8 { try decode(type, from: UnsafeRawBufferPointer($0)) }
    }

    /// Encodes `value` and hands `body` the text that `json_dumps` wrote, before freeing it.
    private static func encode<T: Encodable, R>(
        _ value: T, sortedKeys: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> R
    ) throws -> R {
        let encoder = JSONEncoderImpl()
        return try encoder.encodeTopLevel(value) { root in
            let flags = sortedKeys ? cjansson_encode_flags_sorted() : cjansson_encode_flags()
            guard let text = json_dumps(root, flags) else {
                throw JSONError.invalidValue("jansson could not write the document", path: "")
            }
            var free: json_free_t?
            json_get_alloc_funcs(nil, &free)
            defer { free?(text) }
            // jansson escapes NUL inside strings, so the text ends at its first NUL byte.
            let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
            return body(UnsafeBufferPointer(start: bytes, count: strlen(text)))
        }
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

/// The coding key of a dictionary member that the coder reads or writes itself.
struct JSONStringKey: CodingKey {
    let stringValue: String
    init(_ stringValue: String) { self.stringValue = stringValue }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    var intValue: Int? { nil }
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

/// The types the coder reads and writes itself instead of calling their `Codable` conformance.
///
/// Classifying `T.self` first keeps generic code free of `Optional<T>`, whose metadata the
/// runtime would look up on every call.
enum JSONPrimitive {
    case string, bool, double, float, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64
    case value

    @inline(__always)
    init?(_ type: Any.Type) {
        if type == String.self {
            self = .string
        } else if type == Int.self {
            self = .int
        } else if type == Double.self {
            self = .double
        } else if type == Bool.self {
            self = .bool
        } else if type == JSONValue.self {
            self = .value
        } else if type == Int64.self {
            self = .int64
        } else if type == UInt64.self {
            self = .uint64
        } else if type == Int32.self {
            self = .int32
        } else if type == UInt32.self {
            self = .uint32
        } else if type == Int16.self {
            self = .int16
        } else if type == UInt16.self {
            self = .uint16
        } else if type == Int8.self {
            self = .int8
        } else if type == UInt8.self {
            self = .uint8
        } else if type == UInt.self {
            self = .uint
        } else if type == Float.self {
            self = .float
        } else {
            return nil
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
func codingPathString(_ path: [any CodingKey], base: Int, extra: [any CodingKey], key: some CodingKey) -> String {
    var keys = Array(path.prefix(base))
    keys += extra
    keys.append(key)
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

/// The key of a jansson object iterator's member, by its length.
@inline(__always)
func janssonKey(_ iterator: UnsafeMutableRawPointer) -> String {
    guard let text = json_object_iter_key(iterator) else { return "" }
    let bytes = UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self)
    return String(decoding: UnsafeBufferPointer(start: bytes, count: json_object_iter_key_len(iterator)), as: UTF8.self)
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
