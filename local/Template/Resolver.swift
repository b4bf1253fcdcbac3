/// Evaluates intrinsic functions against a template's parameters, mappings, conditions and resources.
///
/// Conditions and physical names are computed on first use and remembered; a condition or a name
/// that depends on itself, however indirectly, is a `cycle` error rather than endless recursion.
struct Resolver {
    /// A resource as written, with the globals merged into its properties.
    struct Resource: Sendable {
        var logicalID: String
        var type: String
        var kind: ResourceKind
        var properties: TemplateValue
        var condition: String?
        /// `Metadata.DockerBuildTarget`: the Dockerfile target that builds a function's image.
        var imageTarget: String? = nil
    }

    let context: TemplateContext
    let parameters: [String: TemplateValue]
    let mappings: [String: TemplateValue]
    let conditionDefinitions: [String: TemplateValue]
    let resources: [String: Resource]

    private var conditionValues: [String: Bool] = [:]
    private var conditionsInProgress: [String] = []
    var physicalNames: [String: String] = [:]
    var namesInProgress: [String] = []

    init(
        context: TemplateContext, parameters: [String: TemplateValue], mappings: [String: TemplateValue],
        conditions: [String: TemplateValue], resources: [String: Resource]
    ) {
        self.context = context
        self.parameters = parameters
        self.mappings = mappings
        self.conditionDefinitions = conditions
        self.resources = resources
    }

    /// The resource with this logical ID, including the HTTP API that SAM creates implicitly.
    func resource(_ logicalID: String) -> Resource? {
        if let resource = resources[logicalID] { return resource }
        guard logicalID == ResourceKind.implicitHTTPAPI else { return nil }
        return Resource(
            logicalID: logicalID, type: "AWS::Serverless::HttpApi", kind: .httpAPI, properties: .map([:]),
            condition: nil)
    }

    /// Whether the resource is created: it has no `Condition`, or its condition is true.
    mutating func isCreated(_ resource: Resource) throws -> Bool {
        guard let condition = resource.condition else { return true }
        return try self.condition(named: condition, at: .resource(resource.logicalID, "Condition"))
    }

    /// The value of the condition `name`, evaluated once.
    ///
    /// - Throws: `TemplateError` naming `location` if no such condition exists, or a `cycle` error.
    mutating func condition(named name: String, at location: Location) throws -> Bool {
        if let value = conditionValues[name] { return value }
        guard let definition = conditionDefinitions[name] else {
            throw location.error(.unknownReference, "no condition named '\(name)' is defined under Conditions")
        }
        guard !conditionsInProgress.contains(name) else {
            let circle = (conditionsInProgress.drop { $0 != name } + [name]).joined(separator: " → ")
            throw Location.section("Conditions", name).error(.cycle, "conditions depend on each other: \(circle)")
        }
        conditionsInProgress.append(name)
        defer { conditionsInProgress.removeLast() }
        let value = try evaluateCondition(definition, at: .section("Conditions", name))
        conditionValues[name] = value
        return value
    }

    private mutating func evaluateCondition(_ value: TemplateValue, at location: Location) throws -> Bool {
        if case .map(let entries) = value, entries.count == 1, let reference = entries["Condition"] {
            guard let name = reference.string else {
                throw location.error(.invalidValue, "Condition takes the name of a condition, not \(reference.kind)")
            }
            return try condition(named: name, at: location)
        }
        guard let (function, argument) = value.intrinsic else {
            throw location.error(
                .invalidValue, "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition, not \(value.kind)")
        }
        let operands = argument.listItems ?? []
        switch function {
        case "Fn::Equals":
            guard operands.count == 2 else {
                throw location.error(.invalidValue, "Fn::Equals takes a list of two values")
            }
            return try resolve(operands[0], at: location) == resolve(operands[1], at: location)
        case "Fn::Not":
            guard operands.count == 1 else {
                throw location.error(.invalidValue, "Fn::Not takes a list of one condition")
            }
            return try !evaluateCondition(operands[0], at: location)
        case "Fn::And", "Fn::Or":
            guard (2...10).contains(operands.count) else {
                throw location.error(.invalidValue, "\(function) takes a list of 2 to 10 conditions")
            }
            var results: [Bool] = []
            for operand in operands { results.append(try evaluateCondition(operand, at: location)) }
            return function == "Fn::And" ? !results.contains(false) : results.contains(true)
        default:
            throw location.error(
                .invalidValue, "a condition is Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition, not \(function)")
        }
    }
}
