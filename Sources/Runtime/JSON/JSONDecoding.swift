import CJansson

#if canImport(Glibc)
    // libm, which `Int64(exactly: Double)` calls, is linked through this module.
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `Decoder` behind `JSON.decode`: walks the tree `json_loadb` parsed, without copying it.
///
/// One instance serves a whole document: decoding a nested value saves this level's value and
/// path, points at the child and restores (`unbox`), so nesting allocates nothing. The root
/// instance owns the tree and frees it in `deinit`; containers and super-decoders hold the
/// instance (or the root's), so no pointer they keep can outlive the tree.
final class JSONDecoderImpl: Decoder, SingleValueDecodingContainer {
    /// The coding path of the value being decoded now; containers remember how deep they sit in it.
    private(set) var path: [any CodingKey]
    /// The value being decoded now (borrowed from the tree).
    private(set) var value: JSONPointer
    /// The parsed document, owned (+1) by the root decoder.
    private let root: JSONPointer?
    /// The root decoder, kept alive by super-decoders.
    private let owner: JSONDecoderImpl?

    /// Parses `bytes` (flags: any value at the top level, NUL allowed in strings).
    /// - Throws: `JSONError.syntax` with jansson's message and position.
    init(parsing bytes: UnsafeRawBufferPointer) throws {
        var error = json_error_t()
        var empty: CChar = 0
        let parsed = withUnsafeMutablePointer(to: &empty) { empty in
            let text = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(empty)
            return json_loadb(text, bytes.count, cjansson_decode_flags(), &error)
        }
        guard let parsed else { throw JSONError.syntax(error) }
        root = parsed
        value = parsed
        path = []
        owner = nil
    }

    private init(owner: JSONDecoderImpl, value: JSONPointer, path: [any CodingKey]) {
        self.owner = owner
        self.root = nil
        self.value = value
        self.path = path
    }

    deinit {
        if let root { json_decref(root) }
    }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    // MARK: Levels

    /// Decodes a `T` from `child`, found at `path[..<base] + extra + [key]`.
    func unbox<T: Decodable, K: CodingKey>(
        _ child: JSONPointer, as type: T.Type, base: Int, extra: [any CodingKey], key: K
    ) throws -> T {
        if let kind = JSONPrimitive(T.self) {
            do throws(JSONValueFailure) {
                return try unboxPrimitive(child, kind, as: type)
            } catch {
                throw error.at(codingPathString(path, base: base, extra: extra, key: key))
            }
        }
        let savedValue = value
        let savedCount = path.count
        var savedPath: [any CodingKey]?
        if savedCount != base {  // a container used outside its own init(from:): rebuild its path
            savedPath = path
            path = Array(path.prefix(base))
        }
        if !extra.isEmpty { path += extra }
        path.append(key)
        value = child
        defer {
            value = savedValue
            if let savedPath { path = savedPath } else { path.removeLast(path.count - savedCount) }
        }
        return try decodeHere(type)
    }

    /// Decodes a non-primitive `T` from this level's value.
    @inline(__always)
    private func decodeHere<T: Decodable>(_ type: T.Type) throws -> T {
        if let dictionary = T.self as? any JSONStringDictionaryDecodable.Type {
            return try decodeDictionary(dictionary, as: type)
        }
        return try T(from: self)
    }

    /// `D` is `T`, opened as a `[String: Value]`.
    private func decodeDictionary<D: JSONStringDictionaryDecodable, T>(
        _ dictionary: D.Type, as type: T.Type
    ) throws -> T {
        unsafeBitCast(try D.decodeJSONObject(from: self), to: T.self)
    }

    /// A second decoder for `value`, for `superDecoder()`.
    func superDecoder(value: JSONPointer, path: [any CodingKey]) -> JSONDecoderImpl {
        JSONDecoderImpl(owner: owner ?? self, value: value, path: path)
    }

