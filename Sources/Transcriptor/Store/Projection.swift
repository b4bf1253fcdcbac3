/// A DynamoDB `ProjectionExpression` that names attributes by placeholders (`status`, `language`
/// and others are reserved words), so a read returns those attributes only.
struct Projection {
    var expression: String
    var names: [String: String]

    init(_ attributes: [String]) {
        precondition(!attributes.isEmpty, "a projection names at least one attribute")
        names = [:]
        for (index, name) in attributes.enumerated() { names["#p\(index)"] = name }
        expression = attributes.indices.map { "#p\($0)" }.joined(separator: ", ")
    }
}
