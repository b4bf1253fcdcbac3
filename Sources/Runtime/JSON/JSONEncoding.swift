import CJansson

/// The `Encoder` behind `JSON.encode`: builds a jansson tree directly, with no tree of its own.
///
/// One instance serves a whole document: encoding a nested value saves this level's state, encodes
/// the child into a fresh slot and restores (`box`), so nesting allocates nothing but jansson's
/// values. Containers hold a borrowed pointer to their jansson object or array, which its parent
/// owns; a value becomes owned by its parent the moment it is created or finished, so every value
/// has exactly one owner. Only `superEncoder()` makes a second instance, writing into its parent.
final class JSONEncoderImpl: Encoder, SingleValueEncodingContainer {
    /// Where this level's value goes.
    enum Target {
        /// `value` is owned (+1) by this encoder until `box` hands it to the caller.
        case owned
        /// `value` is a member of `object` under `key` (a super-encoder): storing replaces it there.
        case member(object: JSONPointer, key: String)
        /// `value` is element `index` of `array` (a super-encoder of an unkeyed container).
        case element(array: JSONPointer, index: Int)
    }

    /// The coding path of the value being encoded now; containers remember how deep they sit in it.
    private(set) var path: [any CodingKey]
    /// This level's value, if any was encoded yet (a super-encoder starts with an empty-object placeholder).
    private var value: JSONPointer?
    private var target: Target
    /// Whether this level's value was handed out (to a container) or encoded; a placeholder is not.
    private var claimed = false
    /// The encoder that owns the document, for super-encoders.
    private let owner: JSONEncoderImpl?
    /// Values kept alive until the document is done: the root, partial values of failed children, and
    /// values that containers point into while their parent may still replace them.
    private var retained: [JSONPointer] = []

    init() {
        path = []
        target = .owned
        owner = nil
    }

    private init(owner: JSONEncoderImpl, path: [any CodingKey], target: Target, placeholder: JSONPointer) {
        self.owner = owner
        self.path = path
        self.target = target
        self.value = placeholder
    }

    deinit {
        for value in retained { json_decref(value) }
        if case .owned = target, let value { json_decref(value) }
    }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Encodes the document and runs `body` with its root while the tree is alive.
    func encodeTopLevel<T: Encodable, R>(_ value: T, _ body: (JSONPointer) throws -> R) throws -> R {
        try encode(value)  // this level's slot holds the root
        let root = self.value ?? janssonChecked(json_object())
        self.value = nil
        retained.append(root)
        return try body(root)
    }

    // MARK: Levels

    /// Encodes a child at `path[..<base] + extra + [key]` and returns it owned (+1).
    func box<T: Encodable, K: CodingKey>(
        _ child: T, base: Int, extra: [any CodingKey], key: K
    ) throws -> JSONPointer {
        if let kind = JSONPrimitive(T.self) {
            do throws(JSONValueFailure) {
                return try boxPrimitive(child, kind)
            } catch {
                throw error.at(codingPathString(path, base: base, extra: extra, key: key))
            }
        }
        let saved = (value: value, target: target, claimed: claimed, count: path.count)
        var savedPath: [any CodingKey]?
        if saved.count != base {  // a container used outside its own encode(to:): rebuild its path
            savedPath = path
            path = Array(path.prefix(base))
        }
        if !extra.isEmpty { path += extra }
        path.append(key)
        value = nil
        target = .owned
        claimed = false
        defer {
            value = saved.value
            target = saved.target
            claimed = saved.claimed
            if let savedPath { path = savedPath } else { path.removeLast(path.count - saved.count) }
        }
        do {
            try encodeHere(child)
        } catch {
            // Containers of the failed child may still point into it: free it with the document.
            if let partial = value { document.retained.append(partial) }
            throw error
        }
        return value ?? janssonChecked(json_object())
    }