    /// The error for a container of the wrong JSON type.
    static func containerMismatch(_ expected: String, found value: JSONPointer, path: String) -> JSONError {
        if value.pointee.type == JSON_NULL {
            return .valueNotFound("expected \(expected), found null", path: path)
        }
        return .typeMismatch("expected \(expected), found \(janssonKindName(value))", path: path)
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard value.pointee.type == JSON_OBJECT else {
            throw Self.containerMismatch("object", found: value, path: codingPathString(path))
        }
        return KeyedDecodingContainer(
            JSONKeyedDecodingContainer<Key>(decoder: self, object: value, base: path.count, extra: []))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard value.pointee.type == JSON_ARRAY else {
            throw Self.containerMismatch("array", found: value, path: codingPathString(path))
        }
        return JSONUnkeyedDecodingContainer(decoder: self, array: value, base: path.count, extra: [])
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: SingleValueDecodingContainer

    @inline(__always)
    private func scalar<T>(_ read: (JSONPointer) throws(JSONValueFailure) -> T) throws -> T {
        do throws(JSONValueFailure) {
            return try read(value)
        } catch {
            throw error.at(codingPathString(path))
        }
    }

    func decodeNil() -> Bool { value.pointee.type == JSON_NULL }
    func decode(_ type: Bool.Type) throws -> Bool { try scalar(unboxBool) }
    func decode(_ type: String.Type) throws -> String { try scalar(unboxString) }
    func decode(_ type: Double.Type) throws -> Double { try scalar(unboxDouble) }
    func decode(_ type: Float.Type) throws -> Float { try scalar(unboxFloat) }
    func decode(_ type: Int.Type) throws -> Int { try scalar(unboxInteger) }
    func decode(_ type: Int8.Type) throws -> Int8 { try scalar(unboxInteger) }
    func decode(_ type: Int16.Type) throws -> Int16 { try scalar(unboxInteger) }
    func decode(_ type: Int32.Type) throws -> Int32 { try scalar(unboxInteger) }
    func decode(_ type: Int64.Type) throws -> Int64 { try scalar(unboxInteger) }
    func decode(_ type: UInt.Type) throws -> UInt { try scalar(unboxInteger) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(unboxInteger) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(unboxInteger) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(unboxInteger) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(unboxInteger) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let kind = JSONPrimitive(T.self) {
            do throws(JSONValueFailure) {
                return try unboxPrimitive(value, kind, as: type)
            } catch {
                throw error.at(codingPathString(path))
            }
        }
        return try decodeHere(type)  // the same level: the value is this level's value
    }
}

// MARK: - Dictionaries

/// `[String: Value]`, which the decoder fills straight from a jansson object: the standard
/// library's `init(from:)` goes through `allKeys` (a dynamic cast per key) and a second lookup per member.
protocol JSONStringDictionaryDecodable {
    static func decodeJSONObject(from decoder: JSONDecoderImpl) throws -> Self
}

extension Dictionary: JSONStringDictionaryDecodable where Key == String, Value: Decodable {
    static func decodeJSONObject(from decoder: JSONDecoderImpl) throws -> Self {
        let object = decoder.value
        guard object.pointee.type == JSON_OBJECT else {
            throw JSONDecoderImpl.containerMismatch("object", found: object, path: codingPathString(decoder.path))
        }
        var result = Self(minimumCapacity: json_object_size(object))
        let base = decoder.path.count
        var iterator = json_object_iter(object)
        while let current = iterator {
            if let member = json_object_iter_value(current) {
                let name = janssonKey(current)
                result[name] = try decoder.unbox(
                    member, as: Value.self, base: base, extra: [], key: JSONStringKey(name))
            }
            iterator = json_object_iter_next(object, current)
        }
        return result
    }
}

// MARK: - Scalars

@inline(__always)
func unboxBool(_ value: JSONPointer) throws(JSONValueFailure) -> Bool {
    switch value.pointee.type {
    case JSON_TRUE: return true
    case JSON_FALSE: return false
    default: throw .mismatch(expected: Bool.self, found: value)
    }
}

@inline(__always)
func unboxString(_ value: JSONPointer) throws(JSONValueFailure) -> String {
    guard value.pointee.type == JSON_STRING else { throw .mismatch(expected: String.self, found: value) }
    return janssonString(value)
}

/// A `Double` from a JSON real or integer (integers beyond 2^53 round to the nearest double).
@inline(__always)
func unboxDouble(_ value: JSONPointer) throws(JSONValueFailure) -> Double {
    switch value.pointee.type {
    case JSON_REAL: return json_real_value(value)
    case JSON_INTEGER: return Double(json_integer_value(value))
    default: throw .mismatch(expected: Double.self, found: value)
    }
}

/// A `Float` from a JSON number, rounded; a number beyond `Float`'s range is a failure.
@inline(__always)
func unboxFloat(_ value: JSONPointer) throws(JSONValueFailure) -> Float {
    switch value.pointee.type {
    case JSON_REAL:
        let double = json_real_value(value)
        let float = Float(double)
        guard float.isFinite else {
            throw JSONValueFailure(kind: .dataCorrupted, message: "the number \(double) does not fit in Float")
        }
        return float
    case JSON_INTEGER: return Float(json_integer_value(value))
    default: throw .mismatch(expected: Float.self, found: value)
    }
}

/// An integer of type `I` from a JSON integer in its range, or from an integral JSON real in its range.
@inline(__always)
func unboxInteger<I: FixedWidthInteger>(_ value: JSONPointer) throws(JSONValueFailure) -> I {
    switch value.pointee.type {
    case JSON_INTEGER:
        let integer = json_integer_value(value)
        guard let result = I(exactly: integer) else {
            throw JSONValueFailure(kind: .dataCorrupted, message: "the number \(integer) does not fit in \(I.self)")
        }
        return result
    case JSON_REAL:
        let real = json_real_value(value)
        if let result = I(exactly: real) { return result }
        let message =
            real.rounded(.towardZero) == real
            ? "the number \(real) does not fit in \(I.self)"
            : "the number \(real) is not an integer, as \(I.self) needs"
        throw JSONValueFailure(kind: .dataCorrupted, message: message)
    default:
        throw .mismatch(expected: I.self, found: value)
    }
}

/// A scalar or a `JSONValue` read straight from `value`; `kind` is `JSONPrimitive(T.self)`.
@inline(__always)
func unboxPrimitive<T>(_ value: JSONPointer, _ kind: JSONPrimitive, as type: T.Type) throws(JSONValueFailure) -> T {
    switch kind {
    case .string: unsafeBitCast(try unboxString(value), to: T.self)
    case .bool: unsafeBitCast(try unboxBool(value), to: T.self)
    case .double: unsafeBitCast(try unboxDouble(value), to: T.self)
    case .float: unsafeBitCast(try unboxFloat(value), to: T.self)
    case .value: unsafeBitCast(JSONValue(json: value), to: T.self)
    case .int: unsafeBitCast(try unboxInteger(value) as Int, to: T.self)
    case .int8: unsafeBitCast(try unboxInteger(value) as Int8, to: T.self)
    case .int16: unsafeBitCast(try unboxInteger(value) as Int16, to: T.self)
    case .int32: unsafeBitCast(try unboxInteger(value) as Int32, to: T.self)
    case .int64: unsafeBitCast(try unboxInteger(value) as Int64, to: T.self)
    case .uint: unsafeBitCast(try unboxInteger(value) as UInt, to: T.self)
    case .uint8: unsafeBitCast(try unboxInteger(value) as UInt8, to: T.self)
    case .uint16: unsafeBitCast(try unboxInteger(value) as UInt16, to: T.self)
    case .uint32: unsafeBitCast(try unboxInteger(value) as UInt32, to: T.self)
    case .uint64: unsafeBitCast(try unboxInteger(value) as UInt64, to: T.self)
    }
}
