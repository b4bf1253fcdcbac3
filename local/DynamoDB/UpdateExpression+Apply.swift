extension UpdateExpression {
    /// The item after the update. Every operand reads the item as it was before the update.
    /// - Throws: `DynamoDBError.validation` for an operand of the wrong type, a missing attribute
    ///   read by `SET`, a path whose parent is missing, or a number DynamoDB could not store.
    func apply(to item: AttributeValue.Item) throws -> AttributeValue.Item {
        let assignments = try sets.map { ($0.path, try Self.evaluate($0.value, in: item)) }
        var document: AttributeValue = .map(item)
        for (path, value) in assignments {
            try Self.write(value, at: path.elements[...], in: &document)
        }
        // Later list indexes first, so that each index means the element the item had.
        for path in removes.sorted(by: { Self.removalOrder($0.elements, $1.elements) }) {
            try Self.remove(at: path.elements[...], in: &document)
        }
        for (path, operand) in adds {
            let result: AttributeValue
            switch (path.resolve(in: item), operand) {
            case (nil, .number), (nil, .stringSet), (nil, .numberSet), (nil, .binarySet):
                result = operand
            case (.number(let current)?, .number(let increment)):
                result = try Self.number(DecimalNumber(current)! + DecimalNumber(increment)!)
            case (.stringSet(let current)?, .stringSet(let more)):
                result = .stringSet(
                    current + more.filter { value in !current.contains { $0.utf8.elementsEqual(value.utf8) } })
            case (.numberSet(let current)?, .numberSet(let more)):
                let present = Set(current.compactMap(DecimalNumber.init))
                result = .numberSet(current + more.filter { !present.contains(DecimalNumber($0)!) })
            case (.binarySet(let current)?, .binarySet(let more)):
                result = .binarySet(current + more.filter { !current.contains($0) })
            case (nil, _):
                throw DynamoDBError.validation(
                    "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: \(Self.longTypeName(operand))"
                )
            default:
                throw Self.incorrectType
            }
            try Self.write(result, at: path.elements[...], in: &document)
        }
        for (path, operand) in deletes {
            let remaining: AttributeValue?
            switch (path.resolve(in: item), operand) {
            case (nil, .stringSet), (nil, .numberSet), (nil, .binarySet):
                continue
            case (.stringSet(let current)?, .stringSet(let gone)):
                let left = current.filter { value in !gone.contains { $0.utf8.elementsEqual(value.utf8) } }
                remaining = left.isEmpty ? nil : .stringSet(left)
            case (.numberSet(let current)?, .numberSet(let gone)):
                let goneNumbers = Set(gone.compactMap(DecimalNumber.init))
                let left = current.filter { !goneNumbers.contains(DecimalNumber($0)!) }
                remaining = left.isEmpty ? nil : .numberSet(left)
            case (.binarySet(let current)?, .binarySet(let gone)):
                let left = current.filter { !gone.contains($0) }
                remaining = left.isEmpty ? nil : .binarySet(left)
            case (nil, _):
                throw DynamoDBError.validation(
                    "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: \(Self.longTypeName(operand))"
                )
            default:
                throw Self.incorrectType
            }
            if let remaining {
                try Self.write(remaining, at: path.elements[...], in: &document)
            } else {
                try Self.remove(at: path.elements[...], in: &document)
            }
        }
        guard case .map(let result) = document else { preconditionFailure("an item is a map") }
        return result
    }

    private static let incorrectType = DynamoDBError.validation(
        "An operand in the update expression has an incorrect data type")
    private static let invalidPath = DynamoDBError.validation(
        "The document path provided in the update expression is invalid for update")

    private static func evaluate(_ value: Value, in item: AttributeValue.Item) throws -> AttributeValue {
        switch value {
        case .value(let value): return value
        case .path(let path):
            guard let value = path.resolve(in: item) else {
                throw DynamoDBError.validation(
                    "The provided expression refers to an attribute that does not exist in the item")
            }
            return value
        case .ifNotExists(let path, let fallback):
            if let value = path.resolve(in: item) { return value }
            return try evaluate(fallback, in: item)
        case .listAppend(let first, let second):
            guard case .list(let head) = try evaluate(first, in: item),
                case .list(let tail) = try evaluate(second, in: item)
            else { throw incorrectType }
            return .list(head + tail)
        case .plus(let left, let right), .minus(let left, let right):
            guard case .number(let a) = try evaluate(left, in: item),
                case .number(let b) = try evaluate(right, in: item),
                let x = DecimalNumber(a), let y = DecimalNumber(b)
            else { throw incorrectType }
            if case .plus = value { return try number(x + y) }
            return try number(x - y)
        }
    }

    private static func number(_ value: DecimalNumber) throws -> AttributeValue {
        if let problem = value.storageProblem { throw DynamoDBError.validation(problem) }
        return .number(value.description)
    }

    private static func longTypeName(_ value: AttributeValue) -> String {
        switch value {
        case .string: "STRING"
        case .binary: "BINARY"
        case .bool: "BOOLEAN"
        case .null: "NULL"
        case .map: "MAP"
        case .list: "LIST"
        default: value.typeName
        }
    }

    /// Sets the value at `path`; its parent must exist (a list index past the end appends).
    private static func write(
        _ value: AttributeValue, at path: ArraySlice<PathElement>, in container: inout AttributeValue
    ) throws {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        switch (first, container) {
        case (.name(let name), .map(var members)):
            if rest.isEmpty {
                members[name] = value
            } else {
                guard var child = members[name] else { throw invalidPath }
                try write(value, at: rest, in: &child)
                members[name] = child
            }
            container = .map(members)
        case (.index(let index), .list(var elements)):
            if rest.isEmpty {
                if index < elements.count { elements[index] = value } else { elements.append(value) }
            } else {
                guard index < elements.count else { throw invalidPath }
                try write(value, at: rest, in: &elements[index])
            }
            container = .list(elements)
        default:
            throw invalidPath
        }
    }

    /// Removes the value at `path`; a missing one is no error.
    private static func remove(at path: ArraySlice<PathElement>, in container: inout AttributeValue) throws {
        guard let first = path.first else { return }
        let rest = path.dropFirst()
        switch (first, container) {
        case (.name(let name), .map(var members)):
            guard members[name] != nil else { return }
            if rest.isEmpty { members[name] = nil } else { try remove(at: rest, in: &members[name]!) }
            container = .map(members)
        case (.index(let index), .list(var elements)):
            guard index < elements.count else { return }
            if rest.isEmpty { elements.remove(at: index) } else { try remove(at: rest, in: &elements[index]) }
            container = .list(elements)
        default:
            throw invalidPath
        }
    }

    /// Orders paths so that, among siblings in one list, the higher index comes first.
    private static func removalOrder(_ lhs: [PathElement], _ rhs: [PathElement]) -> Bool {
        for (a, b) in zip(lhs, rhs) where a != b {
            switch (a, b) {
            case (.index(let x), .index(let y)): return x > y
            case (.name(let x), .name(let y)): return x < y
            case (.name, .index): return true
            case (.index, .name): return false
            }
        }
        return lhs.count > rhs.count
    }
}
