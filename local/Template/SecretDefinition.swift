/// A secret the emulator's Secrets Manager holds (`AWS::SecretsManager::Secret`): created on the
/// emulator's first start with `SecretString`, or a value made as `GenerateSecretString` asks.
public struct SecretDefinition: Sendable, Equatable {
    public var logicalID: String
    /// `Name`, else `<stack>-<logical id>`.
    public var name: String
    /// What `Ref` gives: `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`.
    public var arn: String
    public var description: String?
    /// The value the template gives; nil when it is generated.
    public var secretString: String?
    public var generate: GenerateSecretString?

    /// `GenerateSecretString`: a random password, alone or as one key of a JSON object.
    public struct GenerateSecretString: Sendable, Equatable {
        public var passwordLength = 32
        public var excludeCharacters = ""
        public var excludeNumbers = false
        public var excludePunctuation = false
        public var excludeUppercase = false
        public var excludeLowercase = false
        public var includeSpace = false
        /// A JSON object the password is added to, under `generateStringKey`.
        public var secretStringTemplate: String?
        public var generateStringKey: String?

        public init() {}
    }

    public init(
        logicalID: String, name: String, arn: String, description: String? = nil, secretString: String? = nil,
        generate: GenerateSecretString? = nil
    ) {
        self.logicalID = logicalID
        self.name = name
        self.arn = arn
        self.description = description
        self.secretString = secretString
        self.generate = generate
    }

    /// The ARN of a secret named `name`: AWS ends it with six random characters; here they are
    /// made from the name, so `Ref` and the local Secrets Manager agree across restarts.
    public static func arn(name: String, region: String, accountID: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var suffix = ""
        for _ in 0..<6 {
            suffix.append(alphabet[Int(hash % UInt64(alphabet.count))])
            hash /= UInt64(alphabet.count)
        }
        return "arn:aws:secretsmanager:\(region):\(accountID):secret:\(name)-\(suffix)"
    }
}

extension SecretDefinition {
    /// Reads a secret from its resolved properties.
    init(logicalID: String, name: String, arn: String, properties: PropertyReader) throws {
        let string = try properties["SecretString"].text()
        let generateReader = try properties["GenerateSecretString"]
        var generate: GenerateSecretString?
        if generateReader.value != nil {
            var options = GenerateSecretString()
            options.passwordLength = try generateReader["PasswordLength"].integer(in: 1...4096) ?? 32
            options.excludeCharacters = try generateReader["ExcludeCharacters"].text() ?? ""
            options.excludeNumbers = try generateReader["ExcludeNumbers"].boolean() ?? false
            options.excludePunctuation = try generateReader["ExcludePunctuation"].boolean() ?? false
            options.excludeUppercase = try generateReader["ExcludeUppercase"].boolean() ?? false
            options.excludeLowercase = try generateReader["ExcludeLowercase"].boolean() ?? false
            options.includeSpace = try generateReader["IncludeSpace"].boolean() ?? false
            options.secretStringTemplate = try generateReader["SecretStringTemplate"].text()
            options.generateStringKey = try generateReader["GenerateStringKey"].text()
            if (options.secretStringTemplate == nil) != (options.generateStringKey == nil) {
                throw generateReader.error(
                    .invalidValue, "SecretStringTemplate and GenerateStringKey go together (or neither is given)")
            }
            generate = options
        }
        if string != nil && generate != nil {
            throw properties.error(.invalidValue, "a secret has SecretString or GenerateSecretString, not both")
        }
        self.init(
            logicalID: logicalID, name: name, arn: arn, description: try properties["Description"].text(),
            secretString: string, generate: generate)
    }
}
