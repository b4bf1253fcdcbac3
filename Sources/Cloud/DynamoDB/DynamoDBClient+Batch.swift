import Runtime

extension DynamoDBClient {
    /// One write of a transaction.
    public enum TransactWrite: Encodable, Sendable {
        case put(table: String, item: Item, condition: String? = nil, names: [String: String] = [:], values: Item = [:])
        case update(
            table: String, key: Item, update: String, condition: String? = nil, names: [String: String] = [:],
            values: Item = [:])
        case delete(
            table: String, key: Item, condition: String? = nil, names: [String: String] = [:], values: Item = [:])
        case conditionCheck(
            table: String, key: Item, condition: String, names: [String: String] = [:], values: Item = [:])

        private struct Operation: Encodable {
            var TableName: String
            var Item: Item?
            var Key: Item?
            var UpdateExpression: String?
            var ConditionExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: Item?
        }

        private enum Kind: String, CodingKey { case Put, Update, Delete, ConditionCheck }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Kind.self)
            func names(_ n: [String: String]) -> [String: String]? { n.isEmpty ? nil : n }
            func values(_ v: Item) -> Item? { v.isEmpty ? nil : v }
            switch self {
            case .put(let table, let item, let condition, let n, let v):
                try container.encode(
                    Operation(
                        TableName: table, Item: item, ConditionExpression: condition,
                        ExpressionAttributeNames: names(n), ExpressionAttributeValues: values(v)), forKey: .Put)
            case .update(let table, let key, let update, let condition, let n, let v):
                try container.encode(
                    Operation(
                        TableName: table, Key: key, UpdateExpression: update, ConditionExpression: condition,
                        ExpressionAttributeNames: names(n), ExpressionAttributeValues: values(v)), forKey: .Update)
            case .delete(let table, let key, let condition, let n, let v):
                try container.encode(
                    Operation(
                        TableName: table, Key: key, ConditionExpression: condition,
                        ExpressionAttributeNames: names(n), ExpressionAttributeValues: values(v)), forKey: .Delete)
            case .conditionCheck(let table, let key, let condition, let n, let v):
                try container.encode(
                    Operation(
                        TableName: table, Key: key, ConditionExpression: condition,
                        ExpressionAttributeNames: names(n), ExpressionAttributeValues: values(v)),
                    forKey: .ConditionCheck)
            }
        }
    }

    /// Applies up to 100 writes atomically. When a condition fails the whole transaction is
    /// cancelled: `AWSError` with code `TransactionCanceledException`, whose `details` hold the
    /// `CancellationReasons` in order.
    public func transactWriteItems(_ writes: [TransactWrite], clientRequestToken: String? = nil) throws {
        precondition((1...100).contains(writes.count), "TransactWriteItems takes 1 to 100 writes")
        struct Input: Encodable { var TransactItems: [TransactWrite]; var ClientRequestToken: String? }
        let _: Empty = try call(
            "TransactWriteItems", Input(TransactItems: writes, ClientRequestToken: clientRequestToken),
            idempotent: clientRequestToken != nil)
    }

    public struct BatchGetResult: Sendable {
        public var items: [String: [Item]]
        /// Keys DynamoDB did not read this time (throttling, size); ask for them again.
        public var unprocessedKeys: [String: [Item]]
    }

    /// Reads up to 100 items by key from one or more tables.
    public func batchGetItem(_ keys: [String: [Item]], consistentRead: Bool = false) throws -> BatchGetResult {
        struct KeysAndAttributes: Codable { var Keys: [Item]; var ConsistentRead: Bool? }
        struct Input: Encodable { var RequestItems: [String: KeysAndAttributes] }
        struct Output: Decodable { var Responses: [String: [Item]]?; var UnprocessedKeys: [String: KeysAndAttributes]? }
        let output: Output = try call(
            "BatchGetItem",
            Input(
                RequestItems: keys.mapValues {
                    KeysAndAttributes(Keys: $0, ConsistentRead: consistentRead ? true : nil)
                }),
            idempotent: true)
        return BatchGetResult(
            items: output.Responses ?? [:], unprocessedKeys: (output.UnprocessedKeys ?? [:]).mapValues(\.Keys))
    }

    // MARK: Tables (tests and local set-up; deployments make tables from the template)

    public struct KeySchema: Sendable {
        public var partitionKey: String
        public var sortKey: String?
        public init(partitionKey: String, sortKey: String? = nil) {
            self.partitionKey = partitionKey
            self.sortKey = sortKey
        }
    }

    /// Creates a pay-per-request table whose key attributes are strings, with global secondary indexes.
    public func createTable(_ name: String, key: KeySchema, indexes: [String: KeySchema] = [:]) throws {
        struct Definition: Encodable { var AttributeName: String; var AttributeType = "S" }
        struct KeyElement: Encodable { var AttributeName: String; var KeyType: String }
        struct IndexProjection: Encodable { var ProjectionType = "ALL" }
        struct Index: Encodable {
            var IndexName: String; var KeySchema: [KeyElement]; var Projection = IndexProjection()
        }
        struct Input: Encodable {
            var TableName: String
            var AttributeDefinitions: [Definition]
            var KeySchema: [KeyElement]
            var BillingMode = "PAY_PER_REQUEST"
            var GlobalSecondaryIndexes: [Index]?
        }
        func elements(_ schema: KeySchema) -> [KeyElement] {
            [KeyElement(AttributeName: schema.partitionKey, KeyType: "HASH")]
                + (schema.sortKey.map { [KeyElement(AttributeName: $0, KeyType: "RANGE")] } ?? [])
        }
        var attributes = Set([key.partitionKey] + (key.sortKey.map { [$0] } ?? []))
        for index in indexes.values { attributes.formUnion([index.partitionKey] + (index.sortKey.map { [$0] } ?? [])) }
        let _: JSONValue = try call(
            "CreateTable",
            Input(
                TableName: name, AttributeDefinitions: attributes.sorted().map { Definition(AttributeName: $0) },
                KeySchema: elements(key),
                GlobalSecondaryIndexes: indexes.isEmpty
                    ? nil
                    : indexes.sorted { $0.key < $1.key }.map {
                        Index(IndexName: $0.key, KeySchema: elements($0.value))
                    }),
            idempotent: false)
    }

    public func deleteTable(_ name: String) throws {
        struct Input: Encodable { var TableName: String }
        let _: JSONValue = try call("DeleteTable", Input(TableName: name), idempotent: true)
    }
}
