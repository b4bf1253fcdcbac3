import Foundation

extension Resolver {
    /// The value with every intrinsic function evaluated; `nil` where it comes to `AWS::NoValue`.
    ///
    /// Map entries and list items that resolve to `AWS::NoValue` are dropped, as CloudFormation does.
    mutating func resolve(_ value: TemplateValue, at location: Location) throws -> TemplateValue? {
        if let (function, argument) = value.intrinsic {
            return try call(function, argument, at: location)
        }
        switch value {
        case .string, .null:
            return value
        case .list(let items):
            var resolved: [TemplateValue] = []
            for (index, item) in items.enumerated() {
                if let value = try resolve(item, at: location.appending(index: index)) { resolved.append(value) }
            }
            return .list(resolved)
        case .map(let entries):
            var resolved: [String: TemplateValue] = [:]
            for key in entries.keys.sorted() {
                resolved[key] = try resolve(entries[key]!, at: location.appending(key))
            }
            return .map(resolved)
        }
    }

    /// The value resolved to text.
    ///
    /// - Throws: `TemplateError` at `location` if the value resolves to a list, a map or nothing.
    mutating func resolveText(_ value: TemplateValue, at location: Location, for purpose: String) throws -> String {
        let resolved = try resolve(value, at: location)
        guard let text = resolved?.string else {
            throw location.error(.invalidValue, "\(purpose) must be text, not \(resolved?.kind ?? "AWS::NoValue")")
        }
        return text
    }

    /// The value resolved to a list of text.
    private mutating func resolveTexts(
        _ value: TemplateValue, at location: Location, for purpose: String
    ) throws -> [String] {
        let resolved = try resolve(value, at: location)
        guard let items = resolved?.listItems else {
            throw location.error(.invalidValue, "\(purpose) must be a list, not \(resolved?.kind ?? "AWS::NoValue")")
        }
        return try items.map { item in
            guard let text = item.string else {
                throw location.error(.invalidValue, "\(purpose) must hold text, not \(item.kind)")
            }
            return text
        }
    }

    private func arguments(
        of function: String, _ argument: TemplateValue, count: Int, at location: Location, _ shape: String
    ) throws -> [TemplateValue] {
        guard let items = argument.listItems, items.count == count else {
            throw location.error(.invalidValue, "\(function) takes a list \(shape)")
        }
        return items
    }

    private mutating func call(
        _ function: String, _ argument: TemplateValue, at location: Location
    ) throws -> TemplateValue? {
        switch function {
        case "Ref":
            return try reference(argument, at: location)
        case "Fn::GetAtt":
            return .string(try getAttribute(argument, at: location))
        case "Fn::Sub":
            return .string(try substitute(argument, at: location))
        case "Fn::Join":
            let items = try arguments(of: function, argument, count: 2, at: location, "[delimiter, [values]]")
            let delimiter = try resolveText(items[0], at: location, for: "the Fn::Join delimiter")
            return .string(
                try resolveTexts(items[1], at: location, for: "the Fn::Join values").joined(separator: delimiter))
        case "Fn::If":
            let items = try arguments(of: function, argument, count: 3, at: location, "[condition, then, else]")
            guard let name = items[0].string else {
                throw location.error(.invalidValue, "Fn::If takes the name of a condition first")
            }
            return try resolve(condition(named: name, at: location) ? items[1] : items[2], at: location)
        case "Fn::Select":
            let items = try arguments(of: function, argument, count: 2, at: location, "[index, [values]]")
            let index = try resolveText(items[0], at: location, for: "the Fn::Select index")
            let resolved = try resolve(items[1], at: location)
            guard let values = resolved?.listItems else {
                throw location.error(
                    .invalidValue, "Fn::Select picks from a list, not \(resolved?.kind ?? "AWS::NoValue")")
            }
            guard let position = Int(index), values.indices.contains(position) else {
                throw location.error(
                    .invalidValue, "Fn::Select index '\(index)' is outside the list of \(values.count)")
            }
            return values[position]
        case "Fn::Split":
            let items = try arguments(of: function, argument, count: 2, at: location, "[delimiter, text]")
            let delimiter = try resolveText(items[0], at: location, for: "the Fn::Split delimiter")
            let text = try resolveText(items[1], at: location, for: "the Fn::Split source")
            guard !delimiter.isEmpty else { throw location.error(.invalidValue, "the Fn::Split delimiter is empty") }
            return .list(text.components(separatedBy: delimiter).map { .string($0) })
        case "Fn::FindInMap":
            let items = try arguments(of: function, argument, count: 3, at: location, "[map, top key, second key]")
            var keys: [String] = []
            for item in items { keys.append(try resolveText(item, at: location, for: "an Fn::FindInMap key")) }
            return try findInMap(keys[0], keys[1], keys[2], at: location)
        case "Fn::GetAZs":
            return .list([.string("\(context.region)a")])
        case "Fn::Base64":
            let text = try resolveText(argument, at: location, for: "the Fn::Base64 argument")
            return .string(Data(text.utf8).base64EncodedString())
        case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or":
            throw location.error(
                .invalidValue, "\(function) belongs under Conditions; name the condition in Fn::If here")
        default:
            throw location.error(.unsupported, "\(function) is not supported by the local emulator")
        }
    }

