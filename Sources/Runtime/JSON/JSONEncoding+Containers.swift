import CJansson

// MARK: - Containers

/// Writes members into a jansson object that its parent owns.
struct JSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONEncoderImpl
    /// Borrowed: owned by the parent value (or the encoder's level).
    let object: JSONPointer
    /// How many keys of the encoder's path lead here, and the keys of nested containers after them.
    let base: Int
    let extra: [any CodingKey]

    var codingPath: [any CodingKey] { Array(encoder.path.prefix(base)) + extra }

    /// Sets `value` (owned, +1) as the member `key`; the object takes it over.
    @inline(__always)
    private func set(_ value: JSONPointer, forKey key: Key) {
        _ = withJanssonBytes(key.stringValue) { json_object_setn_new_nocheck(object, $0, $1, value) }
    }

    @inline(__always)
    private func set<V>(_ value: V, forKey key: Key, _ box: (V) throws(JSONValueFailure) -> JSONPointer) throws {
        do throws(JSONValueFailure) {
            set(try box(value), forKey: key)
        } catch {
            throw error.at(codingPathString(encoder.path, base: base, extra: extra, key: key))
        }
    }

    mutating func encodeNil(forKey key: Key) throws { set(json_null(), forKey: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(cjansson_boolean(value ? 1 : 0), forKey: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(makeJanssonString(value), forKey: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try set(value, forKey: key, boxReal) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try set(value, forKey: key, boxFloat) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try set(value, forKey: key, boxInteger) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try encoder.box(value, base: base, extra: extra, key: key), forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested: JSONPointer
        if let existing = withJanssonBytes(key.stringValue, { json_object_getn(object, $0, $1) }),
            existing.pointee.type == JSON_OBJECT
        {
            nested = existing  // asked twice for the same key: keep writing into the first
        } else {
            nested = janssonChecked(json_object())
            set(nested, forKey: key)
            encoder.keepAlive(nested)
        }
        return KeyedEncodingContainer(
            JSONKeyedEncodingContainer<NestedKey>(encoder: encoder, object: nested, base: base, extra: extra + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested: JSONPointer
        if let existing = withJanssonBytes(key.stringValue, { json_object_getn(object, $0, $1) }),
            existing.pointee.type == JSON_ARRAY
        {
            nested = existing
        } else {
            nested = janssonChecked(json_array())
            set(nested, forKey: key)
            encoder.keepAlive(nested)
        }
        return JSONUnkeyedEncodingContainer(encoder: encoder, array: nested, base: base, extra: extra + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: JSONSuperKey()) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key) }

    private func superEncoder(key: some CodingKey) -> any Encoder {
        encoder.superEncoder(path: codingPath + [key], target: .member(object: object, key: key.stringValue))
    }
}

/// Appends elements to a jansson array that its parent owns.
struct JSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: JSONEncoderImpl
    /// Borrowed: owned by the parent value (or the encoder's level).
    let array: JSONPointer
    let base: Int
    let extra: [any CodingKey]

    var codingPath: [any CodingKey] { Array(encoder.path.prefix(base)) + extra }
    var count: Int { json_array_size(array) }

    /// Appends `value` (owned, +1); the array takes it over.
    @inline(__always)
    private func append(_ value: JSONPointer) { json_array_append_new(array, value) }

    @inline(__always)
    private func append<V>(_ value: V, _ box: (V) throws(JSONValueFailure) -> JSONPointer) throws {
        do throws(JSONValueFailure) {
            append(try box(value))
        } catch {
            throw error.at(codingPathString(encoder.path, base: base, extra: extra, key: JSONIndexKey(count)))
        }
    }

    mutating func encodeNil() throws { append(json_null()) }
    mutating func encode(_ value: Bool) throws { append(cjansson_boolean(value ? 1 : 0)) }
    mutating func encode(_ value: String) throws { append(makeJanssonString(value)) }
    mutating func encode(_ value: Double) throws { try append(value, boxReal) }
    mutating func encode(_ value: Float) throws { try append(value, boxFloat) }
    mutating func encode(_ value: Int) throws { try append(value, boxInteger) }
    mutating func encode(_ value: Int8) throws { try append(value, boxInteger) }
    mutating func encode(_ value: Int16) throws { try append(value, boxInteger) }
    mutating func encode(_ value: Int32) throws { try append(value, boxInteger) }
    mutating func encode(_ value: Int64) throws { try append(value, boxInteger) }
    mutating func encode(_ value: UInt) throws { try append(value, boxInteger) }
    mutating func encode(_ value: UInt8) throws { try append(value, boxInteger) }
    mutating func encode(_ value: UInt16) throws { try append(value, boxInteger) }
    mutating func encode(_ value: UInt32) throws { try append(value, boxInteger) }
    mutating func encode(_ value: UInt64) throws { try append(value, boxInteger) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try encoder.box(value, base: base, extra: extra, key: JSONIndexKey(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let key = JSONIndexKey(count)
        let nested = janssonChecked(json_object())
        append(nested)
        return KeyedEncodingContainer(
            JSONKeyedEncodingContainer<NestedKey>(encoder: encoder, object: nested, base: base, extra: extra + [key]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = JSONIndexKey(count)
        let nested = janssonChecked(json_array())
        append(nested)
        return JSONUnkeyedEncodingContainer(encoder: encoder, array: nested, base: base, extra: extra + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let index = count
        return encoder.superEncoder(
            path: codingPath + [JSONIndexKey(index)], target: .element(array: array, index: index))
    }
}
