/// One test of a statement's `Condition` block: an operator (with its `ForAllValues:`/
/// `ForAnyValue:` qualifier and `IfExists` suffix), a context key and the values it allows.
///
/// Evaluated as IAM documents it: the values of one key are alternatives (any may match; for a
/// negated operator the request's value must differ from every one); a key the request does not
/// carry fails the test, except with `IfExists`, a negated operator, `ForAllValues` (true of no
/// values) or `Null: true`.
public struct PolicyCondition: Sendable, Equatable {
    public enum Qualifier: String, Sendable {
        case none = ""
        case forAllValues = "ForAllValues"
        case forAnyValue = "ForAnyValue"
    }

    public enum Operator: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case bool = "Bool"
        case null = "Null"

        var isNegated: Bool { rawValue.contains("Not") }
    }

    public var qualifier: Qualifier
    public var op: Operator
    public var ifExists: Bool
    /// The context key, as written (`s3:prefix`); keys compare without regard to case.
    public var key: String
    public var values: [String]

    public init(qualifier: Qualifier = .none, _ op: Operator, ifExists: Bool = false, key: String, values: [String]) {
        self.qualifier = qualifier
        self.op = op
        self.ifExists = ifExists
        self.key = key
        self.values = values
    }

    /// Reads an operator as a policy writes it (`ForAllValues:StringLike`, `StringEqualsIfExists`).
    /// - Throws: `PolicyError` for an operator or qualifier the evaluator does not know (say which,
    ///   rather than let a statement silently allow or deny).
    public init(operator text: String, key: String, values: [String]) throws {
        var name = Substring(text)
        var qualifier = Qualifier.none
        if let colon = name.firstIndex(of: ":") {
            guard let known = Qualifier(rawValue: String(name[..<colon])), known != .none else {
                throw PolicyError("the condition qualifier in '\(text)' is not ForAllValues or ForAnyValue")
            }
            qualifier = known
            name = name[name.index(after: colon)...]
        }
        let ifExists = name.hasSuffix("IfExists") && name != "IfExists"
        if ifExists { name = name.dropLast("IfExists".count) }
        guard let op = Operator(rawValue: String(name)), !(ifExists && op == .null) else {
            throw PolicyError(
                "the condition operator '\(text)' is not one the local IAM evaluates: "
                    + Operator.allCases.map(\.rawValue).joined(separator: ", ")
                    + " (with IfExists, ForAllValues:, ForAnyValue:)")
        }
        self.init(qualifier: qualifier, op, ifExists: ifExists, key: key, values: values)
    }

    /// Whether the test holds for a request with this context.
    func holds(in context: RequestContext) -> Bool {
        let present = context[key]
        if op == .null {
            let wantsAbsent = values.contains { $0.lowercased() == "true" }
            return (present == nil) == wantsAbsent
        }
        switch qualifier {
        case .forAllValues:
            return (present?.values ?? []).allSatisfy(matches)
        case .forAnyValue:
            return (present?.values ?? []).contains(where: matches)
        case .none:
            guard let present else { return ifExists || op.isNegated }
            // A single-valued test of a multivalued key: IAM requires the qualifiers for those; any
            // value matching is the reading that cannot grant more than ForAnyValue would.
            return present.values.contains(where: matches)
        }
    }

    /// Whether one value of the request passes the test against the allowed values.
    private func matches(_ value: String) -> Bool {
        if op.isNegated { return values.allSatisfy { !matchesPositively(value, $0) } }
        return values.contains { matchesPositively(value, $0) }
    }

    private func matchesPositively(_ value: String, _ expected: String) -> Bool {
        switch op {
        case .stringEquals, .stringNotEquals, .arnEquals, .arnNotEquals: value == expected
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: value.lowercased() == expected.lowercased()
        case .stringLike, .stringNotLike: Wildcard.matches(value, pattern: expected)
        case .arnLike, .arnNotLike: Wildcard.matchesARN(value, pattern: expected)
        case .bool: value.lowercased() == expected.lowercased()
        case .null: false
        }
    }
}

/// A policy the local IAM cannot evaluate as written.
public struct PolicyError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
