import Cloud
import Runtime

/// Everything a function of the API uses, made once per cold start and kept while the instance
/// is warm: the settings, the AWS clients, the token signer and the stores over them.
public final class Services {
    public let settings: ServiceSettings
    public let dynamodb: DynamoDBClient
    public let s3: S3Client
    public let passwords = PasswordHasher()
    private let aws: AWSConfiguration
    private var sqsClient: SQSClient?
    private var sesClient: SESClient?
    private var tokenSigner: AccessTokenSigner?

    public init(settings: ServiceSettings, aws: AWSConfiguration) throws {
        self.settings = settings
        self.aws = aws
        dynamodb = try DynamoDBClient(configuration: aws)
        s3 = try S3Client(configuration: aws)
    }

    /// The signer of access tokens, keyed by `JWT_SECRET` (at least 32 characters). Only the
    /// functions that issue or check tokens (the API's) are given the secret: the pipeline's,
    /// which read untrusted media and links, cannot mint a session.
    public func tokens() throws -> AccessTokenSigner {
        if let tokenSigner { return tokenSigner }
        let secret = Array(try Environment.require("JWT_SECRET").utf8)
        guard secret.count >= 32 else {
            throw ServiceSettings.Invalid(
                description: "JWT_SECRET must have at least 32 characters (it signs access tokens)")
        }
        let signer = AccessTokenSigner(secret: secret)
        tokenSigner = signer
        return signer
    }

    /// From the function's environment (see `ServiceSettings.fromEnvironment`).
    public static func fromEnvironment() throws -> Services {
        try Services(settings: .fromEnvironment(), aws: .fromEnvironment())
    }

    /// SQS and SES clients are made on first use: most routes need neither.
    public func sqs() throws -> SQSClient {
        if let sqsClient { return sqsClient }
        let client = try SQSClient(configuration: aws)
        sqsClient = client
        return client
    }

    public func ses() throws -> SESClient {
        if let sesClient { return sesClient }
        let client = try SESClient(configuration: aws)
        sesClient = client
        return client
    }

    public lazy var accounts = AccountStore(services: self)
    public lazy var jobs = JobStore(services: self)
    public lazy var rateLimiter = RateLimiter(db: dynamodb, table: settings.tableName)
}
