/// DynamoDB's expression languages, parsed on their own (without a table or a request): what the
/// fuzz targets and their regression tests drive. Every `#name` and `:value` placeholder of the
/// text is taken as defined (names to themselves, values to a string), so the parse is exercised
/// rather than the placeholder check.
public enum ExpressionSyntax {
    public enum Kind: String, CaseIterable, Sendable {
        case condition = "ConditionExpression"
        case keyCondition = "KeyConditionExpression"
        case update = "UpdateExpression"
        case projection = "ProjectionExpression"
    }

    /// Parses `text` as `kind`.
    /// - Throws: the validation error DynamoDB would answer with.
    public static func parse(_ text: String, as kind: Kind) throws {
        var names: [String: String] = [:]
        var values: [String: AttributeValue] = [:]
        for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "#" || $0 == ":") })
        {
            if word.hasPrefix("#") { names[String(word)] = String(word.dropFirst()) }
            if word.hasPrefix(":") { values[String(word)] = .string("v") }
        }
        let context = ExpressionContext(names: names, values: values)
        switch kind {
        case .condition, .keyCondition: _ = try ExpressionParser.condition(text, kind: kind.rawValue, context: context)
        case .update: _ = try ExpressionParser.update(text, context: context)
        case .projection: _ = try ExpressionParser.projection(text, context: context)
        }
    }
}
