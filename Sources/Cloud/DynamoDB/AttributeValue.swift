import Runtime

/// A DynamoDB attribute value, in the wire shape `{"S":"…"}`, `{"N":"42"}`, `{"M":{…}}`, ….
public indirect enum AttributeValue: Codable, Equatable, Sendable {
    case s(String)
    /// A number, as DynamoDB keeps it: decimal text.
    case n(String)
    case b([UInt8])
    case bool(Bool)
    case null
    case m([String: AttributeValue])
    case l([AttributeValue])
    case ss([String])
    case ns([String])
    case bs([[UInt8]])

    public static func number<T: BinaryInteger>(_ value: T) -> AttributeValue { .n(String(value)) }

    private enum Key: String, CodingKey { case S, N, B, BOOL, NULL, M, L, SS, NS, BS }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard let key = container.allKeys.first, container.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "An attribute value has exactly one type key"))
        }
        switch key {
        case .S: self = .s(try container.decode(String.self, forKey: key))
        case .N: self = .n(try container.decode(String.self, forKey: key))
        case .B: self = .b(try Self.bytes(container.decode(String.self, forKey: key), container, key))
        case .BOOL: self = .bool(try container.decode(Bool.self, forKey: key))
        case .NULL: self = .null
        case .M: self = .m(try container.decode([String: AttributeValue].self, forKey: key))
        case .L: self = .l(try container.decode([AttributeValue].self, forKey: key))
        case .SS: self = .ss(try container.decode([String].self, forKey: key))
        case .NS: self = .ns(try container.decode([String].self, forKey: key))
        case .BS:
            self = .bs(try container.decode([String].self, forKey: key).map { try Self.bytes($0, container, key) })
        }
    }

    private static func bytes(_ text: String, _ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> [UInt8] {
        guard let bytes = Base64.decode(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "Binary value is not base64")
        }
        return bytes
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .s(let value): try container.encode(value, forKey: .S)
        case .n(let value): try container.encode(value, forKey: .N)
        case .b(let value): try container.encode(Base64.encode(value), forKey: .B)
        case .bool(let value): try container.encode(value, forKey: .BOOL)
        case .null: try container.encode(true, forKey: .NULL)
        case .m(let value): try container.encode(value, forKey: .M)
        case .l(let value): try container.encode(value, forKey: .L)
        case .ss(let value): try container.encode(value, forKey: .SS)
        case .ns(let value): try container.encode(value, forKey: .NS)
        case .bs(let value): try container.encode(value.map { Base64.encode($0) }, forKey: .BS)
        }
    }

    public var stringValue: String? { if case .s(let v) = self { v } else { nil } }
    public var numberValue: String? { if case .n(let v) = self { v } else { nil } }
    public var int64Value: Int64? { numberValue.flatMap { Int64($0) } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
}

/// A DynamoDB item: attribute names to values.
public typealias Item = [String: AttributeValue]

/// Maps Codable types to and from items, through the JSON coder: strings become `S`, numbers `N`,
/// booleans `BOOL`, nulls `NULL`, objects `M`, arrays `L`. A nil optional is left out.
public enum ItemCoder {
    /// - Throws: `JSONError`, or `EncodingError.invalidValue` when the value does not encode to an object.
    public static func encode<T: Encodable>(_ value: T) throws -> Item {
        let json = try JSON.decode(JSONValue.self, from: JSON.encode(value))
        guard case .object(let fields) = json else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "An item must encode to an object"))
        }
        return fields.compactMapValues(attribute)
    }

    /// - Throws: `JSONError` naming the attribute when the item does not fit `T`.
    public static func decode<T: Decodable>(_ type: T.Type, from item: Item) throws -> T {
        try JSON.decode(T.self, from: JSON.encode(JSONValue.object(item.mapValues(json))))
    }

    public static func attribute(_ json: JSONValue) -> AttributeValue? {
        switch json {
        case .null: nil
        case .bool(let value): .bool(value)
        case .integer(let value): .n(String(value))
        case .double(let value): .n(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
        case .string(let value): .s(value)
        case .array(let values): .l(values.map { attribute($0) ?? .null })
        case .object(let fields): .m(fields.compactMapValues(attribute))
        }
    }

    public static func json(_ attribute: AttributeValue) -> JSONValue {
        switch attribute {
        case .s(let value): .string(value)
        case .n(let value): Int64(value).map(JSONValue.integer) ?? Double(value).map(JSONValue.double) ?? .string(value)
        case .b(let value): .string(Base64.encode(value))
        case .bool(let value): .bool(value)
        case .null: .null
        case .m(let fields): .object(fields.mapValues(json))
        case .l(let values): .array(values.map(json))
        case .ss(let values): .array(values.map(JSONValue.string))
        case .ns(let values): .array(values.map { json(.n($0)) })
        case .bs(let values): .array(values.map { .string(Base64.encode($0)) })
        }
    }
}
