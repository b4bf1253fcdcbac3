extension AttributePath {
    /// The value at the path, or nil when any step is missing or of the wrong type.
    func resolve(in item: AttributeValue.Item) -> AttributeValue? {
        var value: AttributeValue = .map(item)
        for element in elements {
            switch (element, value) {
            case (.name(let name), .map(let members)):
                guard let member = members[name] else { return nil }
                value = member
            case (.index(let index), .list(let list)):
                guard index < list.count else { return nil }
                value = list[index]
            default:
                return nil
            }
        }
        return value
    }
}

extension Operand {
    /// The operand's value for `item`; nil for a missing attribute or a `size` of a type without one.
    func evaluate(in item: AttributeValue.Item) -> AttributeValue? {
        switch self {
        case .path(let path): return path.resolve(in: item)
        case .value(let value): return value
        case .size(let path):
            let count: Int? =
                switch path.resolve(in: item) {
                case .string(let text): text.utf8.count
                case .binary(let bytes): bytes.count
                case .stringSet(let values): values.count
                case .numberSet(let values): values.count
                case .binarySet(let values): values.count
                case .map(let members): members.count
                case .list(let elements): elements.count
                default: nil
                }
            return count.map { .number(String($0)) }
        }
    }
}

extension ConditionExpression {
    /// Whether `item` (empty for an item that does not exist) satisfies the condition.
    ///
    /// As in DynamoDB, a comparison with a missing attribute or a value of another type is false,
    /// except `<>`, which is then true.
    func evaluate(on item: AttributeValue.Item) -> Bool {
        switch self {
        case .compare(let left, let comparator, let right):
            guard let a = left.evaluate(in: item), let b = right.evaluate(in: item) else {
                return comparator == .notEqual
            }
            switch comparator {
            case .equal: return a == b
            case .notEqual: return a != b
            default:
                guard let order = AttributeValue.compare(a, b) else { return false }
                switch comparator {
                case .less: return order < 0
                case .lessOrEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        case .between(let operand, let lower, let upper):
            guard let value = operand.evaluate(in: item), let low = lower.evaluate(in: item),
                let high = upper.evaluate(in: item),
                let above = AttributeValue.compare(value, low), let below = AttributeValue.compare(value, high)
            else { return false }
            return above >= 0 && below <= 0
        case .isIn(let operand, let candidates):
            guard let value = operand.evaluate(in: item) else { return false }
            return candidates.contains { $0.evaluate(in: item) == value }
        case .and(let left, let right): return left.evaluate(on: item) && right.evaluate(on: item)
        case .or(let left, let right): return left.evaluate(on: item) || right.evaluate(on: item)
        case .not(let condition): return !condition.evaluate(on: item)
        case .attributeExists(let path): return path.resolve(in: item) != nil
        case .attributeNotExists(let path): return path.resolve(in: item) == nil
        case .attributeType(let path, let type):
            guard let value = path.resolve(in: item), case .string(let name) = type.evaluate(in: item) else {
                return false
            }
            return value.typeName == name
        case .beginsWith(let operand, let prefix):
            switch (operand.evaluate(in: item), prefix.evaluate(in: item)) {
            case (.string(let text), .string(let start)): return text.utf8.starts(with: start.utf8)
            case (.binary(let bytes), .binary(let start)): return bytes.starts(with: start)
            default: return false
            }
        case .contains(let operand, let member):
            guard let container = operand.evaluate(in: item), let member = member.evaluate(in: item) else {
                return false
            }
            switch (container, member) {
            case (.string(let text), .string(let part)):
                return part.isEmpty || Self.bytes(Array(text.utf8), contain: Array(part.utf8))
            case (.binary(let bytes), .binary(let part)): return part.isEmpty || Self.bytes(bytes, contain: part)
            case (.stringSet(let values), .string(let value)):
                return values.contains { $0.utf8.elementsEqual(value.utf8) }
            case (.numberSet(let values), .number(let value)):
                return values.contains { DecimalNumber($0) == DecimalNumber(value) }
            case (.binarySet(let values), .binary(let value)): return values.contains(value)
            case (.list(let elements), _): return elements.contains(member)
            default: return false
            }
        }
    }

    private static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// Every path the condition reads (for checking that a key condition names only keys).
    var paths: [AttributePath] {
        func paths(of operand: Operand) -> [AttributePath] {
            switch operand {
            case .path(let path), .size(let path): [path]
            case .value: []
            }
        }
        switch self {
        case .compare(let a, _, let b), .beginsWith(let a, let b), .contains(let a, let b):
            return paths(of: a) + paths(of: b)
        case .between(let a, let b, let c): return paths(of: a) + paths(of: b) + paths(of: c)
        case .isIn(let a, let list): return paths(of: a) + list.flatMap(paths(of:))
        case .and(let a, let b), .or(let a, let b): return a.paths + b.paths
        case .not(let a): return a.paths
        case .attributeExists(let path), .attributeNotExists(let path): return [path]
        case .attributeType(let path, let type): return [path] + paths(of: type)
        }
    }
}
