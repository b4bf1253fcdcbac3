import Runtime

/// A DynamoDB attribute value in its wire form (`{"S":"…"}`, `{"N":"…"}`, `{"M":{…}}`, …).
///
/// Numbers stay text as the client sent them until they are compared or added, which goes
/// through `DecimalNumber`; equality follows DynamoDB (numbers by value, sets regardless of order).
indirect enum AttributeValue: Sendable {
    case string(String)
    case number(String)
    case binary([UInt8])
    case bool(Bool)
    case null
    case map([String: AttributeValue])
    case list([AttributeValue])
    case stringSet([String])
    case numberSet([String])
    case binarySet([[UInt8]])

    typealias Item = [String: AttributeValue]

    /// The type's wire name: `S`, `N`, `B`, `BOOL`, `NULL`, `M`, `L`, `SS`, `NS`, `BS`.
    var typeName: String {
        switch self {
        case .string: "S"
        case .number: "N"
        case .binary: "B"
        case .bool: "BOOL"
        case .null: "NULL"
        case .map: "M"
        case .list: "L"
        case .stringSet: "SS"
        case .numberSet: "NS"
        case .binarySet: "BS"
        }
    }

    static let typeNames: Set<String> = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"]

    var decimal: DecimalNumber? {
        if case .number(let text) = self { return DecimalNumber(text) }
        return nil
    }

    // MARK: Wire form

    /// Reads a value from its wire form.
    /// - Throws: `DynamoDBError.validation` for anything that is not exactly one known type.
    init(wire json: JSONValue) throws {
        guard case .object(let members) = json, members.count == 1, let (type, value) = members.first else {
            throw DynamoDBError.validation(
                "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
        }
        func string(_ value: JSONValue) throws -> String {
            guard let text = value.stringValue else {
                throw DynamoDBError.serialization("Expected a string for \(type)")
            }
            return text
        }
        func bytes(_ value: JSONValue) throws -> [UInt8] {
            guard let bytes = Base64.decode(try string(value)) else {
                throw DynamoDBError.serialization("Base64 encoded length is expected a multiple of 4 bytes")
            }
            return bytes
        }
        func array(_ value: JSONValue) throws -> [JSONValue] {
            guard let elements = value.arrayValue else {
                throw DynamoDBError.serialization("Expected a list for \(type)")
            }
            return elements
        }
        switch type {
        case "S": self = .string(try string(value))
        case "N":
            let text = try string(value)
            guard DecimalNumber(text) != nil else {
                throw DynamoDBError.validation("A value provided cannot be converted into a number")
            }
            self = .number(text)
        case "B": self = .binary(try bytes(value))
        case "BOOL":
            guard let flag = value.boolValue else { throw DynamoDBError.serialization("Expected a boolean for BOOL") }
            self = .bool(flag)
        case "NULL":
            guard value.boolValue == true else {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Null attribute value types must have the value of true")
            }
            self = .null
        case "M":
            guard let object = value.objectValue else { throw DynamoDBError.serialization("Expected a map for M") }
            self = .map(try object.mapValues { try AttributeValue(wire: $0) })
        case "L": self = .list(try array(value).map { try AttributeValue(wire: $0) })
        case "SS": self = .stringSet(try array(value).map(string))
        case "NS":
            let texts = try array(value).map(string)
            guard texts.allSatisfy({ DecimalNumber($0) != nil }) else {
                throw DynamoDBError.validation("A value provided cannot be converted into a number")
            }
            self = .numberSet(texts)
        case "BS": self = .binarySet(try array(value).map(bytes))
        default:
            throw DynamoDBError.validation("Supplied AttributeValue has an unknown datatype: \(type)")
        }
    }

    /// The value in its wire form, numbers written as DynamoDB returns them (normalised).
    var wire: JSONValue {
        switch self {
        case .string(let text): ["S": .string(text)]
        case .number(let text): ["N": .string(Self.normalized(text))]
        case .binary(let bytes): ["B": .string(Base64.encode(bytes))]
        case .bool(let flag): ["BOOL": .bool(flag)]
        case .null: ["NULL": true]
        case .map(let members): ["M": .object(members.mapValues(\.wire))]
        case .list(let elements): ["L": .array(elements.map(\.wire))]
        case .stringSet(let texts): ["SS": .array(texts.map { .string($0) })]
        case .numberSet(let texts): ["NS": .array(texts.map { .string(Self.normalized($0)) })]
        case .binarySet(let values): ["BS": .array(values.map { .string(Base64.encode($0)) })]
        }
    }

    static func item(wire json: JSONValue?) throws -> Item {
        guard let json else { return [:] }
        guard let members = json.objectValue else {
            throw DynamoDBError.serialization("Expected a map of attribute values")
        }
        return try members.mapValues { try AttributeValue(wire: $0) }
    }

    static func wire(_ item: Item) -> JSONValue { .object(item.mapValues(\.wire)) }

    private static func normalized(_ text: String) -> String { DecimalNumber(text)?.description ?? text }

    // MARK: Validation

    /// Why DynamoDB would refuse to store this value (empty or duplicate sets, numbers out of range), or nil.
    var storageProblem: String? {
        func duplicates<T: Hashable>(_ values: [T], _ show: (T) -> String) -> String? {
            var seen = Set<T>()
            for value in values where !seen.insert(value).inserted {
                return "One or more parameter values were invalid: Input collection contains duplicates: \(show(value))"
            }
            return nil
        }
        switch self {
        case .number(let text): return DecimalNumber(text)?.storageProblem
        case .stringSet(let texts):
            if texts.isEmpty { return "One or more parameter values were invalid: An string set  may not be empty" }
            return duplicates(texts) { $0 }
        case .numberSet(let texts):
            if texts.isEmpty { return "One or more parameter values were invalid: An number set  may not be empty" }
            if let problem = texts.lazy.compactMap({ DecimalNumber($0)?.storageProblem }).first { return problem }
            return duplicates(texts.compactMap(DecimalNumber.init)) { $0.description }
        case .binarySet(let values):
            if values.isEmpty { return "One or more parameter values were invalid: Binary sets should not be empty" }
            return duplicates(values) { Base64.encode($0) }
        case .map(let members): return members.values.lazy.compactMap(\.storageProblem).first
        case .list(let elements): return elements.lazy.compactMap(\.storageProblem).first
        default: return nil
        }
    }

    /// The size DynamoDB charges for the value (UTF-8 text, number digits, bytes, and overheads).
    var size: Int {
        switch self {
        case .string(let text): text.utf8.count
        case .number(let text): (DecimalNumber(text)?.digits.count ?? 1) / 2 + 2
        case .binary(let bytes): bytes.count
        case .bool, .null: 1
        case .map(let members): 3 + members.reduce(0) { $0 + $1.key.utf8.count + $1.value.size + 1 }
        case .list(let elements): 3 + elements.reduce(0) { $0 + $1.size + 1 }
        case .stringSet(let texts): texts.reduce(0) { $0 + $1.utf8.count }
        case .numberSet(let texts): texts.reduce(0) { $0 + AttributeValue.number($1).size }
        case .binarySet(let values): values.reduce(0) { $0 + $1.count }
        }
    }

    static func size(of item: Item) -> Int { item.reduce(0) { $0 + $1.key.utf8.count + $1.value.size } }
}

extension AttributeValue: Equatable {
    /// DynamoDB equality: numbers by value, sets as sets, maps and lists element by element.
    static func == (lhs: AttributeValue, rhs: AttributeValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.number(let a), .number(let b)): DecimalNumber(a) == DecimalNumber(b)
        case (.binary(let a), .binary(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.map(let a), .map(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.stringSet(let a), .stringSet(let b)): Set(a) == Set(b)
        case (.numberSet(let a), .numberSet(let b)):
            Set(a.compactMap(DecimalNumber.init)) == Set(b.compactMap(DecimalNumber.init))
        case (.binarySet(let a), .binarySet(let b)): Set(a) == Set(b)
        default: false
        }
    }

    /// Orders two scalars of one type (N numerically, S and B by bytes); nil when they do not compare.
    static func compare(_ lhs: AttributeValue, _ rhs: AttributeValue) -> Int? {
        func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)):
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : (a.utf8.elementsEqual(b.utf8) ? 0 : 1)
        case (.number(let a), .number(let b)):
            guard let x = DecimalNumber(a), let y = DecimalNumber(b) else { return nil }
            return order(x, y)
        case (.binary(let a), .binary(let b)): return a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
        default: return nil
        }
    }
}
