import Yams

/// A template value as CloudFormation sees it: text, lists and maps, with intrinsic functions in
/// their long form (`{"Fn::GetAtt": ...}`) whether the YAML used a short-form tag or not.
///
/// Numbers and booleans stay text (`300`, `true`), as CloudFormation passes them to properties
/// such as environment variables; readers parse them where a property is numeric.
indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    case null
    case list([TemplateValue])
    case map([String: TemplateValue])

    /// The intrinsic function this value calls, if it is a one-key map `Ref` or `Fn::…`.
    var intrinsic: (name: String, argument: TemplateValue)? {
        guard case .map(let entries) = self, entries.count == 1, let (key, argument) = entries.first,
            key == "Ref" || key.hasPrefix("Fn::")
        else { return nil }
        return (key, argument)
    }

    /// The text of a scalar, or `nil` for null, lists and maps.
    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The items of a list, or `nil`.
    var listItems: [TemplateValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// The entries of a map, or `nil`.
    var entries: [String: TemplateValue]? {
        if case .map(let entries) = self { return entries }
        return nil
    }

    /// A short description of the shape, for error messages.
    var kind: String {
        switch self {
        case .string: "text"
        case .null: "nothing"
        case .list: "a list"
        case .map: "a map"
        }
    }
}

extension TemplateValue {
    /// The intrinsic functions that have a short-form tag (`!Sub` for `Fn::Sub`).
    private static let shortForms: Set<String> = [
        "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "If", "ImportValue", "Join", "Select", "Split", "Sub",
        "Transform", "Equals", "Not", "And", "Or", "Length", "ToJsonString",
    ]

    /// Parses a YAML document into a template value.
    ///
    /// - Throws: `TemplateError` with code `invalidYAML`, giving the line and column of the problem.
    static func parse(yaml: String) throws -> TemplateValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw TemplateError(.invalidYAML, message: "the template is not valid YAML: \(describe(error))")
        }
        guard let node else {
            throw TemplateError(.invalidYAML, message: "the template is empty")
        }
        return try TemplateValue(node: node, at: .root)
    }

    private init(node: Node, at location: Location) throws {
        let tag = node.tag.description
        let value: TemplateValue
        switch node {
        case .scalar(let scalar):
            value = tag == Tag.Name.null.rawValue ? .null : .string(scalar.string)
        case .sequence(let sequence):
            value = .list(
                try sequence.enumerated().map { index, item in
                    try TemplateValue(node: item, at: location.appending(index: index))
                })
        case .mapping(let mapping):
            var entries: [String: TemplateValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string else {
                    throw location.error(.invalidYAML, "a map key must be text, not a list or a map")
                }
                entries[key] = try TemplateValue(node: valueNode, at: location.appending(key))
            }
            value = .map(entries)
        case .alias(let alias):
            throw location.error(.invalidYAML, "the alias *\(alias.anchor) refers to no anchor")
        }
        guard tag.hasPrefix("!") else {
            self = value
            return
        }
        let name = String(tag.dropFirst())
        switch name {
        case "Ref", "Condition":
            self = .map([name: value])
        case _ where Self.shortForms.contains(name):
            self = .map(["Fn::\(name)": value])
        default:
            throw location.error(
                .invalidYAML,
                "\(tag) is not an intrinsic function; use !Ref, !GetAtt, !Sub, !Join, !If, … or a plain value")
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { "\($0.text): " } ?? ""
            return "line \(mark.line), column \(mark.column): \(during)\(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "duplicate key \(keys) in the map that starts at line \(context.mark.line); keep one"
        default:
            return error.description
        }
    }
}

extension TemplateValue {
    /// This global value with a resource's own `local` value over it, as SAM applies `Globals`:
    /// maps merge key by key, lists add up (without repeats), and anything else (intrinsics included) is replaced.
    func underlying(_ local: TemplateValue) -> TemplateValue {
        switch (self, local) {
        case (.map(var merged), .map(let own)) where intrinsic == nil && local.intrinsic == nil:
            for (key, value) in own {
                merged[key] = merged[key].map { $0.underlying(value) } ?? value
            }
            return .map(merged)
        case (.list(let global), .list(let own)):
            return .list(global + own.filter { !global.contains($0) })
        default:
            return local
        }
    }
}
