import CJansson

#if canImport(Glibc)
    // libm, which `Int64(exactly: Double)` calls, is linked through this module.
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Any JSON value, for free-form fields (an authorizer's claims, a client context).
///
/// Integers and reals stay apart: `1` reads as `.integer(1)` and `1.0` as `.double(1.0)`, and each
/// writes back as it was read. Objects are dictionaries, so their key order is not kept (encode
/// with `sortedKeys: true` for a stable text). With `JSON`'s coder the value converts straight
/// to and from jansson's tree; with other coders it goes through a single-value container.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The element at `index` of an array; `nil` out of bounds or for a value that is not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    public var stringValue: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// An integer, or a real that is integral and in `Int64`'s range.
    public var int64Value: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value): Int64(exactly: value)
        default: nil
        }
    }

    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    /// A real, or an integer as the nearest double.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    public var arrayValue: [JSONValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    public var objectValue: [String: JSONValue]? {
        guard case .object(let value) = self else { return nil }
        return value
    }

    // MARK: Codable

    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? JSONDecoderImpl {
            self.init(json: decoder.value)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let encoder = encoder as? JSONEncoderImpl {
            try encoder.encode(self)  // converted straight to jansson (boxPrimitive)
            return
        }
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

// MARK: - jansson

extension JSONValue {
    /// Copies a jansson value (borrowed) into a `JSONValue`.
    init(json value: JSONPointer) {
        switch value.pointee.type {
        case JSON_OBJECT:
            var members: [String: JSONValue] = Dictionary(minimumCapacity: json_object_size(value))
            var iterator = json_object_iter(value)
            while let current = iterator {
                if let member = json_object_iter_value(current) {
                    members[janssonKey(current)] = JSONValue(json: member)
                }
                iterator = json_object_iter_next(value, current)
            }
            self = .object(members)
        case JSON_ARRAY:
            let count = json_array_size(value)
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                if let element = json_array_get(value, index) { elements.append(JSONValue(json: element)) }
            }
            self = .array(elements)
        case JSON_STRING: self = .string(janssonString(value))
        case JSON_INTEGER: self = .integer(json_integer_value(value))
        case JSON_REAL: self = .double(json_real_value(value))
        case JSON_TRUE: self = .bool(true)
        case JSON_FALSE: self = .bool(false)
        default: self = .null
        }
    }

    /// A new jansson value (owned, +1) for this value.
    /// - Throws: `invalidValue` for a non-finite double anywhere inside; nothing is leaked.
    func makeJSON() throws(JSONValueFailure) -> JSONPointer {
        switch self {
        case .null: return json_null()
        case .bool(let value): return cjansson_boolean(value ? 1 : 0)
        case .integer(let value): return janssonChecked(json_integer(value))
        case .double(let value): return try boxReal(value)
        case .string(let value): return makeJanssonString(value)
        case .array(let elements):
            let array = janssonChecked(json_array())
            for element in elements {
                do throws(JSONValueFailure) {
                    json_array_append_new(array, try element.makeJSON())
                } catch {
                    json_decref(array)
                    throw error
                }
            }
            return array
        case .object(let members):
            let object = janssonChecked(json_object())
            for (key, member) in members {
                do throws(JSONValueFailure) {
                    let value = try member.makeJSON()
                    _ = withJanssonBytes(key) { json_object_setn_new_nocheck(object, $0, $1, value) }
                } catch {
                    json_decref(object)
                    throw error
                }
            }
            return object
        }
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
