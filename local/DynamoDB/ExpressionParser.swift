import Runtime

/// A recursive-descent parser for DynamoDB's expression languages.
///
/// Conditions bind, from loosest to tightest: `OR`, `AND`, `NOT`, then comparisons, `BETWEEN`,
/// `IN` and functions; parentheses group. Placeholders are resolved through the request's
/// `ExpressionContext` as they are read, so an undefined `#name` or `:value` fails the parse.
struct ExpressionParser {
    private let text: String
    private let kind: String
    private let context: ExpressionContext
    private let tokens: [ExpressionTokenizer.Token]
    private var position = 0

    private static let conditionFunctions: Set<String> = [
        "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains",
    ]
    private static let updateFunctions: Set<String> = ["if_not_exists", "list_append"]
    private static let keywords: Set<String> = ["AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"]

    /// - Parameter kind: the request member the text came from (`ConditionExpression`), for messages.
    init(_ text: String, kind: String, context: ExpressionContext) throws {
        self.text = text
        self.kind = kind
        self.context = context
        if text.allSatisfy(\.isWhitespace) {
            throw DynamoDBError.validation("Invalid \(kind): The expression can not be empty;")
        }
        // DynamoDB's own limit on an expression's length; and a bound on nesting, so a parse can
        // never exhaust the stack (10,000 "(" did, found by fuzzing).
        guard text.utf8.count <= Self.maxLength else {
            throw DynamoDBError.validation(
                "Invalid \(kind): Expression size has exceeded the maximum allowed size; limit: \(Self.maxLength)")
        }
        self.tokens = try ExpressionTokenizer.tokens(of: text, expressionKind: kind)
        var depth = 0
        for token in tokens {
            if case .symbol(let symbol) = token.kind {
                if symbol == "(" || symbol == "[" { depth += 1 } else if symbol == ")" || symbol == "]" { depth -= 1 }
                guard depth <= Self.maxNesting else {
                    throw DynamoDBError.validation(
                        "Invalid \(kind): The expression nests parentheses more than \(Self.maxNesting) deep")
                }
            }
        }
    }

    static let maxLength = 4096
    static let maxNesting = 64

    // MARK: Entry points

    static func condition(_ text: String, kind: String, context: ExpressionContext) throws -> ConditionExpression {
        var parser = try ExpressionParser(text, kind: kind, context: context)
        let condition = try parser.parseOr()
        try parser.expectEnd()
        return condition
    }

    static func update(_ text: String, context: ExpressionContext) throws -> UpdateExpression {
        var parser = try ExpressionParser(text, kind: "UpdateExpression", context: context)
        let update = try parser.parseUpdate()
        try parser.expectEnd()
        return update
    }

    static func projection(_ text: String, context: ExpressionContext) throws -> [AttributePath] {
        var parser = try ExpressionParser(text, kind: "ProjectionExpression", context: context)
        var paths = [try parser.parsePath()]
        while parser.accept(symbol: ",") { paths.append(try parser.parsePath()) }
        try parser.expectEnd()
        try parser.checkNoOverlap(paths)
        return paths
    }

    // MARK: Conditions

    private mutating func parseOr() throws -> ConditionExpression {
        var condition = try parseAnd()
        while accept(keyword: "OR") { condition = .or(condition, try parseAnd()) }
        return condition
    }

    private mutating func parseAnd() throws -> ConditionExpression {
        var condition = try parseNot()
        while accept(keyword: "AND") { condition = .and(condition, try parseNot()) }
        return condition
    }

    private mutating func parseNot() throws -> ConditionExpression {
        if accept(keyword: "NOT") { return .not(try parseNot()) }
        return try parsePredicate()
    }

    private mutating func parsePredicate() throws -> ConditionExpression {
        if accept(symbol: "(") {
            let condition = try parseOr()
            try expect(symbol: ")")
            return condition
        }
        if case .word(let name) = current.kind, next.kind == .symbol("("), name != "size" {
            guard Self.conditionFunctions.contains(name) else {
                if Self.updateFunctions.contains(name) {
                    throw DynamoDBError.validation(
                        "Invalid \(kind): The function is not allowed to be used this way in an expression; function: \(name)"
                    )
                }
                throw DynamoDBError.validation("Invalid \(kind): Invalid function name; function: \(name)")
            }
            return try parseConditionFunction(name)
        }
        let left = try parseOperand()
        if case .symbol(let symbol) = current.kind, let comparator = Comparator(rawValue: symbol) {
            advance()
            return .compare(left, comparator, try parseOperand())
        }
        if accept(keyword: "BETWEEN") {
            let lower = try parseOperand()
            guard accept(keyword: "AND") else { throw syntaxError() }
            let upper = try parseOperand()
            if case .value(let low) = lower, case .value(let high) = upper {
                guard let order = AttributeValue.compare(low, high) else {
                    throw DynamoDBError.validation(
                        "Invalid \(kind): The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {\(low.typeName)}, upper bound operand: AttributeValue: {\(high.typeName)}"
                    )
                }
                if order > 0 {
                    throw DynamoDBError.validation(
                        "Invalid \(kind): The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {\(low.typeName):\(Self.show(low))}, upper bound operand: AttributeValue: {\(high.typeName):\(Self.show(high))}"
                    )
                }
            }
            return .between(left, lower: lower, upper: upper)
        }
        if accept(keyword: "IN") {
            try expect(symbol: "(")
            var candidates = [try parseOperand()]
            while accept(symbol: ",") { candidates.append(try parseOperand()) }
            try expect(symbol: ")")
            if candidates.count > 100 {
                throw DynamoDBError.validation(
                    "Invalid \(kind): The IN operator is provided with too many operands; number of operands: \(candidates.count)"
                )
            }
            return .isIn(left, candidates)
        }
        throw syntaxError()
    }

