/// The AWS services the project calls, with the names SigV4 and the endpoint settings use.
public enum AWSService: String, Sendable, CaseIterable {
    case s3, sqs, dynamodb, sesv2, lambda, secretsmanager

    /// The name in the SigV4 credential scope.
    public var signingName: String {
        switch self {
        case .s3: "s3"
        case .sqs: "sqs"
        case .dynamodb: "dynamodb"
        case .sesv2: "ses"
        case .lambda: "lambda"
        case .secretsmanager: "secretsmanager"
        }
    }

    /// The suffix of the per-service endpoint variable (`AWS_ENDPOINT_URL_S3`, …), derived from the
    /// service id as the SDKs derive it.
    public var environmentSuffix: String {
        switch self {
        case .s3: "S3"
        case .sqs: "SQS"
        case .dynamodb: "DYNAMODB"
        case .sesv2: "SESV2"
        case .lambda: "LAMBDA"
        case .secretsmanager: "SECRETS_MANAGER"
        }
    }

    func defaultHost(region: String) -> String {
        switch self {
        case .s3: "s3.\(region).amazonaws.com"
        case .sqs: "sqs.\(region).amazonaws.com"
        case .dynamodb: "dynamodb.\(region).amazonaws.com"
        case .sesv2: "email.\(region).amazonaws.com"
        case .lambda: "lambda.\(region).amazonaws.com"
        case .secretsmanager: "secretsmanager.\(region).amazonaws.com"
        }
    }
}
