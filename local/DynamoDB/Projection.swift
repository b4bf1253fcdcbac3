/// What a `ProjectionExpression` keeps of an item.
enum Projection {
    /// The parts of `item` the paths name, nested as in the item. Selected list elements keep
    /// their order and close up, as DynamoDB returns them (`a[3]` alone gives a one-element list).
    static func apply(_ paths: [AttributePath], to item: AttributeValue.Item) -> AttributeValue.Item {
        var root = Node.map([:])
        for path in paths {
            guard let value = path.resolve(in: item) else { continue }
            root.insert(value, at: path.elements[...])
        }
        guard case .map(let result) = root.value else { return [:] }
        return result
    }

    /// A partly built result: maps and lists keyed by the name or index they had.
    private indirect enum Node {
        case leaf(AttributeValue)
        case map([String: Node])
        case list([Int: Node])

        mutating func insert(_ value: AttributeValue, at path: ArraySlice<PathElement>) {
            guard let first = path.first else {
                self = .leaf(value)
                return
            }
            switch (first, self) {
            case (.name(let name), .map(var members)):
                var child = members[name] ?? Node.empty(for: path.dropFirst())
                child.insert(value, at: path.dropFirst())
                members[name] = child
                self = .map(members)
            case (.index(let index), .list(var elements)):
                var child = elements[index] ?? Node.empty(for: path.dropFirst())
                child.insert(value, at: path.dropFirst())
                elements[index] = child
                self = .list(elements)
            default:
                break
            }
        }

        static func empty(for path: ArraySlice<PathElement>) -> Node {
            switch path.first {
            case .index?: .list([:])
            default: .map([:])
            }
        }

        var value: AttributeValue {
            switch self {
            case .leaf(let value): value
            case .map(let members): .map(members.mapValues(\.value))
            case .list(let elements): .list(elements.sorted { $0.key < $1.key }.map(\.value.value))
            }
        }
    }
}
