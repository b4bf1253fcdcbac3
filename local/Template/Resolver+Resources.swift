extension Resolver {
    /// The physical name of a resource: its explicit name property, resolved, or the name
    /// CloudFormation would generate from the stack name and the logical ID.
    ///
    /// Functions are named by their logical ID. Names are computed once; names that depend on each
    /// other in a circle throw a `cycle` error naming the resource.
    mutating func physicalName(of logicalID: String) throws -> String {
        if let name = physicalNames[logicalID] { return name }
        guard let resource = resource(logicalID) else {
            preconditionFailure("physicalName(of:) asked for '\(logicalID)', which is not a resource")
        }
        guard !namesInProgress.contains(logicalID) else {
            let circle = (namesInProgress.drop { $0 != logicalID } + [logicalID]).joined(separator: " → ")
            throw Location.resource(logicalID, "Properties").error(
                .cycle, "the resource's name depends on itself: \(circle)")
        }
        namesInProgress.append(logicalID)
        defer { namesInProgress.removeLast() }

        let generated = "\(context.stackName)-\(logicalID)"
        let name: String
        switch resource.kind {
        case .function:
            name = logicalID
        case .httpAPI:
            name = logicalID.lowercased()
        case .bucket:
            name = try explicitName(of: resource) ?? generated.lowercased()
        case .queue:
            let fifo = try resolveProperty("FifoQueue", of: resource)?.string?.lowercased() == "true"
            name = try explicitName(of: resource) ?? generated + (fifo ? ".fifo" : "")
        case .table, .simpleTable, .secret, .ignored:
            name = try explicitName(of: resource) ?? generated
        }
        physicalNames[logicalID] = name
        return name
    }

    private mutating func explicitName(of resource: Resource) throws -> String? {
        guard let property = ResourceKind.nameProperty(ofType: resource.type),
            let value = resource.properties.entries?[property]
        else { return nil }
        let location = Location.resource(resource.logicalID, "Properties", property)
        guard let resolved = try resolve(value, at: location) else { return nil }
        guard let name = resolved.string, !name.isEmpty else {
            throw location.error(.invalidValue, "the name must be non-empty text, not \(resolved.kind)")
        }
        return name
    }

    private mutating func resolveProperty(_ property: String, of resource: Resource) throws -> TemplateValue? {
        guard let value = resource.properties.entries?[property] else { return nil }
        return try resolve(value, at: .resource(resource.logicalID, "Properties", property))
    }

    /// The resource, checked to exist and to be created.
    private mutating func createdResource(
        _ logicalID: String, by function: String, at location: Location
    ) throws -> Resource {
        guard let resource = resource(logicalID) else {
            throw location.error(
                .unknownReference, "\(function) names '\(logicalID)', which is not a resource of the template")
        }
        guard try isCreated(resource) else {
            throw location.error(
                .unknownReference,
                "\(function) names '\(logicalID)', which is not created: its condition '\(resource.condition ?? "")' is false"
            )
        }
        return resource
    }

    /// What `Ref` returns for a resource: a queue's URL, an API's ID, a topic's ARN, else its name.
    mutating func referenceValue(of logicalID: String, at location: Location) throws -> String {
        let resource = try createdResource(logicalID, by: "Ref", at: location)
        let name = try physicalName(of: logicalID)
        switch resource.kind {
        case .queue: return queueURL(name)
        case .secret: return secretARN(name)
        case .ignored where resource.type == "AWS::SNS::Topic": return arn(ofIgnored: resource, name: name)
        default: return name
        }
    }

    /// What `Fn::GetAtt` returns for an attribute of a resource.
    ///
    /// - Throws: `TemplateError` with code `unknownAttribute` naming the attributes the type offers.
    mutating func attribute(_ attribute: String, of logicalID: String, at location: Location) throws -> String {
        let resource = try createdResource(logicalID, by: "Fn::GetAtt", at: location)
        let name = try physicalName(of: logicalID)
        let region = context.region
        let account = context.accountID
        switch (resource.kind, attribute) {
        case (.function, "Arn"): return "arn:aws:lambda:\(region):\(account):function:\(name)"
        case (.bucket, "Arn"): return "arn:aws:s3:::\(name)"
        case (.bucket, "DomainName"): return "\(name).s3.amazonaws.com"
        case (.bucket, "RegionalDomainName"): return "\(name).s3.\(region).amazonaws.com"
        case (.queue, "Arn"): return queueARN(name)
        case (.queue, "QueueName"): return name
        case (.queue, "QueueUrl"): return queueURL(name)
        case (.table, "Arn"), (.simpleTable, "Arn"): return tableARN(name)
        case (.table, "StreamArn"), (.simpleTable, "StreamArn"):
            return tableARN(name) + "/stream/1970-01-01T00:00:00.000"
        case (.secret, "Id"): return secretARN(name)
        case (.httpAPI, "ApiId"): return name
        case (.httpAPI, "ApiEndpoint"): return "https://\(name).execute-api.\(region).amazonaws.com"
        case (.ignored, "Arn"): return arn(ofIgnored: resource, name: name)
        default:
            let offered = resource.kind.attributes.joined(separator: ", ")
            throw location.error(
                .unknownAttribute,
                "Fn::GetAtt asks \(resource.type) '\(logicalID)' for '\(attribute)'; the emulator knows \(offered)")
        }
    }

    func queueURL(_ name: String) -> String {
        var endpoint = context.awsEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return "\(endpoint)/\(context.accountID)/\(name)"
    }

    func queueARN(_ name: String) -> String { "arn:aws:sqs:\(context.region):\(context.accountID):\(name)" }

    func secretARN(_ name: String) -> String {
        SecretDefinition.arn(name: name, region: context.region, accountID: context.accountID)
    }

    func tableARN(_ name: String) -> String { "arn:aws:dynamodb:\(context.region):\(context.accountID):table/\(name)" }

    private func arn(ofIgnored resource: Resource, name: String) -> String {
        let parts = resource.type.split(separator: "::")
        let service = parts.count > 1 ? parts[1].lowercased() : "unknown"
        return "arn:aws:\(service):\(context.region):\(context.accountID):\(name)"
    }

    /// The logical ID of the created resource of `kind` that `value` names by name, URL or ARN.
    ///
    /// Event sources and destinations are written as `!Ref`, `!GetAtt X.Arn` or a `!Sub` of either;
    /// this maps the resolved text back to the resource. Call it once every name is computed.
    func logicalID(of kind: ResourceKind, named value: String) -> String? {
        let matches = resources.values.filter { resource in
            guard resource.kind == kind, let name = physicalNames[resource.logicalID] else { return false }
            switch kind {
            case .queue: return value == name || value == queueURL(name) || value == queueARN(name)
            case .bucket: return value == name || value == "arn:aws:s3:::\(name)"
            case .table, .simpleTable: return value == name || value == tableARN(name)
            case .secret: return value == name || value == secretARN(name)
            case .function, .httpAPI, .ignored: return value == name
            }
        }
        return matches.count == 1 ? matches[0].logicalID : nil
    }
}