    private mutating func parseConditionFunction(_ name: String) throws -> ConditionExpression {
        advance()  // the name
        advance()  // "("
        var arguments = [try parseOperand()]
        while accept(symbol: ",") { arguments.append(try parseOperand()) }
        try expect(symbol: ")")
        let expected = name == "attribute_exists" || name == "attribute_not_exists" ? 1 : 2
        guard arguments.count == expected else {
            throw DynamoDBError.validation(
                "Invalid \(kind): Incorrect number of operands for operator or function; operator or function: \(name), number of operands: \(arguments.count)"
            )
        }
        func requirePath(_ operand: Operand) throws -> AttributePath {
            guard case .path(let path) = operand else {
                throw DynamoDBError.validation(
                    "Invalid \(kind): Operator or function requires a document path; operator or function: \(name)")
            }
            return path
        }
        func requireType(_ operand: Operand, _ allowed: Set<String>) throws {
            if case .value(let value) = operand, !allowed.contains(value.typeName) {
                throw DynamoDBError.validation(
                    "Invalid \(kind): Incorrect operand type for operator or function; operator or function: \(name), operand type: \(value.typeName)"
                )
            }
        }
        switch name {
        case "attribute_exists": return .attributeExists(try requirePath(arguments[0]))
        case "attribute_not_exists": return .attributeNotExists(try requirePath(arguments[0]))
        case "attribute_type":
            let path = try requirePath(arguments[0])
            try requireType(arguments[1], ["S"])
            if case .value(.string(let type)) = arguments[1], !AttributeValue.typeNames.contains(type) {
                throw DynamoDBError.validation(
                    "Invalid \(kind): Invalid attribute type name found; type: \(type), valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
                )
            }
            return .attributeType(path, arguments[1])
        case "begins_with":
            try requireType(arguments[0], ["S", "B"])
            try requireType(arguments[1], ["S", "B"])
            return .beginsWith(arguments[0], arguments[1])
        default:
            return .contains(arguments[0], arguments[1])
        }
    }

    /// A path, a `:value`, or `size(path)`.
    private mutating func parseOperand() throws -> Operand {
        switch current.kind {
        case .valuePlaceholder(let placeholder):
            advance()
            return .value(try context.value(placeholder, expressionKind: kind))
        case .word("size") where next.kind == .symbol("("):
            advance()
            advance()
            let operand = try parseOperand()
            try expect(symbol: ")")
            guard case .path(let path) = operand else {
                throw DynamoDBError.validation(
                    "Invalid \(kind): Operator or function requires a document path; operator or function: size")
            }
            return .size(path)
        case .word(let name) where next.kind == .symbol("("):
            throw DynamoDBError.validation(
                Self.conditionFunctions.contains(name) || Self.updateFunctions.contains(name)
                    ? "Invalid \(kind): The function is not allowed to be used this way in an expression; function: \(name)"
                    : "Invalid \(kind): Invalid function name; function: \(name)")
        default:
            return .path(try parsePath())
        }
    }

    // MARK: Paths

    private mutating func parsePath() throws -> AttributePath {
        var elements = [PathElement.name(try parseName())]
        while true {
            if accept(symbol: ".") {
                elements.append(.name(try parseName()))
            } else if accept(symbol: "[") {
                guard case .integer(let index) = current.kind else { throw syntaxError() }
                advance()
                try expect(symbol: "]")
                elements.append(.index(index))
            } else {
                break
            }
        }
        if elements.count > 32 {
            throw DynamoDBError.validation(
                "Invalid \(kind): The document path has too many nesting levels; nesting levels: \(elements.count)")
        }
        return AttributePath(elements)
    }

