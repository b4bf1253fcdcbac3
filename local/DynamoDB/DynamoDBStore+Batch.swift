import Runtime

/// TransactWriteItems, TransactGetItems, BatchGetItem and BatchWriteItem.
extension DynamoDBStore {
    /// All or nothing: every condition is checked against the stored items first; one failure
    /// cancels the transaction with a reason per action, and nothing is written.
    func transactWriteItems(_ request: Request) throws -> JSONValue {
        let actions = request["TransactItems"]?.arrayValue ?? []
        guard (1...100).contains(actions.count) else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100, Member must have length greater than or equal to 1"
            )
        }
        var writes: [PreparedWrite] = []
        var seen = Set<[UInt8]>()
        for action in actions {
            guard case .object(let members) = action, members.count == 1, let (kind, body) = members.first else {
                throw DynamoDBError.validation(
                    "TransactItems can only contain one of Check, Put, Update or Delete")
            }
            let request = Request(json: body)
            let write: PreparedWrite
            switch kind {
            case "Put": write = try preparePut(request)
            case "Update":
                guard request["UpdateExpression"] != nil else {
                    throw DynamoDBError.validation(
                        "1 validation error detected: Value null at 'transactItems.update.updateExpression' failed to satisfy constraint: Member must not be null"
                    )
                }
                write = try prepareUpdate(request)
            case "Delete": write = try prepareDelete(request)
            case "ConditionCheck": write = try prepareConditionCheck(request)
            default:
                throw DynamoDBError.validation("TransactItems can only contain one of Check, Put, Update or Delete")
            }
            let identity = Array(write.table.name.utf8) + [0] + write.partition + [0] + write.sort
            guard seen.insert(identity).inserted else {
                throw DynamoDBError.validation("Transaction request cannot include multiple operations on one item")
            }
            writes.append(write)
        }
        try database.transaction {
            var reasons: [JSONValue] = []
            var results: [AttributeValue.Item?] = []
            var failed = false
            for write in writes {
                let old = try loadItem(write.table, partition: write.partition, sort: write.sort)
                if let condition = write.condition, !condition.evaluate(on: old ?? [:]) {
                    failed = true
                    var reason: [String: JSONValue] = [
                        "Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
                    ]
                    if write.returnOldOnFailure, let old { reason["Item"] = AttributeValue.wire(old) }
                    reasons.append(.object(reason))
                    results.append(nil)
                    continue
                }
                do {
                    results.append(try write.change(old))
                    reasons.append(["Code": "None"])
                } catch let error as DynamoDBError where !error.isConditionalCheckFailure {
                    failed = true
                    reasons.append(["Code": "ValidationError", "Message": .string(error.message)])
                    results.append(nil)
                }
            }
            if failed { throw DynamoDBError.transactionCanceled(reasons: reasons) }
            for (write, new) in zip(writes, results) { try commit(write, new) }
        }
        return .object([:])
    }

    func transactGetItems(_ request: Request) throws -> JSONValue {
        let actions = request["TransactItems"]?.arrayValue ?? []
        guard (1...100).contains(actions.count) else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100"
            )
        }
        let gets = try actions.map { action -> Request in
            guard let get = action["Get"] else { throw DynamoDBError.validation("TransactItems can only contain Get") }
            return Request(json: get)
        }
        let responses = try database.transaction {
            try gets.map { try getItem($0) }
        }
        return ["Responses": .array(responses)]
    }

    func batchGetItem(_ request: Request) throws -> JSONValue {
        guard let tables = request["RequestItems"]?.objectValue, !tables.isEmpty else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"
            )
        }
        let total = tables.values.reduce(0) { $0 + ($1["Keys"]?.arrayValue?.count ?? 0) }
        if total > 100 { throw DynamoDBError.validation("Too many items requested for the BatchGetItem call") }
        var responses: [String: JSONValue] = [:]
        try database.transaction {
            for (name, body) in tables {
                let entry = Request(json: body)
                let table = try table(name)
                var seen = Set<[UInt8]>()
                var items: [JSONValue] = []
                for keyJSON in entry["Keys"]?.arrayValue ?? [] {
                    let key = try Self.key(keyJSON, in: table)
                    let (partition, sort) = Self.encodedKey(of: key, in: table)
                    guard seen.insert(partition + [0] + sort).inserted else {
                        throw DynamoDBError.validation("Provided list of item keys contains duplicates")
                    }
                    var get = body.objectValue ?? [:]
                    get["Keys"] = nil
                    get["TableName"] = .string(name)
                    get["Key"] = keyJSON
                    if let item = try getItem(Request(json: .object(get)))["Item"] { items.append(item) }
                }
                responses[name] = .array(items)
            }
        }
        return ["Responses": .object(responses), "UnprocessedKeys": .object([:])]
    }

    func batchWriteItem(_ request: Request) throws -> JSONValue {
        guard let tables = request["RequestItems"]?.objectValue, !tables.isEmpty else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null"
            )
        }
        let total = tables.values.reduce(0) { $0 + ($1.arrayValue?.count ?? 0) }
        if total > 25 {
            throw DynamoDBError.validation(
                "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
            )
        }
        var writes: [PreparedWrite] = []
        var seen = Set<[UInt8]>()
        for (name, entries) in tables {
            for entry in entries.arrayValue ?? [] {
                let write: PreparedWrite
                if let put = entry["PutRequest"] {
                    write = try preparePut(
                        Request(json: .object(["TableName": .string(name), "Item": put["Item"] ?? .null])))
                } else if let delete = entry["DeleteRequest"] {
                    write = try prepareDelete(
                        Request(json: .object(["TableName": .string(name), "Key": delete["Key"] ?? .null])))
                } else {
                    throw DynamoDBError.validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
                    )
                }
                guard seen.insert(Array(name.utf8) + [0] + write.partition + [0] + write.sort).inserted else {
                    throw DynamoDBError.validation("Provided list of item keys contains duplicates")
                }
                writes.append(write)
            }
        }
        try database.transaction {
            for write in writes { _ = try perform(write) }
        }
        return ["UnprocessedItems": .object([:])]
    }
}
