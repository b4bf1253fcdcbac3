import Foundation

/// A SAM template read for the local emulator: the resources it serves, with every name, reference
/// and condition resolved.
///
/// Functions, buckets, queues and tables are keyed by logical ID. Resource types the emulator has
/// no use for (topics, alarms, roles, log groups, …) are listed in `ignoredResources`, and
/// resources whose `Condition` is false are left out altogether.
public struct Template: Sendable {
    /// The deployment the template was read for.
    public var context: TemplateContext
    /// `AWS::Serverless::Function` resources, by logical ID (which is also the function's name).
    public var functions: [String: FunctionDefinition]
    /// `AWS::S3::Bucket` resources, by logical ID.
    public var buckets: [String: BucketDefinition]
    /// `AWS::SQS::Queue` resources, by logical ID.
    public var queues: [String: QueueDefinition]
    /// `AWS::DynamoDB::Table` and `AWS::Serverless::SimpleTable` resources, by logical ID.
    public var tables: [String: TableDefinition]
    /// The HTTP API the gateway serves: the template's `AWS::Serverless::HttpApi`, or SAM's implicit one.
    public var httpAPI: HTTPAPIDefinition
    /// Every parameter's value: its override, else its `Default`; list parameters joined by commas.
    public var parameters: [String: String]
    /// The outputs whose values resolve to text here; the others are left out.
    public var outputs: [String: String]
    /// Created resources of types the emulator does not serve: logical ID → type.
    public var ignoredResources: [String: String]
    /// `AWS::SecretsManager::Secret` resources, by logical ID.
    public var secrets: [String: SecretDefinition] = [:]

    public init(
        context: TemplateContext = .init(), functions: [String: FunctionDefinition] = [:],
        buckets: [String: BucketDefinition] = [:], queues: [String: QueueDefinition] = [:],
        tables: [String: TableDefinition] = [:], httpAPI: HTTPAPIDefinition = .init(),
        parameters: [String: String] = [:], outputs: [String: String] = [:], ignoredResources: [String: String] = [:]
    ) {
        self.context = context
        self.functions = functions
        self.buckets = buckets
        self.queues = queues
        self.tables = tables
        self.httpAPI = httpAPI
        self.parameters = parameters
        self.outputs = outputs
        self.ignoredResources = ignoredResources
    }

    /// Reads the template file at `path`.
    ///
    /// - Throws: `TemplateError`, naming the resource and property at fault; the message says what
    ///   to change in the template (or, with code `unreadable`, why the file could not be read).
    /// - Parameter secrets: gives the value of a `NoEcho` parameter that has neither an override
    ///   nor a `Default` (the emulator keeps generated secrets in its data folder).
    public static func load(
        path: String, context: TemplateContext = .init(), parameterOverrides: [String: String] = [:],
        secrets: SecretSource? = nil
    ) throws -> Template {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TemplateError(.unreadable, message: "cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: yaml, context: context, parameterOverrides: parameterOverrides, secrets: secrets)
    }

    /// Reads a template from its YAML text.
    ///
    /// - Throws: `TemplateError`, naming the resource and property at fault; the message says what
    ///   to change in the template.
    public static func parse(
        yaml: String, context: TemplateContext = .init(), parameterOverrides: [String: String] = [:],
        secrets: SecretSource? = nil
    ) throws -> Template {
        var reader = try TemplateReader(
            root: TemplateValue.parse(yaml: yaml), context: context, parameterOverrides: parameterOverrides,
            secrets: secrets)
        return try reader.read()
    }
}

/// The value of a secret parameter, by name.
public typealias SecretSource = (String) throws -> String
