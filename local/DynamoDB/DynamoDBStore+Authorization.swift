import LocalIAM
import LocalStore
import Runtime

extension DynamoDBStore {
    /// What IAM is asked about a DynamoDB request (the Developer Guide's "Using IAM policy
    /// conditions for fine-grained access control"):
    ///
    /// - `dynamodb:<Operation>` on the table's ARN, or the index's (`…/table/T/index/I`) for a
    ///   Query or Scan of an index; BatchGetItem and BatchWriteItem as themselves on each table they
    ///   name; TransactWriteItems as each write's own action (PutItem, UpdateItem, DeleteItem,
    ///   ConditionCheckItem) on its table, TransactGetItems as GetItem.
    /// - `dynamodb:LeadingKeys`: the partition key values the request reaches (Key, Item, the key
    ///   condition's equality); none for a Scan.
    /// - `dynamodb:Attributes`: a write's key attributes with the attributes of its item, update
    ///   and condition expressions; a read's, only when it names what it reads (a projection,
    ///   AttributesToGet or a filter), its keys (the index's and the table's for an index) with
    ///   those names. A read without a projection carries no `dynamodb:Attributes`.
    /// - `dynamodb:Select` on reads (SPECIFIC_ATTRIBUTES with a projection, else ALL_ATTRIBUTES, or
    ///   ALL_PROJECTED_ATTRIBUTES for an index), `dynamodb:ReturnValues` on single writes (NONE by
    ///   default), `dynamodb:EnclosingOperation` on the parts of a transaction instead.
    ///
    /// These are the request contexts scripts/check-template.py evaluates the template against.
    public func authorizationRequests(for request: ServiceRequest) -> [AuthorizationRequest] {
        let operation = String((request.header("x-amz-target") ?? "").dropFirst("DynamoDB_20120810.".count))
        let json = (try? request.bodyBytes()).flatMap { try? JSON.decode(JSONValue.self, from: $0) } ?? .object([:])
        switch operation {
        case "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan":
            return [access(operation, json, enclosing: nil)]
        case "BatchGetItem", "BatchWriteItem":
            return (json["RequestItems"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { table, body in
                batchAccess(operation, table: table, body: body)
            }
        case "TransactWriteItems", "TransactGetItems":
            let parts: [(member: String, action: String)] = [
                ("Put", "PutItem"), ("Update", "UpdateItem"), ("Delete", "DeleteItem"),
                ("ConditionCheck", "ConditionCheckItem"), ("Get", "GetItem"),
            ]
            return (json["TransactItems"]?.arrayValue ?? []).compactMap { item in
                parts.first { item[$0.member] != nil }.map { part in
                    access(part.action, item[part.member]!, enclosing: operation)
                }
            }
        case "ListTables":
            return [AuthorizationRequest(action: "dynamodb:ListTables", resource: "*")]
        default:
            let table = json["TableName"]?.stringValue ?? "*"
            return [AuthorizationRequest(action: "dynamodb:\(operation)", resource: tableARN(table))]
        }
    }

    private func tableARN(_ table: String, index: String? = nil) -> String {
        "arn:aws:dynamodb:\(region):\(accountID):table/\(table)" + (index.map { "/index/\($0)" } ?? "")
    }

    /// One item operation (alone, or a part of a transaction when `enclosing` names it).
    private func access(_ action: String, _ body: JSONValue, enclosing: String?) -> AuthorizationRequest {
        let tableName = body["TableName"]?.stringValue ?? ""
        let config = storedTable(tableName)?.config
        let indexName = body["IndexName"]?.stringValue
        let index = indexName.flatMap { name in config?.indexes.first { $0.name == name } }
        let request = Request(json: body)
        let expressions = try? ExpressionContext(request: request)
        var context = RequestContext()
        var keys = config.map { [$0.partitionKey.name] + ($0.sortKey.map { [$0.name] } ?? []) } ?? []
        if let index { keys += [index.partitionKey.name] + (index.sortKey.map { [$0.name] } ?? []) }
        var names: Set<String> = []
        func add(_ member: String, _ parse: (String, ExpressionContext) throws -> [AttributePath]) {
            guard let text = body[member]?.stringValue, let expressions else { return }
            if let paths = try? parse(text, expressions) { names.formUnion(paths.map(\.attributeName)) }
        }
        let condition = { (text: String, context: ExpressionContext) in
            try ExpressionParser.condition(text, kind: "ConditionExpression", context: context).paths
        }
        add("ConditionExpression", condition)
        for member in ["Expected", "AttributeUpdates", "AttributesToGet", "QueryFilter", "ScanFilter"] {
            names.formUnion(body[member]?.objectValue?.keys.map { $0 } ?? [])
            names.formUnion(body[member]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        let partitionKey = (index?.partitionKey ?? config?.partitionKey)?.name
        switch action {
        case "GetItem", "Query", "Scan":
            add("ProjectionExpression") { try ExpressionParser.projection($0, context: $1) }
            add("FilterExpression", condition)
            if action == "Query", let text = body["KeyConditionExpression"]?.stringValue, let expressions,
                let keyCondition = try? ExpressionParser.condition(
                    text, kind: "KeyConditionExpression", context: expressions)
            {
                if let partitionKey, let value = keyCondition.equality(on: partitionKey) {
                    context["dynamodb:LeadingKeys"] = .multiple([value])
                }
                names.formUnion(keyCondition.paths.map(\.attributeName))
            }
            if action == "GetItem", let partitionKey, let value = Self.keyValue(body["Key"]?[partitionKey]) {
                context["dynamodb:LeadingKeys"] = .multiple([value])
            }
            let projected = body["ProjectionExpression"] != nil || body["AttributesToGet"] != nil
            let filtered = ["FilterExpression", "QueryFilter", "ScanFilter"].contains { body[$0] != nil }
            if projected || filtered { context["dynamodb:Attributes"] = .multiple(Set(keys).union(names).sorted()) }
            let select =
                body["Select"]?.stringValue
                ?? (projected ? "SPECIFIC_ATTRIBUTES" : index != nil ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES")
            context["dynamodb:Select"] = .single(select)
        default:
            let holder = action == "PutItem" ? body["Item"] : body["Key"]
            if action == "PutItem" { names.formUnion(body["Item"]?.objectValue?.keys.map { $0 } ?? []) }
            if action == "UpdateItem" {
                add("UpdateExpression") { try ExpressionParser.update($0, context: $1).paths }
            }
            if let partitionKey, let value = Self.keyValue(holder?[partitionKey]) {
                context["dynamodb:LeadingKeys"] = .multiple([value])
            }
            context["dynamodb:Attributes"] = .multiple(Set(keys).union(names).sorted())
        }
        if let enclosing {
            context["dynamodb:EnclosingOperation"] = .single(enclosing)
        } else if ["PutItem", "UpdateItem", "DeleteItem"].contains(action) {
            context["dynamodb:ReturnValues"] = .single(body["ReturnValues"]?.stringValue ?? "NONE")
        }
        return AuthorizationRequest(
            action: "dynamodb:\(action)", resource: tableARN(tableName, index: indexName), context: context)
    }

    /// BatchGetItem or BatchWriteItem's part for one table: the keys of every item it reaches.
    private func batchAccess(_ action: String, table: String, body: JSONValue) -> AuthorizationRequest {
        let config = storedTable(table)?.config
        let keyNames = config.map { [$0.partitionKey.name] + ($0.sortKey.map { [$0.name] } ?? []) } ?? []
        var leading: [String] = []
        var names = Set(keyNames)
        var context = RequestContext()
        func reach(_ item: JSONValue?) {
            guard let item, let config else { return }
            if let value = Self.keyValue(item[config.partitionKey.name]) { leading.append(value) }
        }
        if action == "BatchGetItem" {
            for key in body["Keys"]?.arrayValue ?? [] { reach(key) }
            let projection = body["ProjectionExpression"]?.stringValue
            if let projection, let expressions = try? ExpressionContext(request: Request(json: body)),
                let paths = try? ExpressionParser.projection(projection, context: expressions)
            {
                names.formUnion(paths.map(\.attributeName))
            }
            names.formUnion(body["AttributesToGet"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let specific = projection != nil || body["AttributesToGet"] != nil
            if specific { context["dynamodb:Attributes"] = .multiple(names.sorted()) }
            context["dynamodb:Select"] = .single(specific ? "SPECIFIC_ATTRIBUTES" : "ALL_ATTRIBUTES")
        } else {
            for entry in body.arrayValue ?? [] {
                if let item = entry["PutRequest"]?["Item"] {
                    reach(item)
                    names.formUnion(item.objectValue?.keys.map { $0 } ?? [])
                }
                reach(entry["DeleteRequest"]?["Key"])
            }
            context["dynamodb:Attributes"] = .multiple(names.sorted())
        }
        context["dynamodb:LeadingKeys"] = .multiple(leading)
        return AuthorizationRequest(action: "dynamodb:\(action)", resource: tableARN(table), context: context)
    }

    /// A key attribute's value as IAM compares it: the text of a string or number, a binary's base64.
    private static func keyValue(_ wire: JSONValue?) -> String? {
        wire?["S"]?.stringValue ?? wire?["N"]?.stringValue ?? wire?["B"]?.stringValue
    }
}

extension ConditionExpression {
    /// The value a key condition requires `attribute` to equal (`#pk = :pk`), as IAM reads it.
    func equality(on attribute: String) -> String? {
        switch self {
        case .compare(.path(let path), .equal, .value(let value)), .compare(.value(let value), .equal, .path(let path)):
            guard path.elements == [.name(attribute)] else { return nil }
            switch value {
            case .string(let text), .number(let text): return text
            case .binary(let bytes): return Base64.encode(bytes)
            default: return nil
            }
        case .and(let left, let right): return left.equality(on: attribute) ?? right.equality(on: attribute)
        default: return nil
        }
    }
}

extension UpdateExpression {
    /// Every path the update writes or reads.
    var paths: [AttributePath] {
        targetPaths + sets.flatMap(\.value.paths)
    }
}

extension UpdateExpression.Value {
    var paths: [AttributePath] {
        switch self {
        case .path(let path): [path]
        case .value: []
        case .ifNotExists(let path, let value): [path] + value.paths
        case .listAppend(let left, let right), .plus(let left, let right), .minus(let left, let right):
            left.paths + right.paths
        }
    }
}
