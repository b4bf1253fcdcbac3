import Runtime

/// Query and Scan, on a table or a global secondary index.
extension DynamoDBStore {
    /// What a read keeps of the items it evaluates.
    private struct ReadOptions {
        var table: TableConfig
        var index: TableConfig.IndexConfig?
        var filter: ConditionExpression?
        var projection: [AttributePath]?
        var countOnly: Bool
        var limit: Int?
        var ascending: Bool
        /// The key attributes a `LastEvaluatedKey` holds (the table's, and the index's).
        var positionKeys: [TableConfig.KeyElement] {
            var keys = table.keyElements
            for element in index?.keyElements ?? [] where !keys.contains(element) { keys.append(element) }
            return keys
        }
    }

    private enum SortCondition {
        case compare(Comparator, AttributeValue)
        case between(AttributeValue, AttributeValue)
        case beginsWith(AttributeValue)
    }

    func query(_ request: Request) throws -> JSONValue {
        let context = try ExpressionContext(request: request)
        guard let keyText = try request.string("KeyConditionExpression") else {
            throw DynamoDBError.validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
        }
        let keyCondition = try ExpressionParser.condition(keyText, kind: "KeyConditionExpression", context: context)
        var options = try readOptions(request, context: context)
        let partitionKey = options.index?.partitionKey ?? options.table.partitionKey
        let sortKey = options.index.map(\.sortKey) ?? options.table.sortKey
        if let filter = options.filter {
            for path in filter.paths
            where path.attributeName == partitionKey.name || path.attributeName == sortKey?.name {
                throw DynamoDBError.validation(
                    "Filter Expression can only contain non-primary key attributes: Primary key attribute: \(path.attributeName)"
                )
            }
        }
        let (partitionValue, sortCondition) = try Self.analyze(
            keyCondition, partitionKey: partitionKey, sortKey: sortKey)
        options.ascending = request["ScanIndexForward"]?.boolValue ?? true
        let start = try request["ExclusiveStartKey"].map { try startKey($0, options) }

        let evaluated: [StoredItem]
        if let index = options.index {
            let members = try indexItems(options.table, index) { keyCondition.evaluate(on: $0.item) }
            evaluated = members.page(after: start, ascending: options.ascending, limit: options.limit) {
                self.position(of: $0, options)
            }
        } else if start != nil, options.table.sortKey == nil {
            evaluated = []  // the partition's one item came before
        } else {
            let sortRange: [(sql: String, value: [UInt8])] =
                switch sortCondition {
                case nil: []
                case .compare(let comparator, let value)?: [("sk \(comparator.rawValue) ?", Self.encode(value))]
                case .between(let low, let high)?: [("sk >= ?", Self.encode(low)), ("sk <= ?", Self.encode(high))]
                case .beginsWith(let prefix)?: [("substr(sk, 1, length(?)) = ?", Self.encode(prefix))]
                }
            evaluated = try loadPartition(
                options.table, partition: Self.encode(partitionValue), sortRange: sortRange, after: start?[3],
                ascending: options.ascending, limit: options.limit)
        }
        return output(evaluated, options)
    }

    func scan(_ request: Request) throws -> JSONValue {
        let context = try ExpressionContext(request: request)
        var options = try readOptions(request, context: context)
        options.ascending = true
        if let segment = try request.integer("Segment"), segment != 0 {
            // Every item is in segment 0; the other segments of a parallel scan are empty.
            return ["Items": [], "Count": 0, "ScannedCount": 0]
        }
        let start = try request["ExclusiveStartKey"].map { try startKey($0, options) }
        let evaluated: [StoredItem]
        if let index = options.index {
            let members = try indexItems(options.table, index) { _ in true }
            evaluated = members.page(after: start, ascending: true, limit: options.limit) {
                self.position(of: $0, options)
            }
        } else {
            evaluated = try loadTable(options.table, after: start.map { ($0[2], $0[3]) }, limit: options.limit)
        }
        return output(evaluated, options)
    }

    // MARK: Options

