/// The resource types the emulator serves, and the rest, which it reads past.
enum ResourceKind: Sendable, Equatable {
    case function
    case bucket
    case queue
    case table
    case simpleTable
    case httpAPI
    case secret
    /// A type the emulator has no use for (topics, alarms, roles, permissions, …).
    case ignored

    /// The logical ID of the HTTP API that SAM creates for `HttpApi` events when the template declares none.
    static let implicitHTTPAPI = "ServerlessHttpApi"

    /// The kind of a CloudFormation type; `AWS::Lambda::Function` reads as ignored here, and the
    /// reader refuses it once it knows the resource is created.
    init(type: String) {
        switch type {
        case "AWS::Serverless::Function": self = .function
        case "AWS::S3::Bucket": self = .bucket
        case "AWS::SQS::Queue": self = .queue
        case "AWS::DynamoDB::Table": self = .table
        case "AWS::Serverless::SimpleTable": self = .simpleTable
        case "AWS::Serverless::HttpApi": self = .httpAPI
        case "AWS::SecretsManager::Secret": self = .secret
        default: self = .ignored
        }
    }

    /// The property that holds an explicit physical name, if the type has one.
    static func nameProperty(ofType type: String) -> String? {
        switch type {
        case "AWS::S3::Bucket": "BucketName"
        case "AWS::SQS::Queue": "QueueName"
        case "AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable": "TableName"
        case "AWS::SNS::Topic": "TopicName"
        case "AWS::Logs::LogGroup": "LogGroupName"
        case "AWS::CloudWatch::Alarm": "AlarmName"
        case "AWS::SecretsManager::Secret": "Name"
        default: nil
        }
    }

    /// The attributes `Fn::GetAtt` can ask a resource of this kind for.
    var attributes: [String] {
        switch self {
        case .function: ["Arn"]
        case .bucket: ["Arn", "DomainName", "RegionalDomainName"]
        case .queue: ["Arn", "QueueName", "QueueUrl"]
        case .table, .simpleTable: ["Arn", "StreamArn"]
        case .httpAPI: ["ApiId", "ApiEndpoint"]
        case .secret: ["Id"]
        case .ignored: ["Arn"]
        }
    }
}
