import Foundation

/// A JSON-protocol request body with typed, validating accessors: a missing required member is
/// `MissingParameter`, a member of the wrong type `InvalidParameterValue`.
struct JSONInput {
    let object: [String: Any]

    init(object: [String: Any]) { self.object = object }

    init(bytes: [UInt8]) throws {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            object = [:]
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw SQSError.invalidParameterValue("The request body is not a JSON object; send AWS JSON 1.0.")
        }
        self.object = object
    }

    func contains(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    func string(_ key: String) throws -> String? {
        guard contains(key) else { return nil }
        guard let value = object[key] as? String else { throw invalid(key, "a string") }
        return value
    }

    func requiredString(_ key: String) throws -> String {
        guard let value = try string(key) else { throw SQSError.missingParameter(key) }
        return value
    }

    func integer(_ key: String) throws -> Int? {
        guard contains(key) else { return nil }
        if let text = object[key] as? String, let value = Int(text) { return value }
        guard let number = object[key] as? NSNumber,
            number.doubleValue == number.doubleValue.rounded(), abs(number.doubleValue) < 1e15
        else { throw invalid(key, "an integer") }
        return number.intValue
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try integer(key) else { return nil }
        guard range.contains(value) else {
            throw SQSError.invalidParameterValue(
                "Value \(value) for parameter \(key) is invalid. Reason: Must be between \(range.lowerBound) and \(range.upperBound)."
            )
        }
        return value
    }

    func strings(_ key: String) throws -> [String] {
        guard contains(key) else { return [] }
        guard let value = object[key] as? [Any], let strings = value as? [String] else {
            throw invalid(key, "a list of strings")
        }
        return strings
    }

    func stringMap(_ key: String) throws -> [String: String] {
        guard contains(key) else { return [:] }
        guard let value = object[key] as? [String: Any], let map = value as? [String: String] else {
            throw invalid(key, "a map of strings")
        }
        return map
    }

    func objects(_ key: String) throws -> [JSONInput] {
        guard contains(key) else { return [] }
        guard let value = object[key] as? [Any], let objects = value as? [[String: Any]] else {
            throw invalid(key, "a list of objects")
        }
        return objects.map(JSONInput.init(object:))
    }

    func messageAttributes(_ key: String) throws -> [String: SQSStore.MessageAttribute] {
        guard contains(key) else { return [:] }
        guard let value = object[key] as? [String: Any] else { throw invalid(key, "a map of attribute values") }
        var out: [String: SQSStore.MessageAttribute] = [:]
        for (name, item) in value {
            guard let fields = item as? [String: Any] else { throw invalid("\(key).\(name)", "an attribute value") }
            let input = JSONInput(object: fields)
            out[name] = SQSStore.MessageAttribute(
                dataType: try input.requiredString("DataType"), stringValue: try input.string("StringValue"),
                binaryValue: try input.string("BinaryValue"))
        }
        return out
    }

    private func invalid(_ key: String, _ expected: String) -> SQSError {
        SQSError.invalidParameterValue("The parameter \(key) must be \(expected).")
    }
}
