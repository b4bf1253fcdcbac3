import HTTP
import Runtime

/// Amazon DynamoDB over its JSON protocol: items, expressions, queries, transactions.
///
/// Expressions take placeholders: `names` for `#name` and `values` for `:value`.
public final class DynamoDBClient {
    let transport: AWSTransport

    public init(configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        transport = try AWSTransport(service: .dynamodb, configuration: configuration, http: http)
    }

    func call<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, idempotent: Bool
    ) throws -> Output {
        try transport.jsonCall(
            targetPrefix: "DynamoDB_20120810", operation: operation, input: input, idempotent: idempotent)
    }

    /// What `UpdateItem`, `PutItem` and `DeleteItem` return.
    public enum ReturnValues: String, Encodable, Sendable {
        case none = "NONE", allOld = "ALL_OLD", updatedOld = "UPDATED_OLD", allNew = "ALL_NEW", updatedNew =
            "UPDATED_NEW"
    }

    struct ItemOutput: Decodable {
        var Item: Item?
        var Attributes: Item?
    }

    /// The item with `key`, or nil.
    public func getItem(
        table: String, key: Item, consistentRead: Bool = false, projection: String? = nil,
        names: [String: String] = [:]
    ) throws -> Item? {
        struct Input: Encodable {
            var TableName: String
            var Key: Item
            var ConsistentRead: Bool
            var ProjectionExpression: String?
            var ExpressionAttributeNames: [String: String]?
        }
        let output: ItemOutput = try call(
            "GetItem",
            Input(
                TableName: table, Key: key, ConsistentRead: consistentRead, ProjectionExpression: projection,
                ExpressionAttributeNames: names.isEmpty ? nil : names),
            idempotent: true)
        return output.Item
    }

    /// Writes an item; with a `condition`, fails with `ConditionalCheckFailedException` when it does not hold.
    @discardableResult
    public func putItem(
        table: String, item: Item, condition: String? = nil, names: [String: String] = [:],
        values: Item = [:], returnValues: ReturnValues = .none
    ) throws -> Item? {
        struct Input: Encodable {
            var TableName: String
            var Item: Item
            var ConditionExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: Item?
            var ReturnValues: ReturnValues
        }
        let output: ItemOutput = try call(
            "PutItem",
            Input(
                TableName: table, Item: item, ConditionExpression: condition,
                ExpressionAttributeNames: names.isEmpty ? nil : names,
                ExpressionAttributeValues: values.isEmpty ? nil : values, ReturnValues: returnValues),
            idempotent: true)
        return output.Attributes
    }

    /// Applies an update expression (`SET`, `REMOVE`, `ADD`, `DELETE`).
    @discardableResult
    public func updateItem(
        table: String, key: Item, update: String, condition: String? = nil, names: [String: String] = [:],
        values: Item = [:], returnValues: ReturnValues = .none
    ) throws -> Item? {
        struct Input: Encodable {
            var TableName: String
            var Key: Item
            var UpdateExpression: String
            var ConditionExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: Item?
            var ReturnValues: ReturnValues
        }
        let output: ItemOutput = try call(
            "UpdateItem",
            Input(
                TableName: table, Key: key, UpdateExpression: update, ConditionExpression: condition,
                ExpressionAttributeNames: names.isEmpty ? nil : names,
                ExpressionAttributeValues: values.isEmpty ? nil : values,
                ReturnValues: returnValues),
            // An update with ADD is not idempotent; only retry what cannot have been applied.
            idempotent: !update.uppercased().contains("ADD "))
        return output.Attributes
    }

    @discardableResult
    public func deleteItem(
        table: String, key: Item, condition: String? = nil, names: [String: String] = [:],
        values: Item = [:], returnValues: ReturnValues = .none
    ) throws -> Item? {
        struct Input: Encodable {
            var TableName: String
            var Key: Item
            var ConditionExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: Item?
            var ReturnValues: ReturnValues
        }
        let output: ItemOutput = try call(
            "DeleteItem",
            Input(
                TableName: table, Key: key, ConditionExpression: condition,
                ExpressionAttributeNames: names.isEmpty ? nil : names,
                ExpressionAttributeValues: values.isEmpty ? nil : values, ReturnValues: returnValues),
            idempotent: true)
        return output.Attributes
    }

    /// One page of a query.
    public struct QueryPage: Decodable, Sendable {
        public var items: [Item]
        /// Pass as `exclusiveStartKey` for the next page; nil on the last page.
        public var lastEvaluatedKey: Item?
        public var count: Int

        enum CodingKeys: String, CodingKey {
            case items = "Items", lastEvaluatedKey = "LastEvaluatedKey", count = "Count"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            items = try container.decodeIfPresent([Item].self, forKey: .items) ?? []
            lastEvaluatedKey = try container.decodeIfPresent(Item.self, forKey: .lastEvaluatedKey)
            count = try container.decodeIfPresent(Int.self, forKey: .count) ?? items.count
        }
    }

    public func query(
        table: String, index: String? = nil, keyCondition: String, filter: String? = nil,
        names: [String: String] = [:], values: Item = [:], exclusiveStartKey: Item? = nil,
        scanForward: Bool = true, limit: Int? = nil, projection: String? = nil,
        consistentRead: Bool = false
    ) throws -> QueryPage {
        struct Input: Encodable {
            var TableName: String
            var IndexName: String?
            var KeyConditionExpression: String
            var FilterExpression: String?
            var ExpressionAttributeNames: [String: String]?
            var ExpressionAttributeValues: Item?
            var ExclusiveStartKey: Item?
            var ScanIndexForward: Bool
            var Limit: Int?
            var ProjectionExpression: String?
            var ConsistentRead: Bool?
        }
        return try call(
            "Query",
            Input(
                TableName: table, IndexName: index, KeyConditionExpression: keyCondition, FilterExpression: filter,
                ExpressionAttributeNames: names.isEmpty ? nil : names,
                ExpressionAttributeValues: values.isEmpty ? nil : values,
                ExclusiveStartKey: exclusiveStartKey, ScanIndexForward: scanForward, Limit: limit,
                ProjectionExpression: projection,
                ConsistentRead: consistentRead ? true : nil),
            idempotent: true)
    }
}
