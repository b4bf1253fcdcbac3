/// Reads typed values out of resolved properties, with errors that name the property.
///
/// A property that is absent or null reads as `nil`; one of the wrong shape throws
/// `TemplateError` with code `invalidValue` at its location.
struct PropertyReader {
    let value: TemplateValue?
    let location: Location

    init(_ value: TemplateValue?, at location: Location) {
        self.value = value == .null ? nil : value
        self.location = location
    }

    var isPresent: Bool { value != nil }

    /// The entry `key` of the map here.
    subscript(key: String) -> PropertyReader {
        get throws {
            guard let value else { return PropertyReader(nil, at: location.appending(key)) }
            guard let entries = value.entries else {
                throw location.error(.invalidValue, "expected a map with '\(key)', found \(value.kind)")
            }
            return PropertyReader(entries[key], at: location.appending(key))
        }
    }

    func error(_ code: TemplateError.Code, _ message: String) -> TemplateError {
        location.error(code, message)
    }

    func text() throws -> String? {
        guard let value else { return nil }
        guard let text = value.string else { throw error(.invalidValue, "expected text, found \(value.kind)") }
        return text
    }

    func requiredText() throws -> String {
        guard let text = try text() else { throw error(.missingProperty, "the property is required") }
        return text
    }

    func integer() throws -> Int? {
        guard let text = try text() else { return nil }
        guard let number = Int(text) else { throw error(.invalidValue, "expected a whole number, found '\(text)'") }
        return number
    }

    /// A whole number within `range`.
    func integer(in range: ClosedRange<Int>) throws -> Int? {
        guard let number = try integer() else { return nil }
        guard range.contains(number) else {
            throw error(.invalidValue, "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func boolean() throws -> Bool? {
        guard let text = try text() else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(.invalidValue, "expected true or false, found '\(text)'")
        }
    }

    /// The items of the list here.
    func items() throws -> [PropertyReader]? {
        guard let value else { return nil }
        guard let items = value.listItems else { throw error(.invalidValue, "expected a list, found \(value.kind)") }
        return items.enumerated().map { PropertyReader($1, at: location.appending(index: $0)) }
    }

    /// A list of text; with `acceptingOne`, a single text reads as a list of one.
    func texts(acceptingOne: Bool = false) throws -> [String]? {
        if acceptingOne, let text = value?.string { return [text] }
        return try items()?.map { try $0.requiredText() }
    }

    /// The entries of the map here, by key.
    func entries() throws -> [(key: String, value: PropertyReader)]? {
        guard let value else { return nil }
        guard let entries = value.entries else { throw error(.invalidValue, "expected a map, found \(value.kind)") }
        return entries.keys.sorted().map { ($0, PropertyReader(entries[$0], at: location.appending($0))) }
    }

    /// A map of text values, such as environment variables.
    func textMap() throws -> [String: String]? {
        guard let entries = try entries() else { return nil }
        var map: [String: String] = [:]
        for (key, value) in entries { map[key] = try value.text() ?? "" }
        return map
    }
}
