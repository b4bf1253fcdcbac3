import Runtime

/// A table's key schema, global secondary indexes and TTL attribute (from `template.yaml`, or
/// from a `CreateTable` call).
public struct TableConfig: Sendable, Equatable {
    /// The type of a key attribute.
    public enum KeyType: String, Sendable {
        case string = "S"
        case number = "N"
        case binary = "B"
    }

    /// A key attribute: its name and type.
    public struct KeyElement: Sendable, Equatable {
        public var name: String
        public var type: KeyType

        public init(name: String, type: KeyType) {
            self.name = name
            self.type = type
        }
    }

    /// Which attributes an index holds besides the table's and the index's keys.
    public enum Projection: Sendable, Equatable {
        case all
        case keysOnly
        case include([String])
    }

    /// A global secondary index.
    public struct IndexConfig: Sendable, Equatable {
        public var name: String
        public var partitionKey: KeyElement
        public var sortKey: KeyElement?
        public var projection: Projection

        public init(name: String, partitionKey: KeyElement, sortKey: KeyElement? = nil, projection: Projection = .all) {
            self.name = name
            self.partitionKey = partitionKey
            self.sortKey = sortKey
            self.projection = projection
        }
    }

    public var name: String
    public var partitionKey: KeyElement
    public var sortKey: KeyElement?
    public var indexes: [IndexConfig]
    /// The attribute holding an item's expiry time (a number, epoch seconds).
    public var ttlAttribute: String?

    public init(
        name: String, partitionKey: KeyElement, sortKey: KeyElement? = nil, indexes: [IndexConfig] = [],
        ttlAttribute: String? = nil
    ) {
        self.name = name
        self.partitionKey = partitionKey
        self.sortKey = sortKey
        self.indexes = indexes
        self.ttlAttribute = ttlAttribute
    }

    var keyElements: [KeyElement] { [partitionKey] + (sortKey.map { [$0] } ?? []) }

    func index(named name: String) -> IndexConfig? { indexes.first { $0.name == name } }
}

// MARK: - AWS's JSON shapes

extension TableConfig.KeyElement {
    fileprivate static func keySchema(_ partition: Self, _ sort: Self?) -> JSONValue {
        var schema: [JSONValue] = [["AttributeName": .string(partition.name), "KeyType": "HASH"]]
        if let sort { schema.append(["AttributeName": .string(sort.name), "KeyType": "RANGE"]) }
        return .array(schema)
    }
}

extension TableConfig.IndexConfig {
    var keyElements: [TableConfig.KeyElement] { [partitionKey] + (sortKey.map { [$0] } ?? []) }

    var projectionJSON: JSONValue {
        switch projection {
        case .all: ["ProjectionType": "ALL"]
        case .keysOnly: ["ProjectionType": "KEYS_ONLY"]
        case .include(let names): ["ProjectionType": "INCLUDE", "NonKeyAttributes": .array(names.map { .string($0) })]
        }
    }
}

extension TableConfig {
    /// The table as `CreateTable` takes it (also how the store keeps it in SQLite).
    var definition: JSONValue {
        var definitions: [String: String] = [:]
        for element in keyElements + indexes.flatMap(\.keyElements) {
            definitions[element.name] = element.type.rawValue
        }
        var object: [String: JSONValue] = [
            "TableName": .string(name),
            "KeySchema": KeyElement.keySchema(partitionKey, sortKey),
            "AttributeDefinitions": .array(
                definitions.sorted { $0.key < $1.key }.map {
                    ["AttributeName": .string($0.key), "AttributeType": .string($0.value)]
                }),
        ]
        if !indexes.isEmpty {
            object["GlobalSecondaryIndexes"] = .array(
                indexes.map { index in
                    [
                        "IndexName": .string(index.name),
                        "KeySchema": KeyElement.keySchema(index.partitionKey, index.sortKey),
                        "Projection": index.projectionJSON,
                    ]
                })
        }
        if let ttlAttribute { object["TimeToLiveAttribute"] = .string(ttlAttribute) }
        return .object(object)
    }