    private mutating func parseName() throws -> String {
        switch current.kind {
        case .namePlaceholder(let placeholder):
            advance()
            return try context.name(placeholder, expressionKind: kind)
        case .word(let word) where !Self.keywords.contains(word.uppercased()):
            let first = word.utf8.first!
            guard !(first >= 0x30 && first <= 0x39) else { throw syntaxError() }
            if ReservedWords.contains(word) {
                throw DynamoDBError.validation(
                    "Invalid \(kind): Attribute name is a reserved keyword; reserved keyword: \(word)")
            }
            advance()
            return word
        default:
            throw syntaxError()
        }
    }

    private func checkNoOverlap(_ paths: [AttributePath]) throws {
        for (offset, path) in paths.enumerated() {
            for other in paths[(offset + 1)...] where path.overlaps(other) {
                throw DynamoDBError.validation(
                    "Invalid \(kind): Two document paths overlap with each other; must remove or rewrite one of these paths; path one: \(path), path two: \(other)"
                )
            }
        }
    }

    // MARK: Updates

    private mutating func parseUpdate() throws -> UpdateExpression {
        var update = UpdateExpression()
        var seenClauses: Set<String> = []
        repeat {
            guard case .word(let word) = current.kind,
                ["SET", "REMOVE", "ADD", "DELETE"].contains(word.uppercased())
            else { throw syntaxError() }
            let clause = word.uppercased()
            guard seenClauses.insert(clause).inserted else {
                throw DynamoDBError.validation(
                    "Invalid UpdateExpression: The \"\(clause)\" section can only be used once in an update expression;"
                )
            }
            advance()
            repeat {
                let path = try parsePath()
                switch clause {
                case "SET":
                    try expect(symbol: "=")
                    update.sets.append((path, try parseSetValue()))
                case "REMOVE":
                    update.removes.append(path)
                default:
                    guard case .valuePlaceholder(let placeholder) = current.kind else { throw syntaxError() }
                    advance()
                    let value = try context.value(placeholder, expressionKind: kind)
                    if clause == "ADD" {
                        update.adds.append((path, value))
                    } else {
                        update.deletes.append((path, value))
                    }
                }
            } while accept(symbol: ",")
        } while current.kind != .end
        try checkNoOverlap(update.targetPaths)
        return update
    }

    private mutating func parseSetValue() throws -> UpdateExpression.Value {
        let left = try parseUpdateOperand()
        if accept(symbol: "+") { return .plus(left, try parseUpdateOperand()) }
        if accept(symbol: "-") { return .minus(left, try parseUpdateOperand()) }
        return left
    }

    private mutating func parseUpdateOperand() throws -> UpdateExpression.Value {
        switch current.kind {
        case .valuePlaceholder(let placeholder):
            advance()
            return .value(try context.value(placeholder, expressionKind: kind))
        case .word(let name) where next.kind == .symbol("("):
            guard Self.updateFunctions.contains(name) else {
                throw DynamoDBError.validation(
                    Self.conditionFunctions.contains(name) || name == "size"
                        ? "Invalid UpdateExpression: The function is not allowed in an update expression; function: \(name)"
                        : "Invalid UpdateExpression: Invalid function name; function: \(name)")
            }
            advance()
            advance()
            let first = try parseUpdateOperand()
            try expect(symbol: ",")
            let second = try parseUpdateOperand()
            try expect(symbol: ")")
            if name == "list_append" { return .listAppend(first, second) }
            guard case .path(let path) = first else {
                throw DynamoDBError.validation(
                    "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
                )
            }
            return .ifNotExists(path, second)
        default:
            return .path(try parsePath())
        }
    }

    // MARK: Tokens

    private var current: ExpressionTokenizer.Token { tokens[position] }
    private var next: ExpressionTokenizer.Token { tokens[min(position + 1, tokens.count - 1)] }

    private mutating func advance() { position = min(position + 1, tokens.count - 1) }

    private mutating func accept(symbol: String) -> Bool {
        guard current.kind == .symbol(symbol) else { return false }
        advance()
        return true
    }

    private mutating func accept(keyword: String) -> Bool {
        guard case .word(let word) = current.kind, word.uppercased() == keyword else { return false }
        advance()
        return true
    }

    private mutating func expect(symbol: String) throws {
        guard accept(symbol: symbol) else { throw syntaxError() }
    }

    private func expectEnd() throws {
        guard current.kind == .end else { throw syntaxError() }
    }

    /// AWS's message: the offending token and the text from the token before it.
    private func syntaxError() -> DynamoDBError {
        let bytes = Array(text.utf8)
        let token = current.kind == .end ? "<EOF>" : String(decoding: bytes[current.start..<current.end], as: UTF8.self)
        let nearStart = position > 0 ? tokens[position - 1].start : current.start
        let near = String(decoding: bytes[nearStart..<current.end], as: UTF8.self).trimmingWhitespace()
        return .validation("Invalid \(kind): Syntax error; token: \"\(token)\", near: \"\(near)\"")
    }

    private static func show(_ value: AttributeValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let text): DecimalNumber(text)?.description ?? text
        default: value.typeName
        }
    }
}
