/// Turns a parsed template into the emulator's definitions.
///
/// It works in passes: which resources are created (their conditions), then the physical name of
/// every served resource, then each served resource's properties, which may refer to any name. References between names are resolved on demand, so their order in the file is free.
struct TemplateReader {
    private var resolver: Resolver
    private let outputs: [String: TemplateValue]
    private let httpAPIGlobals: TemplateValue?

    init(
        root: TemplateValue, context: TemplateContext, parameterOverrides: [String: String],
        secrets: SecretSource? = nil
    ) throws {
        guard let sections = root.entries else {
            throw TemplateError(.invalidValue, message: "the template must be a map with a Resources section")
        }
        let section = { (name: String) throws -> [String: TemplateValue] in
            let reader = PropertyReader(sections[name], at: Location(resource: nil, path: [name]))
            return Dictionary(
                uniqueKeysWithValues: try reader.entries()?.map { ($0.key, $0.value.value ?? .null) } ?? [])
        }
        let globals = try section("Globals")
        let resourceDefinitions = try section("Resources")
        guard !resourceDefinitions.isEmpty else {
            throw TemplateError(.missingProperty, property: "Resources", message: "the template declares no resources")
        }
        var resources: [String: Resolver.Resource] = [:]
        for (logicalID, definition) in resourceDefinitions {
            let reader = PropertyReader(definition, at: Location(resource: logicalID, path: []))
            let type = try reader["Type"].requiredText()
            let kind = ResourceKind(type: type)
            let declared = try reader["Properties"]
            if let value = declared.value, value.entries == nil {
                throw declared.error(.invalidValue, "Properties must be a map, not \(value.kind)")
            }
            var properties = declared.value ?? .map([:])
            switch kind {
            case .function: properties = globals["Function"]?.underlying(properties) ?? properties
            case .httpAPI: properties = globals["HttpApi"]?.underlying(properties) ?? properties
            default: break
            }
            resources[logicalID] = Resolver.Resource(
                logicalID: logicalID, type: type, kind: kind, properties: properties,
                condition: try reader["Condition"].text(),
                imageTarget: try reader["Metadata"]["DockerBuildTarget"].text())
        }
        resolver = Resolver(
            context: context,
            parameters: try TemplateParameters.resolve(
                sections["Parameters"], overrides: parameterOverrides, secrets: secrets),
            mappings: try section("Mappings"), conditions: try section("Conditions"), resources: resources)
        outputs = try section("Outputs")
        httpAPIGlobals = globals["HttpApi"]
    }

    mutating func read() throws -> Template {
        var created: [Resolver.Resource] = []
        for logicalID in resolver.resources.keys.sorted() {
            let resource = resolver.resources[logicalID]!
            guard try resolver.isCreated(resource) else { continue }
            if resource.type == "AWS::Lambda::Function" {
                throw Location.resource(logicalID, "Type").error(
                    .unsupported,
                    "AWS::Lambda::Function is not served by the local emulator; declare the function as "
                        + "AWS::Serverless::Function with PackageType: Image and ImageConfig.Command")
            }
            created.append(resource)
        }
        for resource in created where resource.kind != .ignored {
            _ = try resolver.physicalName(of: resource.logicalID)
        }

        var template = Template(context: resolver.context)
        var httpAPIs: [HTTPAPIDefinition] = []
        for resource in created {
            let id = resource.logicalID
            guard resource.kind != .ignored else {
                template.ignoredResources[id] = resource.type
                continue
            }
            let location = Location.resource(id, "Properties")
            let properties = PropertyReader(try resolver.resolve(resource.properties, at: location), at: location)
            let name = try resolver.physicalName(of: id)
            switch resource.kind {
            case .function:
                template.functions[id] = try FunctionDefinition(
                    logicalID: id, properties: properties, imageTarget: resource.imageTarget, resolver: resolver)
            case .bucket:
                template.buckets[id] = try BucketDefinition(logicalID: id, name: name, properties: properties)
            case .queue:
                template.queues[id] = try QueueDefinition(
                    logicalID: id, name: name, properties: properties, resolver: resolver)
            case .table:
                template.tables[id] = try TableDefinition(logicalID: id, name: name, properties: properties)
            case .simpleTable:
                template.tables[id] = try TableDefinition(simpleTable: id, name: name, properties: properties)
            case .httpAPI:
                httpAPIs.append(try HTTPAPIDefinition(logicalID: id, properties: properties))
            case .secret:
                template.secrets[id] = try SecretDefinition(
                    logicalID: id, name: name, arn: resolver.secretARN(name), properties: properties)
            case .ignored:
                break
            }
        }
        guard httpAPIs.count <= 1 else {
            throw Location.resource(httpAPIs[1].logicalID, "Type").error(
                .unsupported, "the local gateway serves one HTTP API; the template declares \(httpAPIs.count)")
        }
        template.httpAPI = try httpAPIs.first ?? implicitHTTPAPI()
        try checkRoutes(of: template.functions)

        template.parameters = resolver.parameters.mapValues { value in
            value.string ?? (value.listItems ?? []).compactMap(\.string).joined(separator: ",")
        }
        template.outputs = resolvedOutputs()
        return template
    }

    /// The API SAM creates for `HttpApi` events when the template declares none, with `Globals.HttpApi`.
    private mutating func implicitHTTPAPI() throws -> HTTPAPIDefinition {
        let location = Location(resource: nil, path: ["Globals", "HttpApi"])
        let properties = try httpAPIGlobals.flatMap { try resolver.resolve($0, at: location) }
        return try HTTPAPIDefinition(
            logicalID: ResourceKind.implicitHTTPAPI, properties: PropertyReader(properties, at: location))
    }

    /// Refuses two functions on the same HTTP route: the gateway could serve only one of them.
    private func checkRoutes(of functions: [String: FunctionDefinition]) throws {
        var owners: [String: String] = [:]
        for name in functions.keys.sorted() {
            for (event, source) in functions[name]!.events.sorted(by: { $0.key < $1.key }) {
                guard case .httpAPI(let method, let path) = source else { continue }
                let route = "\(method) \(path)"
                if let owner = owners[route] {
                    throw Location.resource(name, "Properties", "Events", event).error(
                        .invalidValue, "the route \(route) is already served by \(owner)")
                }
                owners[route] = name
            }
        }
    }

    /// The outputs whose `Value` resolves to text; outputs of false conditions or unresolvable
    /// values (attributes of resources the emulator does not model) are left out.
    private mutating func resolvedOutputs() -> [String: String] {
        var values: [String: String] = [:]
        for name in outputs.keys.sorted() {
            let location = Location.section("Outputs", name)
            guard let output = outputs[name]?.entries, let value = output["Value"] else { continue }
            if let condition = output["Condition"]?.string,
                (try? resolver.condition(named: condition, at: location)) != true
            {
                continue
            }
            if let text = (try? resolver.resolve(value, at: location.appending("Value")))??.string {
                values[name] = text
            }
        }
        return values
    }
}
