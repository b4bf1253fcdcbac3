import LocalStore
import Runtime

/// A bucket the store serves from the start (the template's `AWS::S3::Bucket`s), with its CORS rules.
public struct BucketConfig: Sendable, Equatable {
    /// One S3 CORS rule (`CorsConfiguration.CorsRules[]`).
    public struct CORSRule: Sendable, Equatable {
        /// Origins, each with at most one `*` wildcard (`*` alone allows every origin).
        public var allowedOrigins: [String]
        /// `GET`, `PUT`, `POST`, `DELETE`, `HEAD`.
        public var allowedMethods: [String]
        /// Request headers a preflight may ask for, each with at most one `*`; compared case-insensitively.
        public var allowedHeaders: [String]
        /// Response headers the browser may expose to scripts.
        public var exposedHeaders: [String]
        /// Seconds a browser may cache the preflight answer.
        public var maxAge: Int?

        public init(
            allowedOrigins: [String], allowedMethods: [String], allowedHeaders: [String] = [],
            exposedHeaders: [String] = [], maxAge: Int? = nil
        ) {
            self.allowedOrigins = allowedOrigins
            self.allowedMethods = allowedMethods
            self.allowedHeaders = allowedHeaders
            self.exposedHeaders = exposedHeaders
            self.maxAge = maxAge
        }
    }

    public var name: String
    public var cors: [CORSRule]

    public init(name: String, cors: [CORSRule] = []) {
        self.name = name
        self.cors = cors
    }
}

/// An `s3:ObjectCreated:*` event waiting for delivery: written in the same transaction as the object.
public struct S3Notification: Sendable, Equatable {
    /// The queue position; pass it to `S3Store.markDelivered(_:)`.
    public var id: Int64
    public var bucket: String
    public var key: String
    /// `ObjectCreated:Put`, `ObjectCreated:Copy` or `ObjectCreated:Post`.
    public var eventName: String
    public var size: Int64
    /// The hex MD5, without quotes (as S3 events carry it).
    public var eTag: String
    /// 16 uppercase hex digits, increasing with every event of the store.
    public var sequencer: String
    public var time: Timestamp
    public var sourceIP: String

    public init(
        id: Int64, bucket: String, key: String, eventName: String, size: Int64, eTag: String, sequencer: String,
        time: Timestamp, sourceIP: String
    ) {
        self.id = id
        self.bucket = bucket
        self.key = key
        self.eventName = eventName
        self.size = size
        self.eTag = eTag
        self.sequencer = sequencer
        self.time = time
        self.sourceIP = sourceIP
    }
}
