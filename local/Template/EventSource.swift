/// What invokes a function: an entry of its `Events`.
public enum EventSource: Sendable, Equatable {
    /// An HTTP API route: `Method` uppercased (`ANY` when absent), `Path` (`$default` when absent).
    case httpAPI(method: String, path: String)
    /// S3 notifications of `bucket` (a logical ID) for `events`, filtered by key prefix and suffix.
    case s3(bucket: String, events: [String], prefix: String?, suffix: String?)
    /// An SQS event-source mapping of `queue` (a logical ID).
    case sqs(
        queue: String, batchSize: Int, maximumBatchingWindowSeconds: Int, reportBatchItemFailures: Bool,
        maximumConcurrency: Int?, enabled: Bool)
    /// A `Schedule` or `ScheduleV2` event: `rate(...)` or `cron(...)`, with the JSON `Input` to send.
    case schedule(expression: String, enabled: Bool, input: String?)
}

extension EventSource {
    /// Reads an event from its resolved definition (`Type` and `Properties`).
    init(reading event: PropertyReader, resolver: Resolver) throws {
        let type = try event["Type"]
        let properties = try event["Properties"]
        switch try type.requiredText() {
        case "HttpApi":
            let method = try properties["Method"].text()?.uppercased() ?? "ANY"
            let path = try properties["Path"]
            let route = try path.text() ?? "$default"
            guard route == "$default" || route.hasPrefix("/") else {
                throw path.error(.invalidValue, "an HTTP API path starts with '/' (or is $default), not '\(route)'")
            }
            self = .httpAPI(method: method, path: route)
        case "S3":
            let bucket = try properties["Bucket"]
            guard let logicalID = resolver.logicalID(of: .bucket, named: try bucket.requiredText()) else {
                throw bucket.error(.unknownReference, "an S3 event needs !Ref to an AWS::S3::Bucket of the template")
            }
            let events = try properties["Events"]
            guard let names = try events.texts(acceptingOne: true), !names.isEmpty else {
                throw events.error(.missingProperty, "an S3 event lists its event types, such as s3:ObjectCreated:*")
            }
            if let name = names.first(where: { !$0.hasPrefix("s3:") }) {
                throw events.error(.invalidValue, "'\(name)' is not an S3 event type such as s3:ObjectCreated:*")
            }
            var prefix: String?
            var suffix: String?
            for rule in try properties["Filter"]["S3Key"]["Rules"].items() ?? [] {
                let name = try rule["Name"]
                let value = try rule["Value"].requiredText()
                switch try name.requiredText().lowercased() {
                case "prefix": prefix = value
                case "suffix": suffix = value
                default: throw name.error(.invalidValue, "an S3 key filter rule is named prefix or suffix")
                }
            }
            self = .s3(bucket: logicalID, events: names, prefix: prefix, suffix: suffix)
        case "SQS":
            let queue = try properties["Queue"]
            guard let logicalID = resolver.logicalID(of: .queue, named: try queue.requiredText()) else {
                throw queue.error(
                    .unknownReference, "an SQS event needs !GetAtt Queue.Arn of an AWS::SQS::Queue of the template")
            }
            let responseTypes = try properties["FunctionResponseTypes"]
            let types = try responseTypes.texts() ?? []
            if let unknown = types.first(where: { $0 != "ReportBatchItemFailures" }) {
                throw responseTypes.error(
                    .invalidValue, "'\(unknown)' is not a response type; use ReportBatchItemFailures")
            }
            self = .sqs(
                queue: logicalID,
                batchSize: try properties["BatchSize"].integer(in: 1...10000) ?? 10,
                maximumBatchingWindowSeconds: try properties["MaximumBatchingWindowInSeconds"].integer(in: 0...300)
                    ?? 0,
                reportBatchItemFailures: types.contains("ReportBatchItemFailures"),
                maximumConcurrency: try properties["ScalingConfig"]["MaximumConcurrency"].integer(in: 2...1000),
                enabled: try properties["Enabled"].boolean() ?? true)
        case "Schedule":
            let state = try Self.state(properties["State"])
            self = .schedule(
                expression: try Self.expression(properties["Schedule"]),
                enabled: try properties["Enabled"].boolean() ?? state,
                input: try properties["Input"].text())
        case "ScheduleV2":
            self = .schedule(
                expression: try Self.expression(properties["ScheduleExpression"]),
                enabled: try Self.state(properties["State"]),
                input: try properties["Input"].text())
        case let other:
            throw type.error(
                .unsupported,
                "event type '\(other)' is not served locally; use HttpApi, S3, SQS, Schedule or ScheduleV2")
        }
    }

    private static func expression(_ property: PropertyReader) throws -> String {
        let expression = try property.requiredText()
        guard expression.hasPrefix("rate(") || expression.hasPrefix("cron("), expression.hasSuffix(")") else {
            throw property.error(.invalidValue, "a schedule is rate(...) or cron(...), not '\(expression)'")
        }
        return expression
    }

    private static func state(_ property: PropertyReader) throws -> Bool {
        switch try property.text()?.uppercased() {
        case nil, "ENABLED": return true
        case "DISABLED": return false
        case let other?: throw property.error(.invalidValue, "State is ENABLED or DISABLED, not '\(other)'")
        }
    }
}