    /// Encodes a non-primitive `T` as this level's value.
    @inline(__always)
    private func encodeHere<T: Encodable>(_ value: T) throws {
        if let dictionary = value as? any JSONStringDictionaryEncodable {
            precondition(!claimed, "A dictionary encoded at \(codingPathString(path)) after another value")
            let object = janssonChecked(json_object())
            store(object)
            try dictionary.encodeJSONObject(into: object, encoder: self)
        } else {
            try value.encode(to: self)
        }
    }

    /// The encoder that owns the document's leftovers.
    private var document: JSONEncoderImpl { owner ?? self }

    /// Keeps `value` (borrowed) alive until the document is done, for a container that points into
    /// it while its parent may still replace it (a member encoded twice under one key).
    func keepAlive(_ value: JSONPointer) {
        document.retained.append(cjansson_incref(value))
    }

    /// Makes `new` (owned, +1) this level's value.
    private func store(_ new: JSONPointer) {
        switch target {
        case .owned:
            if let old = value { json_decref(old) }  // only an unclaimed value: nothing points into it
        case .member(let object, let key):
            _ = withJanssonBytes(key) { json_object_setn_new_nocheck(object, $0, $1, new) }
            keepAlive(new)
        case .element(let array, let index):
            json_array_set_new(array, index, new)
            keepAlive(new)
        }
        value = new
        claimed = true
    }

    /// A second encoder writing into `parent`'s member or element, which starts as `{}`.
    func superEncoder(path: [any CodingKey], target: Target) -> JSONEncoderImpl {
        let placeholder = janssonChecked(json_object())
        switch target {
        case .owned: preconditionFailure("a super-encoder writes into a parent")
        case .member(let object, let key):
            _ = withJanssonBytes(key) { json_object_setn_new_nocheck(object, $0, $1, placeholder) }
        case .element(let array, _):
            json_array_append_new(array, placeholder)
        }
        keepAlive(placeholder)
        return JSONEncoderImpl(owner: document, path: path, target: target, placeholder: placeholder)
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: JSONPointer
        if let existing = value, existing.pointee.type == JSON_OBJECT {
            object = existing  // a subclass and its superclass share one object
            claimed = true
        } else {
            precondition(!claimed, "Keyed container requested at \(codingPathString(path)) after another kind of value")
            object = janssonChecked(json_object())
            store(object)
        }
        return KeyedEncodingContainer(
            JSONKeyedEncodingContainer<Key>(encoder: self, object: object, base: path.count, extra: []))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: JSONPointer
        if claimed, let existing = value, existing.pointee.type == JSON_ARRAY {
            array = existing
        } else {
            precondition(
                !claimed, "Unkeyed container requested at \(codingPathString(path)) after another kind of value")
            array = janssonChecked(json_array())
            store(array)
        }
        return JSONUnkeyedEncodingContainer(encoder: self, array: array, base: path.count, extra: [])
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    // MARK: SingleValueEncodingContainer

    private func encodeScalar<V>(_ value: V, _ box: (V) throws(JSONValueFailure) -> JSONPointer) throws {
        precondition(!claimed, "A single value container encoded twice at \(codingPathString(path))")
        do throws(JSONValueFailure) {
            store(try box(value))
        } catch {
            throw error.at(codingPathString(path))
        }
    }

    func encodeNil() throws { try encodeScalar((), boxNull) }
    func encode(_ value: Bool) throws { try encodeScalar(value, boxBool) }
    func encode(_ value: String) throws { try encodeScalar(value, makeJanssonString) }
    func encode(_ value: Double) throws { try encodeScalar(value, boxReal) }
    func encode(_ value: Float) throws { try encodeScalar(value, boxFloat) }
    func encode(_ value: Int) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: Int8) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: Int16) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: Int32) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: Int64) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: UInt) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: UInt8) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: UInt16) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: UInt32) throws { try encodeScalar(value, boxInteger) }
    func encode(_ value: UInt64) throws { try encodeScalar(value, boxInteger) }

    func encode<T: Encodable>(_ value: T) throws {
        precondition(!claimed, "A single value container encoded twice at \(codingPathString(path))")
        guard let kind = JSONPrimitive(T.self) else {
            try encodeHere(value)  // the same level: its value is this level's value
            return
        }
        do throws(JSONValueFailure) {
            store(try boxPrimitive(value, kind))
        } catch {
            throw error.at(codingPathString(path))
        }
    }
}

