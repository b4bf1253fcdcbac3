/// An S3 event notification, as S3 delivers it to Lambda.
///
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
public struct S3Event: Codable, Sendable {
    public var records: [Record]

    enum CodingKeys: String, CodingKey { case records = "Records" }

    public init(records: [Record]) { self.records = records }

    public struct Record: Codable, Sendable {
        public var eventVersion: String
        public var eventSource: String
        public var awsRegion: String
        public var eventTime: Timestamp
        /// `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectRemoved:Delete`, …
        public var eventName: String
        public var userIdentity: UserIdentity
        public var requestParameters: RequestParameters
        public var responseElements: [String: String]
        public var s3: Entity

        public init(
            eventVersion: String = "2.1", eventSource: String = "aws:s3", awsRegion: String,
            eventTime: Timestamp, eventName: String, userIdentity: UserIdentity,
            requestParameters: RequestParameters, responseElements: [String: String], s3: Entity
        ) {
            self.eventVersion = eventVersion
            self.eventSource = eventSource
            self.awsRegion = awsRegion
            self.eventTime = eventTime
            self.eventName = eventName
            self.userIdentity = userIdentity
            self.requestParameters = requestParameters
            self.responseElements = responseElements
            self.s3 = s3
        }
    }

    public struct UserIdentity: Codable, Sendable {
        public var principalId: String
        public init(principalId: String) { self.principalId = principalId }
    }

    public struct RequestParameters: Codable, Sendable {
        public var sourceIPAddress: String
        public init(sourceIPAddress: String) { self.sourceIPAddress = sourceIPAddress }
    }

    public struct Entity: Codable, Sendable {
        public var s3SchemaVersion: String
        public var configurationId: String
        public var bucket: Bucket
        public var object: Object

        public init(s3SchemaVersion: String = "1.0", configurationId: String, bucket: Bucket, object: Object) {
            self.s3SchemaVersion = s3SchemaVersion
            self.configurationId = configurationId
            self.bucket = bucket
            self.object = object
        }
    }

    public struct Bucket: Codable, Sendable {
        public var name: String
        public var ownerIdentity: UserIdentity
        public var arn: String

        public init(name: String, ownerIdentity: UserIdentity, arn: String) {
            self.name = name
            self.ownerIdentity = ownerIdentity
            self.arn = arn
        }
    }

    public struct Object: Codable, Sendable {
        /// The key as S3 sends it: URL-encoded, with `+` for a space.
        public var urlEncodedKey: String
        /// Absent for deletions.
        public var size: Int64?
        public var eTag: String?
        public var versionId: String?
        /// Orders events for one key: a greater sequencer (compared as hex of equal length) is later.
        public var sequencer: String

        enum CodingKeys: String, CodingKey { case urlEncodedKey = "key", size, eTag, versionId, sequencer }

        public init(key: String, size: Int64?, eTag: String?, versionId: String? = nil, sequencer: String) {
            self.urlEncodedKey = S3Event.Object.encodeKey(key)
            self.size = size
            self.eTag = eTag
            self.versionId = versionId
            self.sequencer = sequencer
        }

        /// The object's key, decoded (`+` is a space, `%XX` escapes resolved).
        public var key: String { PercentEncoding.decode(urlEncodedKey, plusAsSpace: true) }

        /// Encodes a key as S3 does in notifications: form encoding, spaces as `+`, `/` kept.
        public static func encodeKey(_ key: String) -> String {
            key.split(separator: " ", omittingEmptySubsequences: false)
                .map { PercentEncoding.encode(String($0), keepSlash: true) }
                .joined(separator: "+")
        }
    }
}
