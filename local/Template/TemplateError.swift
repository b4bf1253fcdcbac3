/// A problem with `template.yaml`: what is wrong and where.
///
/// Every error names the resource (a logical ID; `nil` for parameters, conditions, outputs and
/// syntax errors) and the property path inside it (`Properties.Environment.Variables.BUCKET`,
/// `Parameters.Stage`), so the message can point at the line to fix.
public struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The kind of problem, for callers that react to one kind in particular.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadable
            case invalidYAML
            case unsupported
            case invalidValue
            case missingProperty
            case unknownReference
            case unknownAttribute
            case invalidParameter
            case cycle
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The template file cannot be read.
        public static let unreadable = Code(.unreadable)
        /// The text is not YAML, or uses a tag that is not an intrinsic function.
        public static let invalidYAML = Code(.invalidYAML)
        /// A resource type, function kind, event type or intrinsic the emulator does not serve.
        public static let unsupported = Code(.unsupported)
        /// A property has the wrong shape or an invalid value.
        public static let invalidValue = Code(.invalidValue)
        /// A required property is absent.
        public static let missingProperty = Code(.missingProperty)
        /// A `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::FindInMap` or `Condition` names nothing in the template.
        public static let unknownReference = Code(.unknownReference)
        /// `Fn::GetAtt` asks a resource for an attribute its type does not have.
        public static let unknownAttribute = Code(.unknownAttribute)
        /// A parameter has no value, or a value its `AllowedValues` or `AllowedPattern` refuses.
        public static let invalidParameter = Code(.invalidParameter)
        /// Names or conditions that depend on each other in a circle.
        public static let cycle = Code(.cycle)

        public var description: String { base.rawValue }
    }

    /// The kind of problem.
    public var code: Code
    /// The logical ID of the resource at fault, if the problem is inside a resource.
    public var resource: String?
    /// The property path at fault, relative to the resource (or from the template's top level).
    public var property: String?
    /// What went wrong and what to do about it.
    public var message: String

    public init(_ code: Code, resource: String? = nil, property: String? = nil, message: String) {
        self.code = code
        self.resource = resource
        self.property = property
        self.message = message
    }

    public var description: String {
        switch (resource, property) {
        case let (resource?, property?): "template: resource \(resource), \(property): \(message)"
        case let (resource?, nil): "template: resource \(resource): \(message)"
        case let (nil, property?): "template: \(property): \(message)"
        case (nil, nil): "template: \(message)"
        }
    }
}
