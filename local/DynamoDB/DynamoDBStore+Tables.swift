import Runtime

/// ListTables, DescribeTable, CreateTable, DeleteTable and the TTL settings.
extension DynamoDBStore {
    func listTables(_ request: Request) throws -> JSONValue {
        var names = tableNames
        if let start = try request.string("ExclusiveStartTableName") { names = names.filter { $0 > start } }
        let limit = try request.integer("Limit") ?? 100
        guard (1...100).contains(limit) else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value '\(limit)' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"
            )
        }
        var output: [String: JSONValue] = ["TableNames": .array(names.prefix(limit).map { .string($0) })]
        if names.count > limit, let last = names.prefix(limit).last { output["LastEvaluatedTableName"] = .string(last) }
        return .object(output)
    }

    func describeTable(_ request: Request) throws -> JSONValue {
        let name = try request.requiredString("TableName")
        guard storedTable(name) != nil else {
            throw DynamoDBError.resourceNotFound("Requested resource not found: Table: \(name) not found")
        }
        return ["Table": try tableDescription(name, status: "ACTIVE")]
    }

    func createTable(_ request: Request) throws -> JSONValue {
        var config = try TableConfig(definition: request.json)
        config.ttlAttribute = nil
        let created = Timestamp.now().secondsSinceEpoch
        try database.transaction {
            guard storedTable(config.name) == nil else {
                throw DynamoDBError.resourceInUse("Table already exists: \(config.name)")
            }
            try saveTable(config, created: created)
            register(config, created: created)
        }
        return ["TableDescription": try tableDescription(config.name, status: "ACTIVE")]
    }

    func deleteTable(_ request: Request) throws -> JSONValue {
        let name = try request.requiredString("TableName")
        return try database.transaction {
            guard storedTable(name) != nil else {
                throw DynamoDBError.resourceNotFound("Requested resource not found: Table: \(name) not found")
            }
            let description = try tableDescription(name, status: "DELETING")
            try dropTable(name)
            unregister(name)
            return ["TableDescription": description]
        }
    }

    func updateTimeToLive(_ request: Request) throws -> JSONValue {
        let name = try request.requiredString("TableName")
        guard let specification = request["TimeToLiveSpecification"],
            let enabled = specification["Enabled"]?.boolValue,
            let attribute = specification["AttributeName"]?.stringValue, !attribute.isEmpty
        else {
            throw DynamoDBError.validation(
                "1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null"
            )
        }
        try database.transaction {
            guard let stored = storedTable(name) else { throw DynamoDBError.resourceNotFound() }
            var config = stored.config
            if enabled == (config.ttlAttribute != nil) {
                throw DynamoDBError.validation(
                    enabled ? "TimeToLive is already enabled" : "TimeToLive is already disabled")
            }
            config.ttlAttribute = enabled ? attribute : nil
            try saveTable(config, created: stored.created)
            try refreshExpiry(config)
            register(config, created: stored.created)
        }
        return ["TimeToLiveSpecification": ["Enabled": .bool(enabled), "AttributeName": .string(attribute)]]
    }

    func describeTimeToLive(_ request: Request) throws -> JSONValue {
        let config = try table(try request.requiredString("TableName"))
        guard let attribute = config.ttlAttribute else {
            return ["TimeToLiveDescription": ["TimeToLiveStatus": "DISABLED"]]
        }
        return ["TimeToLiveDescription": ["TimeToLiveStatus": "ENABLED", "AttributeName": .string(attribute)]]
    }

    private func tableDescription(_ name: String, status: String) throws -> JSONValue {
        guard let stored = storedTable(name) else { throw DynamoDBError.resourceNotFound() }
        let (count, bytes) = try countItems(name)
        return stored.config.description(
            status: status, itemCount: count, sizeBytes: bytes, arn: arn(of: name), created: stored.created)
    }
}
