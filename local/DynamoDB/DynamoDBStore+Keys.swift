import Runtime

/// Key validation and the order-preserving key encoding.
extension DynamoDBStore {
    /// The bytes stored for a key value: UTF-8 for strings, the bytes for binary, and for numbers
    /// an encoding whose byte order is the numeric order.
    static func encode(_ value: AttributeValue) -> [UInt8] {
        switch value {
        case .string(let text): Array(text.utf8)
        case .binary(let bytes): bytes
        case .number(let text): DecimalNumber(text)?.sortableBytes ?? []
        default: preconditionFailure("key values are S, N or B")
        }
    }

    /// The encoded partition and sort key of an item already validated against the table.
    static func encodedKey(of item: AttributeValue.Item, in table: TableConfig) -> ([UInt8], [UInt8]) {
        (encode(item[table.partitionKey.name]!), table.sortKey.map { encode(item[$0.name]!) } ?? noSortKey)
    }

    /// Reads a `Key` member: exactly the table's key attributes, of their types.
    /// - Throws: `DynamoDBError.validation` as AWS words it.
    static func key(_ json: JSONValue?, in table: TableConfig) throws -> AttributeValue.Item {
        let key = try AttributeValue.item(wire: json)
        guard key.count == table.keyElements.count else {
            throw DynamoDBError.validation("The provided key element does not match the schema")
        }
        for element in table.keyElements {
            guard let value = key[element.name], value.typeName == element.type.rawValue else {
                throw DynamoDBError.validation("The provided key element does not match the schema")
            }
            try checkNotEmpty(value, key: element.name)
            if let problem = value.storageProblem { throw DynamoDBError.validation(problem) }
        }
        return key
    }

    /// Checks an item about to be written: keys present and typed, index keys typed, values storable, size.
    static func validate(_ item: AttributeValue.Item, in table: TableConfig) throws {
        for element in table.keyElements {
            guard let value = item[element.name] else {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Missing the key \(element.name) in the item")
            }
            guard value.typeName == element.type.rawValue else {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Type mismatch for key \(element.name) expected: \(element.type.rawValue) actual: \(value.typeName)"
                )
            }
            try checkNotEmpty(value, key: element.name)
        }
        for index in table.indexes {
            for element in index.keyElements {
                guard let value = item[element.name] else { continue }
                guard value.typeName == element.type.rawValue else {
                    throw DynamoDBError.validation(
                        "One or more parameter values were invalid: Type mismatch for Index Key \(element.name) Expected: \(element.type.rawValue) Actual: \(value.typeName) IndexName: \(index.name)"
                    )
                }
                if isEmpty(value) {
                    throw DynamoDBError.validation(
                        "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: \(index.name), IndexKey: \(element.name)"
                    )
                }
            }
        }
        if let problem = item.values.lazy.compactMap(\.storageProblem).first {
            throw DynamoDBError.validation(problem)
        }
        if AttributeValue.size(of: item) > 400 * 1024 {
            throw DynamoDBError.validation("Item size has exceeded the maximum allowed size")
        }
    }

    /// The table's key attributes of an item.
    static func keyAttributes(of item: AttributeValue.Item, in table: TableConfig) -> AttributeValue.Item {
        item.filter { name, _ in table.keyElements.contains { $0.name == name } }
    }

    private static func isEmpty(_ value: AttributeValue) -> Bool {
        switch value {
        case .string(let text): text.isEmpty
        case .binary(let bytes): bytes.isEmpty
        default: false
        }
    }

    private static func checkNotEmpty(_ value: AttributeValue, key: String) throws {
        if isEmpty(value) {
            throw DynamoDBError.validation(
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty \(value.typeName == "S" ? "string" : "binary") value. Key: \(key)"
            )
        }
    }
}
