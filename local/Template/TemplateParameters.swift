/// The template's parameters, resolved: each one's override or `Default`, checked against its constraints.
enum TemplateParameters {
    /// The value of every parameter; list types (`CommaDelimitedList`, `List<…>`) as lists of text.
    ///
    /// - Throws: `TemplateError` with code `invalidParameter` naming the parameter when it has no
    ///   value, or a value its `AllowedValues`, `AllowedPattern`, length or number limits refuse,
    ///   and when an override names no parameter of the template.
    static func resolve(
        _ section: TemplateValue?, overrides: [String: String], secrets: SecretSource? = nil
    ) throws -> [String: TemplateValue] {
        let definitions = try PropertyReader(section, at: Location(resource: nil, path: ["Parameters"])).entries() ?? []
        let names = Set(definitions.map(\.key))
        if let unknown = overrides.keys.sorted().first(where: { !names.contains($0) }) {
            throw Location.section("Parameters", unknown).error(
                .invalidParameter, "an override is given for '\(unknown)', which the template does not declare")
        }
        var values: [String: TemplateValue] = [:]
        for (name, definition) in definitions {
            var override = overrides[name]
            if override == nil, let secrets, try definition["Default"].text() == nil,
                try definition["NoEcho"].text()?.lowercased() == "true"
            {
                override = try secrets(name)
            }
            values[name] = try value(of: name, definition, override: override)
        }
        return values
    }

    private static func value(
        of name: String, _ definition: PropertyReader, override: String?
    ) throws -> TemplateValue {
        let type = try definition["Type"].text() ?? "String"
        guard let text = try override ?? definition["Default"].text() else {
            throw definition.error(
                .invalidParameter, "the parameter has no Default; pass a value for '\(name)' as a parameter override")
        }
        let isList = type == "CommaDelimitedList" || type.hasPrefix("List<")
        let items = isList ? text.split(separator: ",", omittingEmptySubsequences: false).map(trimmed) : [text]
        let isNumber = type == "Number" || type == "List<Number>"
        for item in items {
            try check(item, isNumber: isNumber, against: definition)
        }
        return isList ? .list(items.map { .string($0) }) : .string(text)
    }

    private static func check(_ value: String, isNumber: Bool, against definition: PropertyReader) throws {
        let refuse = { (reason: String) in definition.error(.invalidParameter, "'\(value)' \(reason)") }
        if let allowed = try definition["AllowedValues"].texts(), !allowed.contains(value) {
            throw refuse("is not one of the AllowedValues (\(allowed.joined(separator: ", ")))")
        }
        if let pattern = try definition["AllowedPattern"].text() {
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex(pattern)
            } catch {
                throw try definition["AllowedPattern"].error(.invalidValue, "'\(pattern)' is not a valid pattern")
            }
            if value.wholeMatch(of: regex) == nil { throw refuse("does not match the AllowedPattern \(pattern)") }
        }
        if let minimum = try definition["MinLength"].integer(), value.count < minimum {
            throw refuse("is shorter than MinLength \(minimum)")
        }
        if let maximum = try definition["MaxLength"].integer(), value.count > maximum {
            throw refuse("is longer than MaxLength \(maximum)")
        }
        guard isNumber else { return }
        guard let number = Double(value) else { throw refuse("is not a number") }
        if let minimum = try definition["MinValue"].text().flatMap(Double.init), number < minimum {
            throw refuse("is below MinValue \(minimum)")
        }
        if let maximum = try definition["MaxValue"].text().flatMap(Double.init), number > maximum {
            throw refuse("is above MaxValue \(maximum)")
        }
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
