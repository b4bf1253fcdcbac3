/// The `ExpressionAttributeNames` and `ExpressionAttributeValues` of one request, shared by all
/// its expressions so that placeholders nobody used can be reported, as AWS does.
final class ExpressionContext {
    private let names: [String: String]
    private let values: [String: AttributeValue]
    private var usedNames: Set<String> = []
    private var usedValues: Set<String> = []

    init(names: [String: String] = [:], values: [String: AttributeValue] = [:]) {
        self.names = names
        self.values = values
    }

    /// Reads the request's `ExpressionAttributeNames` and `ExpressionAttributeValues` members.
    /// - Throws: `DynamoDBError.validation` for empty maps or values DynamoDB could not store.
    convenience init(request: Request) throws {
        var names: [String: String] = [:]
        if let object = request.json["ExpressionAttributeNames"]?.objectValue {
            if object.isEmpty { throw DynamoDBError.validation("ExpressionAttributeNames must not be empty") }
            for (key, value) in object {
                guard let name = value.stringValue else {
                    throw DynamoDBError.serialization("Expected a string for \(key)")
                }
                names[key] = name
            }
        }
        var values: [String: AttributeValue] = [:]
        if let object = request.json["ExpressionAttributeValues"]?.objectValue {
            if object.isEmpty { throw DynamoDBError.validation("ExpressionAttributeValues must not be empty") }
            for (key, json) in object {
                let value = try AttributeValue(wire: json)
                if let problem = value.storageProblem {
                    throw DynamoDBError.validation(
                        "ExpressionAttributeValues contains invalid value: \(problem) for key \(key)")
                }
                values[key] = value
            }
        }
        self.init(names: names, values: values)
    }

    func name(_ placeholder: String, expressionKind: String) throws -> String {
        guard let name = names[placeholder] else {
            throw DynamoDBError.validation(
                "Invalid \(expressionKind): An expression attribute name used in the document path is not defined; attribute name: \(placeholder)"
            )
        }
        usedNames.insert(placeholder)
        return name
    }

    func value(_ placeholder: String, expressionKind: String) throws -> AttributeValue {
        guard let value = values[placeholder] else {
            throw DynamoDBError.validation(
                "Invalid \(expressionKind): An expression attribute value used in expression is not defined; attribute value: \(placeholder)"
            )
        }
        usedValues.insert(placeholder)
        return value
    }

    /// - Throws: `DynamoDBError.validation` naming the placeholders no expression of the request used.
    func checkAllUsed() throws {
        let unusedNames = Set(names.keys).subtracting(usedNames).sorted()
        if !unusedNames.isEmpty {
            throw DynamoDBError.validation(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {\(unusedNames.joined(separator: ", "))}"
            )
        }
        let unusedValues = Set(values.keys).subtracting(usedValues).sorted()
        if !unusedValues.isEmpty {
            throw DynamoDBError.validation(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {\(unusedValues.joined(separator: ", "))}"
            )
        }
    }
}
