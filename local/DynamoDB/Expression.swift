/// One step of a document path: a map member or a list element.
enum PathElement: Hashable, Sendable {
    case name(String)
    case index(Int)
}

/// A document path with its placeholders resolved (`#n.b[0]` → `name`, `b`, `[0]`).
struct AttributePath: Hashable, Sendable, CustomStringConvertible {
    var elements: [PathElement]

    init(_ elements: [PathElement]) { self.elements = elements }

    init(name: String) { self.elements = [.name(name)] }

    /// The top-level attribute the path starts at.
    var attributeName: String {
        guard case .name(let name) = elements.first else { preconditionFailure("a path starts with a name") }
        return name
    }

    /// AWS's way of printing a path in messages: `[a, b, [0]]`.
    var description: String {
        "["
            + elements.map { element in
                switch element {
                case .name(let name): name
                case .index(let index): "[\(index)]"
                }
            }.joined(separator: ", ") + "]"
    }

    /// Whether one path is the other or lies inside it.
    func overlaps(_ other: AttributePath) -> Bool {
        let length = min(elements.count, other.elements.count)
        return elements.prefix(length) == other.elements.prefix(length)
    }
}

/// Something a condition compares: an attribute, a placeholder's value, or `size(path)`.
enum Operand: Sendable {
    case path(AttributePath)
    case value(AttributeValue)
    case size(AttributePath)
}

enum Comparator: String, Sendable {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A condition, filter or key-condition expression.
indirect enum ConditionExpression: Sendable {
    case compare(Operand, Comparator, Operand)
    case between(Operand, lower: Operand, upper: Operand)
    case isIn(Operand, [Operand])
    case and(ConditionExpression, ConditionExpression)
    case or(ConditionExpression, ConditionExpression)
    case not(ConditionExpression)
    case attributeExists(AttributePath)
    case attributeNotExists(AttributePath)
    case attributeType(AttributePath, Operand)
    case beginsWith(Operand, Operand)
    case contains(Operand, Operand)
}

/// An update expression: its `SET`, `REMOVE`, `ADD` and `DELETE` actions.
struct UpdateExpression: Sendable {
    /// The value side of a `SET` action's operand.
    indirect enum Value: Sendable {
        case path(AttributePath)
        case value(AttributeValue)
        case ifNotExists(AttributePath, Value)
        case listAppend(Value, Value)
        case plus(Value, Value)
        case minus(Value, Value)
    }

    var sets: [(path: AttributePath, value: Value)] = []
    var removes: [AttributePath] = []
    var adds: [(path: AttributePath, value: AttributeValue)] = []
    var deletes: [(path: AttributePath, value: AttributeValue)] = []

    /// Every path the expression writes, in the order written.
    var targetPaths: [AttributePath] { sets.map(\.path) + removes + adds.map(\.path) + deletes.map(\.path) }
}