    /// Reads a `CreateTable` request (or a stored definition).
    /// - Throws: `DynamoDBError.validation` for a schema AWS would refuse.
    init(definition json: JSONValue) throws {
        guard let name = json["TableName"]?.stringValue, !name.isEmpty else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
            )
        }
        var types: [String: KeyType] = [:]
        for definition in json["AttributeDefinitions"]?.arrayValue ?? [] {
            guard let attribute = definition["AttributeName"]?.stringValue,
                let type = definition["AttributeType"]?.stringValue.flatMap(KeyType.init(rawValue:))
            else {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Invalid AttributeDefinitions")
            }
            types[attribute] = type
        }
        var used: Set<String> = []
        func keys(_ schema: JSONValue?, for what: String) throws -> (KeyElement, KeyElement?) {
            var hash: KeyElement?
            var range: KeyElement?
            for element in schema?.arrayValue ?? [] {
                guard let attribute = element["AttributeName"]?.stringValue,
                    let keyType = element["KeyType"]?.stringValue
                else {
                    throw DynamoDBError.validation(
                        "One or more parameter values were invalid: Invalid KeySchema for \(what)")
                }
                guard let type = types[attribute] else {
                    throw DynamoDBError.validation(
                        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [\(attribute)], AttributeDefinitions: [\(types.keys.sorted().joined(separator: ", "))]"
                    )
                }
                used.insert(attribute)
                if keyType == "HASH", hash == nil {
                    hash = KeyElement(name: attribute, type: type)
                } else if keyType == "RANGE", range == nil {
                    range = KeyElement(name: attribute, type: type)
                } else {
                    throw DynamoDBError.validation("Invalid KeySchema: Some index key attribute have no definition")
                }
            }
            guard let hash else {
                throw DynamoDBError.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
            }
            return (hash, range)
        }
        let (partition, sort) = try keys(json["KeySchema"], for: name)
        var indexes: [IndexConfig] = []
        for index in json["GlobalSecondaryIndexes"]?.arrayValue ?? [] {
            guard let indexName = index["IndexName"]?.stringValue else {
                throw DynamoDBError.validation("One or more parameter values were invalid: IndexName is missing")
            }
            let (indexPartition, indexSort) = try keys(index["KeySchema"], for: indexName)
            let projection: Projection
            switch index["Projection"]?["ProjectionType"]?.stringValue ?? "ALL" {
            case "ALL": projection = .all
            case "KEYS_ONLY": projection = .keysOnly
            case "INCLUDE":
                projection = .include(
                    (index["Projection"]?["NonKeyAttributes"]?.arrayValue ?? []).compactMap(\.stringValue))
            case let other: throw DynamoDBError.validation("Unknown ProjectionType: \(other)")
            }
            guard !indexes.contains(where: { $0.name == indexName }) else {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Duplicate index name: \(indexName)")
            }
            indexes.append(
                IndexConfig(name: indexName, partitionKey: indexPartition, sortKey: indexSort, projection: projection))
        }
        if used.count != types.count {
            throw DynamoDBError.validation(
                "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
            )
        }
        self.init(
            name: name, partitionKey: partition, sortKey: sort, indexes: indexes,
            ttlAttribute: json["TimeToLiveAttribute"]?.stringValue)
    }

    /// The `Table` member of `DescribeTable` (and `TableDescription` of `CreateTable`).
    func description(status: String, itemCount: Int, sizeBytes: Int, arn: String, created: Int64) -> JSONValue {
        guard case .object(var table) = definition else { preconditionFailure("a definition is an object") }
        table["TimeToLiveAttribute"] = nil
        table["TableStatus"] = .string(status)
        table["TableArn"] = .string(arn)
        table["TableId"] = .string(RandomBytes.uuid())
        table["ItemCount"] = .integer(Int64(itemCount))
        table["TableSizeBytes"] = .integer(Int64(sizeBytes))
        table["CreationDateTime"] = .integer(created)
        table["BillingModeSummary"] = ["BillingMode": "PAY_PER_REQUEST"]
        table["ProvisionedThroughput"] = ["NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0]
        if case .array(let indexes)? = table["GlobalSecondaryIndexes"] {
            table["GlobalSecondaryIndexes"] = .array(
                indexes.map { index in
                    guard case .object(var members) = index else { return index }
                    members["IndexStatus"] = "ACTIVE"
                    members["IndexArn"] = .string("\(arn)/index/\(index["IndexName"]?.stringValue ?? "")")
                    members["ItemCount"] = .integer(Int64(itemCount))
                    members["IndexSizeBytes"] = .integer(Int64(sizeBytes))
                    members["ProvisionedThroughput"] = [
                        "NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0,
                    ]
                    return .object(members)
                })
        }
        return .object(table)
    }
}
