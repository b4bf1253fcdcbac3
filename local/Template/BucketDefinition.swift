/// An S3 bucket the emulator serves (`AWS::S3::Bucket`); lifecycle rules are not emulated.
public struct BucketDefinition: Sendable, Equatable {
    /// The bucket's logical ID.
    public var logicalID: String
    /// The physical name: `BucketName` resolved, else `<stack>-<logical id>` lowercased.
    public var name: String
    /// `CorsConfiguration.CorsRules`, in order.
    public var corsRules: [CORSRule]

    public init(logicalID: String, name: String, corsRules: [CORSRule] = []) {
        self.logicalID = logicalID
        self.name = name
        self.corsRules = corsRules
    }
}

/// One S3 CORS rule.
public struct CORSRule: Sendable, Equatable {
    public var id: String?
    public var allowedOrigins: [String]
    public var allowedMethods: [String]
    public var allowedHeaders: [String]
    public var exposedHeaders: [String]
    /// `MaxAge`: how many seconds a browser may cache the preflight answer.
    public var maxAge: Int?

    public init(
        id: String? = nil, allowedOrigins: [String], allowedMethods: [String], allowedHeaders: [String] = [],
        exposedHeaders: [String] = [], maxAge: Int? = nil
    ) {
        self.id = id
        self.allowedOrigins = allowedOrigins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.maxAge = maxAge
    }
}

extension BucketDefinition {
    private static let methods: Set<String> = ["GET", "PUT", "POST", "DELETE", "HEAD"]

    /// Reads a bucket from its resolved properties.
    init(logicalID: String, name: String, properties: PropertyReader) throws {
        var rules: [CORSRule] = []
        for rule in try properties["CorsConfiguration"]["CorsRules"].items() ?? [] {
            let methods = try rule["AllowedMethods"]
            let allowedMethods = try methods.texts() ?? []
            if allowedMethods.isEmpty {
                throw methods.error(.missingProperty, "a CORS rule lists its AllowedMethods")
            }
            if let method = allowedMethods.first(where: { !Self.methods.contains($0) }) {
                throw methods.error(
                    .invalidValue, "'\(method)' is not an S3 CORS method (GET, PUT, POST, DELETE, HEAD)")
            }
            let origins = try rule["AllowedOrigins"]
            guard let allowedOrigins = try origins.texts(), !allowedOrigins.isEmpty else {
                throw origins.error(.missingProperty, "a CORS rule lists its AllowedOrigins")
            }
            rules.append(
                CORSRule(
                    id: try rule["Id"].text(),
                    allowedOrigins: allowedOrigins,
                    allowedMethods: allowedMethods,
                    allowedHeaders: try rule["AllowedHeaders"].texts() ?? [],
                    exposedHeaders: try rule["ExposedHeaders"].texts() ?? [],
                    maxAge: try rule["MaxAge"].integer(in: 0...Int(Int32.max))))
        }
        self.init(logicalID: logicalID, name: name, corsRules: rules)
    }
}