    private func readOptions(_ request: Request, context: ExpressionContext) throws -> ReadOptions {
        let table = try table(try request.requiredString("TableName"))
        var index: TableConfig.IndexConfig?
        if let indexName = try request.string("IndexName") {
            guard let found = table.index(named: indexName) else {
                throw DynamoDBError.validation(
                    "The table does not have the specified index: \(indexName)")
            }
            index = found
            if request.bool("ConsistentRead") {
                throw DynamoDBError.validation("Consistent reads are not supported on global secondary indexes")
            }
        }
        let filter = try request.string("FilterExpression").map {
            try ExpressionParser.condition($0, kind: "FilterExpression", context: context)
        }
        let projection = try request.string("ProjectionExpression").map {
            try ExpressionParser.projection($0, context: context)
        }
        try context.checkAllUsed()
        let select = try request.string("Select")
        switch select {
        case nil: break
        case "SPECIFIC_ATTRIBUTES" where projection != nil: break
        case "COUNT" where projection == nil: break
        case "ALL_ATTRIBUTES" where projection == nil:
            if let index, index.projection != .all {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index \(index.name) because its projection type is not ALL"
                )
            }
        case "ALL_PROJECTED_ATTRIBUTES" where projection == nil:
            if index == nil {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is supported only for index queries"
                )
            }
        case "SPECIFIC_ATTRIBUTES":
            throw DynamoDBError.validation(
                "One or more parameter values were invalid: Must specify the ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
            )
        case let other?:
            throw DynamoDBError.validation(
                "One or more parameter values were invalid: Cannot specify the ProjectionExpression when choosing to get \(other)"
            )
        }
        let limit = try request.integer("Limit")
        if let limit, limit < 1 {
            throw DynamoDBError.validation(
                "1 validation error detected: Value '\(limit)' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )
        }
        return ReadOptions(
            table: table, index: index, filter: filter, projection: projection, countOnly: select == "COUNT",
            limit: limit,
            ascending: true)
    }

    /// Splits a key condition into the partition key's value and an optional sort-key condition.
    private static func analyze(
        _ condition: ConditionExpression, partitionKey: TableConfig.KeyElement, sortKey: TableConfig.KeyElement?
    ) throws -> (AttributeValue, SortCondition?) {
        var parts: [ConditionExpression] = []
        func flatten(_ condition: ConditionExpression) {
            if case .and(let left, let right) = condition {
                flatten(left)
                flatten(right)
            } else {
                parts.append(condition)
            }
        }
        flatten(condition)
        let unsupported = DynamoDBError.validation("Query key condition not supported")
        guard parts.count <= 2 else { throw unsupported }
        var partition: AttributeValue?
        var sort: SortCondition?
        func keyName(_ path: AttributePath) throws -> String {
            guard path.elements.count == 1 else { throw unsupported }
            return path.attributeName
        }
        func check(_ value: AttributeValue, _ key: TableConfig.KeyElement) throws {
            guard value.typeName == key.type.rawValue else {
                throw DynamoDBError.validation(
                    "One or more parameter values were invalid: Condition parameter type does not match schema type")
            }
        }
        for part in parts {
            switch part {
            case .compare(let left, let written, let right) where written != .notEqual:
                let path: AttributePath
                let value: AttributeValue
                let comparator: Comparator
                switch (left, right) {
                case (.path(let attribute), .value(let operand)):
                    (path, value, comparator) = (attribute, operand, written)
                case (.value(let operand), .path(let attribute)):
                    (path, value, comparator) = (attribute, operand, written.flipped)
                default: throw unsupported
                }
                let name = try keyName(path)
                if name == partitionKey.name, comparator == .equal, partition == nil {
                    try check(value, partitionKey)
                    partition = value
                } else if let sortKey, name == sortKey.name, sort == nil {
                    try check(value, sortKey)
                    sort = .compare(comparator, value)
                } else {
                    throw unsupported
                }
            case .between(.path(let path), .value(let low), .value(let high)):
                guard let sortKey, try keyName(path) == sortKey.name, sort == nil else { throw unsupported }
                try check(low, sortKey)
                try check(high, sortKey)
                sort = .between(low, high)
            case .beginsWith(.path(let path), .value(let prefix)):
                guard let sortKey, try keyName(path) == sortKey.name, sort == nil, sortKey.type != .number else {
                    throw unsupported
                }
                try check(prefix, sortKey)
                sort = .beginsWith(prefix)
            default:
                throw unsupported
            }
        }
        guard let partition else {
            throw DynamoDBError.validation("Query condition missed key schema element: \(partitionKey.name)")
        }
        return (partition, sort)
    }

    // MARK: Index items and positions

    /// The items in the index (those having its key attributes) that pass `include`.
    private func indexItems(
        _ table: TableConfig, _ index: TableConfig.IndexConfig, include: (StoredItem) -> Bool
    ) throws -> [StoredItem] {
        try loadTable(table, after: nil, limit: nil).filter { stored in
            index.keyElements.allSatisfy { stored.item[$0.name] != nil } && include(stored)
        }
    }

    /// Where an item stands in the read's order: index partition and sort key (for an index),
    /// then the table's partition and sort key.
    private func position(of stored: StoredItem, _ options: ReadOptions) -> [[UInt8]] {
        guard let index = options.index else { return [[], [], stored.partition, stored.sort] }
        return [
            Self.encode(stored.item[index.partitionKey.name]!),
            index.sortKey.map { Self.encode(stored.item[$0.name]!) } ?? Self.noSortKey,
            stored.partition, stored.sort,
        ]
    }

    /// Reads an `ExclusiveStartKey` into a position (see `position(of:_:)`).
    private func startKey(_ json: JSONValue, _ options: ReadOptions) throws -> [[UInt8]] {
        let key = try AttributeValue.item(wire: json)
        let invalid = DynamoDBError.validation(
            "The provided starting key is invalid: The provided key element does not match the schema")
        guard key.count == options.positionKeys.count else { throw invalid }
        for element in options.positionKeys {
            guard let value = key[element.name], value.typeName == element.type.rawValue else { throw invalid }
        }
        let (partition, sort) = Self.encodedKey(of: key, in: options.table)
        return position(of: StoredItem(partition: partition, sort: sort, item: key), options)
    }

    // MARK: Output

    private func output(_ evaluated: [StoredItem], _ options: ReadOptions) -> JSONValue {
        var items: [JSONValue] = []
        var count = 0
        for stored in evaluated {
            var item = stored.item
            if let index = options.index {
                item = Self.indexProjection(item, table: options.table, index: index)
            }
            if let filter = options.filter, !filter.evaluate(on: item) { continue }
            count += 1
            if options.countOnly { continue }
            if let projection = options.projection { item = Projection.apply(projection, to: item) }
            items.append(AttributeValue.wire(item))
        }
        var result: [String: JSONValue] = [
            "Count": .integer(Int64(count)), "ScannedCount": .integer(Int64(evaluated.count)),
        ]
        if !options.countOnly { result["Items"] = .array(items) }
        if let limit = options.limit, evaluated.count == limit, let last = evaluated.last {
            let key = last.item.filter { name, _ in options.positionKeys.contains { $0.name == name } }
            result["LastEvaluatedKey"] = AttributeValue.wire(key)
        }
        return .object(result)
    }

    /// The attributes an index holds of an item.
    private static func indexProjection(
        _ item: AttributeValue.Item, table: TableConfig, index: TableConfig.IndexConfig
    ) -> AttributeValue.Item {
        let keys = Set((table.keyElements + index.keyElements).map(\.name))
        switch index.projection {
        case .all: return item
        case .keysOnly: return item.filter { keys.contains($0.key) }
        case .include(let names):
            let kept = keys.union(names)
            return item.filter { kept.contains($0.key) }
        }
    }
}

extension Comparator {
    /// The comparator with its operands swapped (`:v < a` is `a > :v`).
    fileprivate var flipped: Comparator {
        switch self {
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        default: self
        }
    }
}

extension Array where Element == StoredItem {
    /// Sorts by position, skips past `start`, and keeps at most `limit` items.
    fileprivate func page(
        after start: [[UInt8]]?, ascending: Bool, limit: Int?, position: (StoredItem) -> [[UInt8]]
    ) -> [StoredItem] {
        func precedes(_ a: [[UInt8]], _ b: [[UInt8]]) -> Bool {
            a.lexicographicallyPrecedes(b) { $0.lexicographicallyPrecedes($1) }
        }
        var ordered = map { (position($0), $0) }.sorted { precedes($0.0, $1.0) }
        if !ascending { ordered.reverse() }
        if let start {
            ordered = ordered.filter { ascending ? precedes(start, $0.0) : precedes($0.0, start) }
        }
        let items = ordered.map(\.1)
        return limit.map { Array(items.prefix($0)) } ?? items
    }
}
