import HTTP
import Runtime

/// AWS Secrets Manager over its JSON 1.1 protocol: the versions of a secret and their staging
/// labels (`AWSCURRENT`, `AWSPREVIOUS`), which is how a key rotates with two valid at once.
///
/// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html
public final class SecretsManagerClient {
    let transport: AWSTransport

    /// The label of a secret's current version.
    public static let current = "AWSCURRENT"
    /// The label PutSecretValue moves to the version that was current.
    public static let previous = "AWSPREVIOUS"

    public init(configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        transport = try AWSTransport(service: .secretsmanager, configuration: configuration, http: http)
    }

    private func call<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, idempotent: Bool
    ) throws -> Output {
        try transport.jsonCall(
            targetPrefix: "secretsmanager", operation: operation, input: input, idempotent: idempotent,
            jsonVersion: "1.1")
    }

    /// One version of a secret, as GetSecretValue returns it.
    public struct SecretValue: Decodable, Sendable, Equatable {
        public var arn: String
        public var name: String
        public var versionID: String
        public var secretString: String?
        /// Base64 in the response; decoded here.
        public var secretBinary: [UInt8]?
        public var versionStages: [String]

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", versionID = "VersionId", secretString = "SecretString"
            case secretBinary = "SecretBinary", versionStages = "VersionStages"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            arn = try container.decode(String.self, forKey: .arn)
            name = try container.decode(String.self, forKey: .name)
            versionID = try container.decode(String.self, forKey: .versionID)
            secretString = try container.decodeIfPresent(String.self, forKey: .secretString)
            secretBinary = try container.decodeIfPresent(String.self, forKey: .secretBinary).flatMap {
                Base64.decode($0)
            }
            versionStages = try container.decodeIfPresent([String].self, forKey: .versionStages) ?? []
        }
    }

    /// What CreateSecret and PutSecretValue return.
    public struct VersionReference: Decodable, Sendable, Equatable {
        public var arn: String
        public var name: String
        public var versionID: String?
        public var versionStages: [String]?

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", versionID = "VersionId", versionStages = "VersionStages"
        }
    }

    /// A secret's metadata, as DescribeSecret returns it.
    public struct Description: Decodable, Sendable, Equatable {
        public var arn: String
        public var name: String
        public var description: String?
        /// The staging labels of each version that has one.
        public var versionIDsToStages: [String: [String]]

        enum CodingKeys: String, CodingKey {
            case arn = "ARN", name = "Name", description = "Description", versionIDsToStages = "VersionIdsToStages"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            arn = try container.decode(String.self, forKey: .arn)
            name = try container.decode(String.self, forKey: .name)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            versionIDsToStages =
                try container.decodeIfPresent([String: [String]].self, forKey: .versionIDsToStages) ?? [:]
        }
    }

    /// The version of `secretID` (a name or ARN) that has `stage`, or the version `versionID`.
    /// - Throws: `AWSError` `ResourceNotFoundException` when there is no such secret or version.
    public func getSecretValue(secretID: String, stage: String? = nil, versionID: String? = nil) throws -> SecretValue {
        struct Input: Encodable { var SecretId: String; var VersionStage: String?; var VersionId: String? }
        return try call(
            "GetSecretValue", Input(SecretId: secretID, VersionStage: stage, VersionId: versionID), idempotent: true)
    }

    /// A new secret whose first version (`AWSCURRENT`) holds `string`.
    /// - Throws: `AWSError` `ResourceExistsException` when the name is taken.
    public func createSecret(
        name: String, string: String, description: String? = nil, clientRequestToken: String = RandomBytes.uuid()
    ) throws -> VersionReference {
        struct Input: Encodable {
            var Name: String; var SecretString: String; var Description: String?; var ClientRequestToken: String
        }
        return try call(
            "CreateSecret",
            Input(Name: name, SecretString: string, Description: description, ClientRequestToken: clientRequestToken),
            idempotent: true)
    }

    /// A new version of the secret. With the default `stages`, it becomes `AWSCURRENT` and the
    /// version that was current becomes `AWSPREVIOUS` (the one before loses its label). The same
    /// `clientRequestToken` with the same value is a no-op, so a retry does not rotate twice.
    public func putSecretValue(
        secretID: String, string: String, stages: [String]? = nil, clientRequestToken: String = RandomBytes.uuid()
    ) throws -> VersionReference {
        struct Input: Encodable {
            var SecretId: String; var SecretString: String; var VersionStages: [String]?; var ClientRequestToken: String
        }
        return try call(
            "PutSecretValue",
            Input(
                SecretId: secretID, SecretString: string, VersionStages: stages, ClientRequestToken: clientRequestToken),
            idempotent: true)
    }

    public func describeSecret(secretID: String) throws -> Description {
        struct Input: Encodable { var SecretId: String }
        return try call("DescribeSecret", Input(SecretId: secretID), idempotent: true)
    }

    /// Deletes a secret at once (no recovery window).
    public func deleteSecret(secretID: String) throws {
        struct Input: Encodable { var SecretId: String; var ForceDeleteWithoutRecovery: Bool }
        struct Output: Decodable {}
        let _: Output = try call(
            "DeleteSecret", Input(SecretId: secretID, ForceDeleteWithoutRecovery: true), idempotent: true)
    }
}