// MARK: - Dictionaries

/// `[String: Value]`, which the encoder writes straight into a jansson object, without a coding
/// key and a container box per member as the standard library's `encode(to:)` makes.
protocol JSONStringDictionaryEncodable {
    func encodeJSONObject(into object: JSONPointer, encoder: JSONEncoderImpl) throws
}

extension Dictionary: JSONStringDictionaryEncodable where Key == String, Value: Encodable {
    func encodeJSONObject(into object: JSONPointer, encoder: JSONEncoderImpl) throws {
        let base = encoder.path.count
        for (name, member) in self {
            let value = try encoder.box(member, base: base, extra: [], key: JSONStringKey(name))
            _ = withJanssonBytes(name) { json_object_setn_new_nocheck(object, $0, $1, value) }
        }
    }
}

// MARK: - Scalars

/// A jansson integer (+1), or a failure for an unsigned value above `Int64.max`.
@inline(__always)
func boxInteger<I: FixedWidthInteger>(_ value: I) throws(JSONValueFailure) -> JSONPointer {
    guard let integer = Int64(exactly: value) else {
        throw JSONValueFailure(
            kind: .invalidValue, message: "\(I.self) \(value) is above the largest JSON integer, \(Int64.max)")
    }
    return janssonChecked(json_integer(integer))
}

/// A jansson real (+1), or a failure for a non-finite value, which JSON cannot write.
@inline(__always)
func boxReal(_ value: Double) throws(JSONValueFailure) -> JSONPointer {
    guard value.isFinite else {
        throw JSONValueFailure(
            kind: .invalidValue, message: "\(value) cannot be written as JSON, which has no NaN or infinity")
    }
    return janssonChecked(json_real(value))
}

@inline(__always)
func boxFloat(_ value: Float) throws(JSONValueFailure) -> JSONPointer { try boxReal(Double(value)) }

@inline(__always)
func boxBool(_ value: Bool) -> JSONPointer { cjansson_boolean(value ? 1 : 0) }

@inline(__always)
func boxNull(_: Void) -> JSONPointer { json_null() }

/// The jansson value (+1) of a scalar or a `JSONValue`; `kind` is `JSONPrimitive(T.self)`.
@inline(__always)
func boxPrimitive<T>(_ value: T, _ kind: JSONPrimitive) throws(JSONValueFailure) -> JSONPointer {
    switch kind {
    case .string: makeJanssonString(unsafeBitCast(value, to: String.self))
    case .bool: cjansson_boolean(unsafeBitCast(value, to: Bool.self) ? 1 : 0)
    case .double: try boxReal(unsafeBitCast(value, to: Double.self))
    case .float: try boxReal(Double(unsafeBitCast(value, to: Float.self)))
    case .value: try unsafeBitCast(value, to: JSONValue.self).makeJSON()
    case .int: try boxInteger(unsafeBitCast(value, to: Int.self))
    case .int8: try boxInteger(unsafeBitCast(value, to: Int8.self))
    case .int16: try boxInteger(unsafeBitCast(value, to: Int16.self))
    case .int32: try boxInteger(unsafeBitCast(value, to: Int32.self))
    case .int64: try boxInteger(unsafeBitCast(value, to: Int64.self))
    case .uint: try boxInteger(unsafeBitCast(value, to: UInt.self))
    case .uint8: try boxInteger(unsafeBitCast(value, to: UInt8.self))
    case .uint16: try boxInteger(unsafeBitCast(value, to: UInt16.self))
    case .uint32: try boxInteger(unsafeBitCast(value, to: UInt32.self))
    case .uint64: try boxInteger(unsafeBitCast(value, to: UInt64.self))
    }
}
