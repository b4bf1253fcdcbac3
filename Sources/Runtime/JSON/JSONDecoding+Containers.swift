import CJansson

// MARK: - Containers

/// Reads members of a jansson object by key (a hash lookup per member; no copy of the object).
struct JSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: JSONDecoderImpl
    /// Borrowed from the tree the decoder owns.
    let object: JSONPointer
    /// How many keys of the decoder's path lead here, and the keys of nested containers after them.
    let base: Int
    let extra: [any CodingKey]

    var codingPath: [any CodingKey] { Array(decoder.path.prefix(base)) + extra }

    var allKeys: [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(json_object_size(object))
        var iterator = json_object_iter(object)
        while let current = iterator {
            if let key = Key(stringValue: janssonKey(current)) { keys.append(key) }
            iterator = json_object_iter_next(object, current)
        }
        return keys
    }

    @inline(__always)
    private func member(_ key: some CodingKey) -> JSONPointer? {
        withJanssonBytes(key.stringValue) { json_object_getn(object, $0, $1) }
    }

    private func path(_ key: some CodingKey) -> String {
        codingPathString(decoder.path, base: base, extra: extra, key: key)
    }

    @inline(__always)
    private func require(_ key: Key) throws -> JSONPointer {
        guard let value = member(key) else { throw JSONError.keyNotFound(key.stringValue, path: path(key)) }
        return value
    }

    @inline(__always)
    private func read<T>(_ key: Key, _ read: (JSONPointer) throws(JSONValueFailure) -> T) throws -> T {
        let value = try require(key)
        do throws(JSONValueFailure) {
            return try read(value)
        } catch {
            throw error.at(path(key))
        }
    }

    /// One lookup for an optional member: absent and `null` are both `nil`.
    @inline(__always)
    private func readIfPresent<T>(_ key: Key, _ read: (JSONPointer) throws(JSONValueFailure) -> T) throws -> T? {
        guard let value = member(key), value.pointee.type != JSON_NULL else { return nil }
        do throws(JSONValueFailure) {
            return try read(value)
        } catch {
            throw error.at(path(key))
        }
    }

    func contains(_ key: Key) -> Bool { member(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try require(key).pointee.type == JSON_NULL }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try read(key, unboxBool) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try read(key, unboxString) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try read(key, unboxDouble) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try read(key, unboxFloat) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try read(key, unboxInteger) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try read(key, unboxInteger) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try read(key, unboxInteger) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try read(key, unboxInteger) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try read(key, unboxInteger) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try read(key, unboxInteger) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try read(key, unboxInteger) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try read(key, unboxInteger) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try read(key, unboxInteger) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try read(key, unboxInteger) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(try require(key), as: type, base: base, extra: extra, key: key)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try readIfPresent(key, unboxBool) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try readIfPresent(key, unboxString) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try readIfPresent(key, unboxDouble) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try readIfPresent(key, unboxFloat) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try readIfPresent(key, unboxInteger) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try readIfPresent(key, unboxInteger)
    }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try readIfPresent(key, unboxInteger)
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try readIfPresent(key, unboxInteger)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = member(key), value.pointee.type != JSON_NULL else { return nil }
        return try decoder.unbox(value, as: type, base: base, extra: extra, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try require(key)
        guard value.pointee.type == JSON_OBJECT else {
            throw JSONDecoderImpl.containerMismatch("object", found: value, path: path(key))
        }
        return KeyedDecodingContainer(
            JSONKeyedDecodingContainer<NestedKey>(decoder: decoder, object: value, base: base, extra: extra + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let value = try require(key)
        guard value.pointee.type == JSON_ARRAY else {
            throw JSONDecoderImpl.containerMismatch("array", found: value, path: path(key))
        }
        return JSONUnkeyedDecodingContainer(decoder: decoder, array: value, base: base, extra: extra + [key])
    }

    func superDecoder() throws -> any Decoder { superDecoder(key: JSONSuperKey()) }
    func superDecoder(forKey key: Key) throws -> any Decoder { superDecoder(key: key) }

    /// A decoder for the member `key`; an absent member reads as `null`, as Foundation's does.
    private func superDecoder(key: some CodingKey) -> any Decoder {
        decoder.superDecoder(value: member(key) ?? json_null(), path: codingPath + [key])
    }
}

/// Reads the elements of a jansson array in order.
struct JSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: JSONDecoderImpl
    /// Borrowed from the tree the decoder owns.
    let array: JSONPointer
    let base: Int
    let extra: [any CodingKey]
    private let size: Int
    private(set) var currentIndex = 0

    init(decoder: JSONDecoderImpl, array: JSONPointer, base: Int, extra: [any CodingKey]) {
        self.decoder = decoder
        self.array = array
        self.base = base
        self.extra = extra
        self.size = json_array_size(array)
    }

    var codingPath: [any CodingKey] { Array(decoder.path.prefix(base)) + extra }
    var count: Int? { size }
    var isAtEnd: Bool { currentIndex >= size }

    private var path: String {
        codingPathString(decoder.path, base: base, extra: extra, key: JSONIndexKey(currentIndex))
    }

    /// The current element, not yet consumed.
    private func current(_ expected: @autoclosure () -> String) throws -> JSONPointer {
        guard !isAtEnd, let value = json_array_get(array, currentIndex) else {
            throw JSONError.valueNotFound("expected \(expected()), but the array has only \(size) elements", path: path)
        }
        return value
    }

    @inline(__always)
    private mutating func read<T>(_ read: (JSONPointer) throws(JSONValueFailure) -> T) throws -> T {
        let value = try current("\(T.self)")
        do throws(JSONValueFailure) {
            let result = try read(value)
            currentIndex += 1
            return result
        } catch {
            throw error.at(path)
        }
    }

    mutating func decodeNil() throws -> Bool {
        guard try current("null").pointee.type == JSON_NULL else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try read(unboxBool) }
    mutating func decode(_ type: String.Type) throws -> String { try read(unboxString) }
    mutating func decode(_ type: Double.Type) throws -> Double { try read(unboxDouble) }
    mutating func decode(_ type: Float.Type) throws -> Float { try read(unboxFloat) }
    mutating func decode(_ type: Int.Type) throws -> Int { try read(unboxInteger) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try read(unboxInteger) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try read(unboxInteger) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try read(unboxInteger) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try read(unboxInteger) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try read(unboxInteger) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try read(unboxInteger) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try read(unboxInteger) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try read(unboxInteger) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try read(unboxInteger) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try current("\(T.self)")
        let result = try decoder.unbox(value, as: type, base: base, extra: extra, key: JSONIndexKey(currentIndex))
        currentIndex += 1
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try current("object")
        guard value.pointee.type == JSON_OBJECT else {
            throw JSONDecoderImpl.containerMismatch("object", found: value, path: path)
        }
        let key = JSONIndexKey(currentIndex)
        currentIndex += 1
        return KeyedDecodingContainer(
            JSONKeyedDecodingContainer<NestedKey>(decoder: decoder, object: value, base: base, extra: extra + [key]))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let value = try current("array")
        guard value.pointee.type == JSON_ARRAY else {
            throw JSONDecoderImpl.containerMismatch("array", found: value, path: path)
        }
        let key = JSONIndexKey(currentIndex)
        currentIndex += 1
        return JSONUnkeyedDecodingContainer(decoder: decoder, array: value, base: base, extra: extra + [key])
    }

    mutating func superDecoder() throws -> any Decoder {
        let value = try current("a value")
        let key = JSONIndexKey(currentIndex)
        currentIndex += 1
        return decoder.superDecoder(value: value, path: codingPath + [key])
    }
}
