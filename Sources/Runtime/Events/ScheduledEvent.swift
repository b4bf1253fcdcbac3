/// An EventBridge (CloudWatch Events) scheduled event, as a `Schedule` event source delivers it.
///
/// https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html
public struct ScheduledEvent: Codable, Sendable {
    public var version: String
    public var id: String
    /// `Scheduled Event`.
    public var detailType: String
    /// `aws.events`.
    public var source: String
    public var account: String
    public var time: Timestamp
    public var region: String
    /// The rule's ARN.
    public var resources: [String]
    public var detail: JSONValue

    enum CodingKeys: String, CodingKey {
        case version, id, detailType = "detail-type", source, account, time, region, resources, detail
    }

    public init(
        version: String = "0", id: String, detailType: String = "Scheduled Event", source: String = "aws.events",
        account: String, time: Timestamp, region: String, resources: [String], detail: JSONValue = .object([:])
    ) {
        self.version = version
        self.id = id
        self.detailType = detailType
        self.source = source
        self.account = account
        self.time = time
        self.region = region
        self.resources = resources
        self.detail = detail
    }
}
