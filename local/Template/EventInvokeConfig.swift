/// How the emulator retries a function's asynchronous invocations and where it sends their outcome.
public struct EventInvokeConfig: Sendable, Equatable {
    /// `MaximumRetryAttempts`, 0 to 2; 2 by default, as in AWS.
    public var maximumRetryAttempts: Int
    /// `MaximumEventAgeInSeconds`, if set (60 to 21600).
    public var maximumEventAgeSeconds: Int?
    /// The logical ID of the SQS queue that receives events whose invocation failed.
    public var onFailureQueue: String?
    /// The logical ID of the SQS queue that receives the results of successful invocations.
    public var onSuccessQueue: String?

    public init(
        maximumRetryAttempts: Int = 2, maximumEventAgeSeconds: Int? = nil, onFailureQueue: String? = nil,
        onSuccessQueue: String? = nil
    ) {
        self.maximumRetryAttempts = maximumRetryAttempts
        self.maximumEventAgeSeconds = maximumEventAgeSeconds
        self.onFailureQueue = onFailureQueue
        self.onSuccessQueue = onSuccessQueue
    }
}

extension EventInvokeConfig {
    /// Reads SAM's `EventInvokeConfig` function property.
    init(reading config: PropertyReader, resolver: Resolver) throws {
        let destinations = try config["DestinationConfig"]
        self.init(
            maximumRetryAttempts: try config["MaximumRetryAttempts"].integer(in: 0...2) ?? 2,
            maximumEventAgeSeconds: try config["MaximumEventAgeInSeconds"].integer(in: 60...21600),
            onFailureQueue: try Self.queue(of: destinations["OnFailure"], resolver: resolver),
            onSuccessQueue: try Self.queue(of: destinations["OnSuccess"], resolver: resolver))
    }

    private static func queue(of destination: PropertyReader, resolver: Resolver) throws -> String? {
        guard destination.isPresent else { return nil }
        let type = try destination["Type"]
        guard try type.requiredText() == "SQS" else {
            throw type.error(
                .unsupported, "only SQS destinations are served locally, not '\(try type.requiredText())'")
        }
        let target = try destination["Destination"]
        let value = try target.requiredText()
        guard let queue = resolver.logicalID(of: .queue, named: value) else {
            throw target.error(
                .unknownReference, "'\(value)' is not an AWS::SQS::Queue of the template; use !GetAtt Queue.Arn")
        }
        return queue
    }
}
