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
    /// When the token keys were read (seconds since the epoch).
    private var tokenKeysRead: Int64 = 0

    /// The access-token secret (its ARN or name); nil: `JWT_SECRET_ARN` of the environment.
    private let tokenSecretID: String?

    public init(settings: ServiceSettings, aws: AWSConfiguration, tokenSecretID: String? = nil) throws {
        self.settings = settings
        self.aws = aws
        self.tokenSecretID = tokenSecretID
        dynamodb = try DynamoDBClient(configuration: aws)
        s3 = try S3Client(configuration: aws)
    }

    /// The signer of access tokens. Its keys are the versions of the Secrets Manager secret
    /// `JWT_SECRET_ARN` names, read once per warm instance: `AWSCURRENT` signs new tokens and
    /// verifies, `AWSPREVIOUS` (after a rotation) still verifies; each version's id is its tokens'
    /// `kid`. Only the functions that issue or check tokens (the API's) may read the secret: the
    /// pipeline's, which read untrusted media and links, cannot mint a session.
    public func tokens() throws -> AccessTokenSigner {
        if let tokenSigner { return tokenSigner }
        let arn = try tokenSecretID ?? Environment.require("JWT_SECRET_ARN")
        let secrets = try SecretsManagerClient(configuration: aws)
        let current = try secrets.getSecretValue(secretID: arn, stage: SecretsManagerClient.current)
        var accepted: [AccessTokenSigner.Key] = []
        do {
            let previous = try secrets.getSecretValue(secretID: arn, stage: SecretsManagerClient.previous)
            accepted.append(try Self.tokenKey(previous))
        } catch let error as AWSError where error.code == "ResourceNotFoundException" {
            // Never rotated: one key.
        }
        let signer = AccessTokenSigner(signingKey: try Self.tokenKey(current), acceptedKeys: accepted)
        tokenSigner = signer
        tokenKeysRead = Timestamp.now().secondsSinceEpoch
        return signer
    }

    /// The signer to verify `token` with: `tokens()`, read again when the token names a key this
    /// instance does not hold (the secret rotated since it read it), so a warm instance accepts
    /// tokens of the new key. At most once per `TOKEN_KEY_RECHECK_SECONDS` (30): tokens with made-up
    /// key ids cannot make an instance read the secret on every request.
    public func tokens(verifying token: String) throws -> AccessTokenSigner {
        let signer = try tokens()
        let interval = Environment.get("TOKEN_KEY_RECHECK_SECONDS").flatMap { Int64($0) } ?? 30
        guard let keyID = AccessTokenSigner.keyID(of: token), !signer.holds(keyID: keyID),
            Timestamp.now().secondsSinceEpoch - tokenKeysRead >= interval
        else { return signer }
        tokenSigner = nil
        return try tokens()
    }

    /// A version of the token secret as a signing key (its text, at least 32 bytes).
    private static func tokenKey(_ version: SecretsManagerClient.SecretValue) throws -> AccessTokenSigner.Key {
        let secret = Array((version.secretString ?? "").utf8)
        guard secret.count >= 32 else {
            throw ServiceSettings.Invalid(
                description:
                    "the token secret's version \(version.versionID) must be text of at least 32 bytes (it signs access tokens)"
            )
        }
        return AccessTokenSigner.Key(id: version.versionID, secret: secret)
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

    private var billingService: Billing?
    private var webhookSigningSecret: String?

    /// Billing over Stripe, its secret key read once per warm instance (only the billing functions
    /// may read it).
    public func billing() throws -> Billing {
        if let billingService { return billingService }
        let stripe = try settings.requireStripe()
        let arn = try Environment.require("STRIPE_SECRET_ARN")
        let secrets = try SecretsManagerClient(configuration: aws)
        let key = try secrets.getSecretValue(secretID: arn, stage: SecretsManagerClient.current).secretString ?? ""
        let made = Billing(
            stripe: try StripeClient(baseURL: stripe.apiURL, secretKey: key),
            store: BillingStore(db: dynamodb, table: settings.tableName), settings: settings, mail: try mail())
        billingService = made
        return made
    }

    /// The signing secret of Stripe's webhook deliveries (only the webhook function may read it).
    public func stripeWebhookSecret() throws -> String {
        if let webhookSigningSecret { return webhookSigningSecret }
        let arn = try Environment.require("STRIPE_WEBHOOK_SECRET_ARN")
        let secrets = try SecretsManagerClient(configuration: aws)
        let secret = try secrets.getSecretValue(secretID: arn, stage: SecretsManagerClient.current).secretString ?? ""
        guard secret.count >= 16 else {
            throw ServiceSettings.Invalid(description: "the Stripe webhook signing secret is too short to be one")
        }
        webhookSigningSecret = secret
        return secret
    }

    /// The account mail sender (its SES client is made on first use).
    public func mail() throws -> AccountMail {
        AccountMail(accounts: accounts, ses: try ses(), from: settings.mailFrom, webOrigin: settings.webOrigin)
    }

    public lazy var accounts = AccountStore(
        db: dynamodb, table: settings.tableName, s3: s3, bucket: settings.bucketName)
    public lazy var jobs = JobStore(
        db: dynamodb, table: settings.tableName, s3: s3, bucket: settings.bucketName, limits: settings.limits,
        plans: settings.plans, uploadLifetime: settings.uploadURLLifetime)
    public lazy var rateLimiter = RateLimiter(db: dynamodb, table: settings.tableName)
}
