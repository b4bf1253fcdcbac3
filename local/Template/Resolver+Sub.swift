extension Resolver {
    /// `Fn::Sub`, in the `text` and `[text, {variables}]` forms.
    ///
    /// `${Name}` is a variable, a pseudo parameter, a parameter or a resource (as `Ref` would give);
    /// `${Resource.Attribute}` is `Fn::GetAtt`; `${!Text}` stands for the literal `${Text}`.
    mutating func substitute(_ argument: TemplateValue, at location: Location) throws -> String {
        let template: String
        var variables: [String: String] = [:]
        switch argument {
        case .string(let text):
            template = text
        case .list(let items) where items.count == 2:
            guard let text = items[0].string, let entries = items[1].entries else {
                throw location.error(.invalidValue, "Fn::Sub takes text, or [text, {variable: value}]")
            }
            template = text
            for key in entries.keys.sorted() {
                variables[key] = try resolveText(entries[key]!, at: location, for: "the Fn::Sub variable '\(key)'")
            }
        default:
            throw location.error(.invalidValue, "Fn::Sub takes text, or [text, {variable: value}]")
        }

        var output = ""
        var rest = template[...]
        while let open = rest.range(of: "${") {
            output += rest[..<open.lowerBound]
            let inside = rest[open.upperBound...]
            guard let close = inside.firstIndex(of: "}") else {
                throw location.error(.invalidValue, "Fn::Sub has a '${' without its '}' in '\(template)'")
            }
            let name = String(inside[..<close])
            rest = inside[inside.index(after: close)...]
            if name.hasPrefix("!") {
                output += "${\(name.dropFirst())}"
            } else {
                output += try substitution(for: name, variables: variables, at: location)
            }
        }
        return output + rest
    }

    private mutating func substitution(
        for name: String, variables: [String: String], at location: Location
    ) throws -> String {
        if let value = variables[name] { return value }
        if name.hasPrefix("AWS::") {
            guard let text = try pseudoParameter(name, at: location).string else {
                throw location.error(.invalidValue, "Fn::Sub cannot put the list '\(name)' into text")
            }
            return text
        }
        if let value = parameters[name] {
            guard let text = value.string else {
                throw location.error(
                    .invalidValue, "Fn::Sub cannot put the list parameter '\(name)' into text; use Fn::Join")
            }
            return text
        }
        if resource(name) != nil { return try referenceValue(of: name, at: location) }
        if let dot = name.firstIndex(of: "."), resource(String(name[..<dot])) != nil {
            return try attribute(String(name[name.index(after: dot)...]), of: String(name[..<dot]), at: location)
        }
        throw location.error(
            .unknownReference, "Fn::Sub names '${\(name)}', which is neither a parameter, a resource nor a variable")
    }
}