    private func findInMap(
        _ map: String, _ top: String, _ second: String, at location: Location
    ) throws -> TemplateValue {
        guard let mapping = mappings[map]?.entries else {
            throw location.error(.unknownReference, "Fn::FindInMap names '\(map)', which Mappings does not define")
        }
        guard let entry = mapping[top]?.entries else {
            throw location.error(.unknownReference, "Fn::FindInMap: mapping '\(map)' has no key '\(top)'")
        }
        guard let value = entry[second] else {
            throw location.error(.unknownReference, "Fn::FindInMap: mapping '\(map)' has no key '\(top)'.'\(second)'")
        }
        return value
    }

    /// `Ref`: a parameter's value, a pseudo parameter, or what CloudFormation returns for a resource.
    private mutating func reference(_ argument: TemplateValue, at location: Location) throws -> TemplateValue? {
        guard let name = argument.string else {
            throw location.error(.invalidValue, "Ref takes a name, not \(argument.kind)")
        }
        if name == "AWS::NoValue" { return nil }
        if name.hasPrefix("AWS::") { return try pseudoParameter(name, at: location) }
        if let value = parameters[name] { return value }
        if resource(name) != nil { return .string(try referenceValue(of: name, at: location)) }
        throw location.error(
            .unknownReference, "Ref names '\(name)', which is neither a parameter nor a resource of the template")
    }

    /// The value of a pseudo parameter such as `AWS::Region`.
    func pseudoParameter(_ name: String, at location: Location) throws -> TemplateValue {
        switch name {
        case "AWS::StackName": return .string(context.stackName)
        case "AWS::AccountId": return .string(context.accountID)
        case "AWS::Region": return .string(context.region)
        case "AWS::Partition": return .string("aws")
        case "AWS::URLSuffix": return .string("amazonaws.com")
        case "AWS::NotificationARNs": return .list([])
        case "AWS::StackId":
            return .string(
                "arn:aws:cloudformation:\(context.region):\(context.accountID):stack/\(context.stackName)/"
                    + "00000000-0000-0000-0000-000000000000")
        default:
            throw location.error(.unknownReference, "'\(name)' is not a pseudo parameter")
        }
    }

    /// `Fn::GetAtt`, in the `Resource.Attribute` and `[Resource, Attribute]` forms.
    private mutating func getAttribute(_ argument: TemplateValue, at location: Location) throws -> String {
        switch argument {
        case .string(let text):
            guard let dot = text.firstIndex(of: ".") else {
                throw location.error(.invalidValue, "Fn::GetAtt takes 'Resource.Attribute', not '\(text)'")
            }
            return try attribute(String(text[text.index(after: dot)...]), of: String(text[..<dot]), at: location)
        case .list(let items) where items.count == 2:
            guard let logicalID = items[0].string else {
                throw location.error(.invalidValue, "Fn::GetAtt takes a resource's logical ID first")
            }
            let name = try resolveText(items[1], at: location, for: "the Fn::GetAtt attribute")
            return try attribute(name, of: logicalID, at: location)
        default:
            throw location.error(.invalidValue, "Fn::GetAtt takes 'Resource.Attribute' or [Resource, Attribute]")
        }
    }
}
