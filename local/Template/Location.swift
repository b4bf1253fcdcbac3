/// Where a value sits in the template: the resource it belongs to and the property path inside it.
struct Location: Sendable, Equatable {
    /// The logical ID of the resource, or `nil` outside `Resources`.
    var resource: String?
    /// Property path components; list indexes are stored as `[n]`.
    var path: [String]

    static let root = Location(resource: nil, path: [])

    init(resource: String?, path: [String]) {
        self.resource = resource
        self.path = path
    }

    /// The location of a resource's own attribute (`Properties`, `Condition`, `Type`).
    static func resource(_ logicalID: String, _ path: String...) -> Location {
        Location(resource: logicalID, path: path)
    }

    /// The location of a top-level entry such as `Parameters.Stage`.
    static func section(_ section: String, _ name: String) -> Location {
        Location(resource: nil, path: [section, name])
    }

    /// The location of `key` inside this one; `Resources` then a logical ID becomes that resource.
    func appending(_ key: String) -> Location {
        if resource == nil && path == ["Resources"] {
            return Location(resource: key, path: [])
        }
        return Location(resource: resource, path: path + [key])
    }

    /// The location of item `index` of the list here.
    func appending(index: Int) -> Location {
        Location(resource: resource, path: path + ["[\(index)]"])
    }

    /// The path as written in error messages: `Properties.Events.Upload.Properties.Filter`.
    var property: String? {
        guard !path.isEmpty else { return nil }
        var text = ""
        for component in path {
            if !text.isEmpty && !component.hasPrefix("[") { text += "." }
            text += component
        }
        return text
    }

    /// An error at this location.
    func error(_ code: TemplateError.Code, _ message: String) -> TemplateError {
        TemplateError(code, resource: resource, property: property, message: message)
    }
}
