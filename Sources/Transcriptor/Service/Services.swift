import Cloud
import Runtime

/// Everything a function of the API uses, made once per cold start and kept while the instance
/// is warm: the settings, the AWS clients, the token signer and the stores over them.
public final class Services {
    public let settings: ServiceSettings
    public let dynamodb: DynamoDBClient
    public let s3: S3Client
    public let tokens: AccessTokenSigner
    public let passwords = PasswordHasher()
    private let aws: AWSConfiguration
    private var sqsClient: SQSClient?
    private var sesClient: SESClient?

    public init(settings: ServiceSettings, aws: AWSConfiguration) throws {
        self.settings = settings
        self.aws = aws
        dynamodb = try DynamoDBClient(configuration: aws)
        s3 = try S3Client(configuration: aws)
        tokens = AccessTokenSigner(secret: settings.tokenSecret)
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
