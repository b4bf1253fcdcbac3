/// A DynamoDB table the emulator serves (`AWS::DynamoDB::Table` or `AWS::Serverless::SimpleTable`).
public struct TableDefinition: Sendable, Equatable {
    /// The table's logical ID.
    public var logicalID: String
    /// The physical name: `TableName` resolved, else `<stack>-<LogicalId>`.
    public var name: String
    /// The `HASH` key.
    public var partitionKey: KeyAttribute
    /// The `RANGE` key, if any.
    public var sortKey: KeyAttribute?
    /// `GlobalSecondaryIndexes`, in order.
    public var globalSecondaryIndexes: [IndexDefinition]
    /// `TimeToLiveSpecification.AttributeName` when it is enabled.
    public var ttlAttribute: String?
    /// Whether a `StreamSpecification` is set.
    public var streamEnabled: Bool

    public init(
        logicalID: String, name: String, partitionKey: KeyAttribute, sortKey: KeyAttribute? = nil,
        globalSecondaryIndexes: [IndexDefinition] = [], ttlAttribute: String? = nil, streamEnabled: Bool = false
    ) {
        self.logicalID = logicalID
        self.name = name
        self.partitionKey = partitionKey
        self.sortKey = sortKey
        self.globalSecondaryIndexes = globalSecondaryIndexes
        self.ttlAttribute = ttlAttribute
        self.streamEnabled = streamEnabled
    }
}

/// A key attribute: its name and DynamoDB type, `S`, `N` or `B`.
public struct KeyAttribute: Sendable, Equatable {
    public var name: String
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}

/// A global secondary index.
public struct IndexDefinition: Sendable, Equatable {
    public var name: String
    public var partitionKey: KeyAttribute
    public var sortKey: KeyAttribute?
    /// `Projection.ProjectionType`: `ALL`, `KEYS_ONLY` or `INCLUDE`.
    public var projectionType: String
    /// `Projection.NonKeyAttributes`, for `INCLUDE`.
    public var nonKeyAttributes: [String]

    public init(
        name: String, partitionKey: KeyAttribute, sortKey: KeyAttribute? = nil, projectionType: String = "ALL",
        nonKeyAttributes: [String] = []
    ) {
        self.name = name
        self.partitionKey = partitionKey
        self.sortKey = sortKey
        self.projectionType = projectionType
        self.nonKeyAttributes = nonKeyAttributes
    }
}

extension TableDefinition {
    /// Reads an `AWS::DynamoDB::Table` from its resolved properties.
    init(logicalID: String, name: String, properties: PropertyReader) throws {
        var types: [String: String] = [:]
        let definitions = try properties["AttributeDefinitions"]
        for definition in try definitions.items() ?? [] {
            let type = try definition["AttributeType"]
            guard ["S", "N", "B"].contains(try type.requiredText()) else {
                throw type.error(.invalidValue, "an attribute type is S, N or B, not '\(try type.requiredText())'")
            }
            types[try definition["AttributeName"].requiredText()] = try type.requiredText()
        }
        let (partitionKey, sortKey) = try Self.keys(properties["KeySchema"], types: types)

        var indexes: [IndexDefinition] = []
        for index in try properties["GlobalSecondaryIndexes"].items() ?? [] {
            let (partitionKey, sortKey) = try Self.keys(index["KeySchema"], types: types)
            let projectionType = try index["Projection"]["ProjectionType"]
            let projection = try projectionType.text() ?? "ALL"
            guard ["ALL", "KEYS_ONLY", "INCLUDE"].contains(projection) else {
                throw projectionType.error(
                    .invalidValue, "a projection is ALL, KEYS_ONLY or INCLUDE, not '\(projection)'")
            }
            indexes.append(
                IndexDefinition(
                    name: try index["IndexName"].requiredText(), partitionKey: partitionKey, sortKey: sortKey,
                    projectionType: projection,
                    nonKeyAttributes: try index["Projection"]["NonKeyAttributes"].texts() ?? []))
        }

        let ttl = try properties["TimeToLiveSpecification"]
        let ttlEnabled = try ttl["Enabled"].boolean() ?? false
        self.init(
            logicalID: logicalID, name: name, partitionKey: partitionKey, sortKey: sortKey,
            globalSecondaryIndexes: indexes,
            ttlAttribute: ttlEnabled ? try ttl["AttributeName"].requiredText() : nil,
            streamEnabled: try properties["StreamSpecification"].isPresent)
    }

    /// Reads an `AWS::Serverless::SimpleTable`: a `PrimaryKey` (`id`, `String` by default), nothing else.
    init(simpleTable logicalID: String, name: String, properties: PropertyReader) throws {
        let key = try properties["PrimaryKey"]
        let type = try key["Type"]
        let types = ["String": "S", "Number": "N", "Binary": "B"]
        let typeName = try type.text() ?? "String"
        guard let attributeType = types[typeName] else {
            throw type.error(.invalidValue, "a SimpleTable key type is String, Number or Binary, not '\(typeName)'")
        }
        let partitionKey = KeyAttribute(name: try key["Name"].text() ?? "id", type: attributeType)
        self.init(logicalID: logicalID, name: name, partitionKey: partitionKey)
    }

    /// The `HASH` and `RANGE` keys of a key schema, typed by the attribute definitions.
    private static func keys(
        _ schema: PropertyReader, types: [String: String]
    ) throws -> (partition: KeyAttribute, sort: KeyAttribute?) {
        var partition: KeyAttribute?
        var sort: KeyAttribute?
        for element in try schema.items() ?? [] {
            let attribute = try element["AttributeName"]
            let name = try attribute.requiredText()
            guard let type = types[name] else {
                throw attribute.error(.invalidValue, "the key '\(name)' is not declared in AttributeDefinitions")
            }
            let keyType = try element["KeyType"]
            switch try keyType.requiredText() {
            case "HASH" where partition == nil: partition = KeyAttribute(name: name, type: type)
            case "RANGE" where sort == nil: sort = KeyAttribute(name: name, type: type)
            default: throw keyType.error(.invalidValue, "a key schema has one HASH key and at most one RANGE key")
            }
        }
        guard let partition else {
            throw schema.error(.missingProperty, "the key schema needs a HASH key")
        }
        return (partition, sort)
    }
}
