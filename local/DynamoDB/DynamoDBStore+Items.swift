import Runtime

/// GetItem, PutItem, UpdateItem and DeleteItem.
extension DynamoDBStore {
    enum ReturnValues: String {
        case none = "NONE"
        case allOld = "ALL_OLD"
        case updatedOld = "UPDATED_OLD"
        case allNew = "ALL_NEW"
        case updatedNew = "UPDATED_NEW"

        init(_ request: Request, allowed: Set<ReturnValues>) throws {
            guard let text = try request.string("ReturnValues") else {
                self = .none
                return
            }
            guard let value = ReturnValues(rawValue: text), allowed.contains(value) else {
                throw DynamoDBError.validation("Return values set to invalid value")
            }
            self = value
        }
    }

    /// A write prepared from its request: the table, the key, and the condition to check.
    struct PreparedWrite {
        var table: TableConfig
        var key: AttributeValue.Item
        var partition: [UInt8]
        var sort: [UInt8]
        var condition: ConditionExpression?
        var returnOldOnFailure: Bool
        /// Computes the new item (nil deletes it) from the current one (nil when absent).
        var change: (AttributeValue.Item?) throws -> AttributeValue.Item?
        /// The paths an update writes (for `UPDATED_OLD` and `UPDATED_NEW`).
        var updatedPaths: [AttributePath] = []
        /// A transaction's `ConditionCheck`: checks and writes nothing.
        var checksOnly = false
    }

    func getItem(_ request: Request) throws -> JSONValue {
        let table = try table(try request.requiredString("TableName"))
        let key = try Self.key(request["Key"], in: table)
        let context = try ExpressionContext(request: request)
        let projection = try request.string("ProjectionExpression").map {
            try ExpressionParser.projection($0, context: context)
        }
        try context.checkAllUsed()
        let (partition, sort) = Self.encodedKey(of: key, in: table)
        guard let item = try loadItem(table, partition: partition, sort: sort) else { return .object([:]) }
        return ["Item": AttributeValue.wire(projection.map { Projection.apply($0, to: item) } ?? item)]
    }

    func putItem(_ request: Request) throws -> JSONValue {
        let returnValues = try ReturnValues(request, allowed: [.none, .allOld])
        let write = try preparePut(request)
        let (old, _) = try database.transaction { try perform(write) }
        guard returnValues == .allOld, let old else { return .object([:]) }
        return ["Attributes": AttributeValue.wire(old)]
    }

    func updateItem(_ request: Request) throws -> JSONValue {
        let returnValues = try ReturnValues(request, allowed: [.none, .allOld, .updatedOld, .allNew, .updatedNew])
        let write = try prepareUpdate(request)
        let (old, new) = try database.transaction { try perform(write) }
        let attributes: AttributeValue.Item? =
            switch returnValues {
            case .none: nil
            case .allOld: old
            case .allNew: new
            case .updatedOld: old.map { Projection.apply(write.updatedPaths, to: $0) }
            case .updatedNew: new.map { Projection.apply(write.updatedPaths, to: $0) }
            }
        guard let attributes, !attributes.isEmpty else { return .object([:]) }
        return ["Attributes": AttributeValue.wire(attributes)]
    }

    func deleteItem(_ request: Request) throws -> JSONValue {
        let returnValues = try ReturnValues(request, allowed: [.none, .allOld])
        let write = try prepareDelete(request)
        let (old, _) = try database.transaction { try perform(write) }
        guard returnValues == .allOld, let old else { return .object([:]) }
        return ["Attributes": AttributeValue.wire(old)]
    }

    // MARK: Preparing writes (shared with transactions and batches)

    func preparePut(_ request: Request) throws -> PreparedWrite {
        let table = try table(try request.requiredString("TableName"))
        guard let json = request["Item"] else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null"
            )
        }
        let item = try AttributeValue.item(wire: json)
        try Self.validate(item, in: table)
        let key = Self.keyAttributes(of: item, in: table)
        return try prepare(request, table: table, key: key) { _ in item }
    }

    func prepareDelete(_ request: Request) throws -> PreparedWrite {
        let table = try table(try request.requiredString("TableName"))
        let key = try Self.key(request["Key"], in: table)
        return try prepare(request, table: table, key: key) { _ in nil }
    }

    func prepareConditionCheck(_ request: Request) throws -> PreparedWrite {
        let table = try table(try request.requiredString("TableName"))
        let key = try Self.key(request["Key"], in: table)
        guard request["ConditionExpression"] != nil else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at 'conditionExpression' failed to satisfy constraint: Member must not be null"
            )
        }
        var write = try prepare(request, table: table, key: key) { $0 }
        write.checksOnly = true
        return write
    }

    func prepareUpdate(_ request: Request) throws -> PreparedWrite {
        let table = try table(try request.requiredString("TableName"))
        let key = try Self.key(request["Key"], in: table)
        let context = try ExpressionContext(request: request)
        let update = try request.string("UpdateExpression").map { try ExpressionParser.update($0, context: context) }
        for path in update?.targetPaths ?? [] where table.keyElements.contains(where: { $0.name == path.attributeName })
        {
            throw DynamoDBError.validation(
                "One or more parameter values were invalid: Cannot update attribute \(path.attributeName). This attribute is part of the key"
            )
        }
        var write = try prepare(request, table: table, key: key, context: context) { current in
            let base = current ?? key
            let updated = try update?.apply(to: base) ?? base
            try Self.validate(updated, in: table)
            return updated
        }
        write.updatedPaths = update?.targetPaths ?? []
        return write
    }

    private func prepare(
        _ request: Request, table: TableConfig, key: AttributeValue.Item, context: ExpressionContext? = nil,
        change: @escaping (AttributeValue.Item?) throws -> AttributeValue.Item?
    ) throws -> PreparedWrite {
        let context = try context ?? ExpressionContext(request: request)
        let condition = try request.string("ConditionExpression").map {
            try ExpressionParser.condition($0, kind: "ConditionExpression", context: context)
        }
        try context.checkAllUsed()
        let returnOld: Bool
        switch try request.string("ReturnValuesOnConditionCheckFailure") ?? "NONE" {
        case "NONE": returnOld = false
        case "ALL_OLD": returnOld = true
        default: throw DynamoDBError.validation("Return values on condition check failure set to invalid value")
        }
        let (partition, sort) = Self.encodedKey(of: key, in: table)
        return PreparedWrite(
            table: table, key: key, partition: partition, sort: sort, condition: condition,
            returnOldOnFailure: returnOld,
            change: change)
    }

    // MARK: Performing writes

    /// Checks the condition against the stored item, then writes. Call inside a database transaction.
    /// - Returns: the item before and after.
    func perform(_ write: PreparedWrite) throws -> (old: AttributeValue.Item?, new: AttributeValue.Item?) {
        let old = try loadItem(write.table, partition: write.partition, sort: write.sort)
        if let condition = write.condition, !condition.evaluate(on: old ?? [:]) {
            throw DynamoDBError.conditionalCheckFailed(item: write.returnOldOnFailure ? old : nil)
        }
        let new = try write.change(old)
        try commit(write, new)
        return (old, new)
    }

    /// Stores (or, for nil, deletes) the write's item.
    func commit(_ write: PreparedWrite, _ new: AttributeValue.Item?) throws {
        if write.checksOnly { return }
        if let new {
            try saveItem(write.table, new)
        } else {
            try removeItem(write.table, partition: write.partition, sort: write.sort)
        }
    }
}
