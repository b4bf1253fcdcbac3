import Foundation
import LocalStore
import Runtime

extension SQSStore {
    /// A message attribute: `String`, `Number` or `Binary` (optionally with a `.custom` suffix).
    /// Coded with the JSON protocol's keys (`DataType`, `StringValue`, `BinaryValue`).
    public struct MessageAttribute: Codable, Sendable, Equatable {
        public var dataType: String
        public var stringValue: String?
        /// Base64 text, as on the wire.
        public var binaryValue: String?

        public init(dataType: String, stringValue: String? = nil, binaryValue: String? = nil) {
            self.dataType = dataType
            self.stringValue = stringValue
            self.binaryValue = binaryValue
        }

        public static func string(_ value: String) -> MessageAttribute {
            MessageAttribute(dataType: "String", stringValue: value)
        }

        enum CodingKeys: String, CodingKey {
            case dataType = "DataType", stringValue = "StringValue", binaryValue = "BinaryValue"
        }

        /// Whether it carries binary data (`Binary…` type).
        var isBinary: Bool { dataType.hasPrefix("Binary") }

        /// Checks the type and that the matching value is present.
        func validated(name: String) throws -> MessageAttribute {
            let base = dataType.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard ["String", "Number", "Binary"].contains(base) else {
                throw SQSError.invalidParameterValue(
                    "The message attribute '\(name)' has an invalid type '\(dataType)'; use String, Number or Binary.")
            }
            if isBinary {
                guard let binaryValue, Base64.decode(binaryValue) != nil else {
                    throw SQSError.invalidParameterValue(
                        "The message attribute '\(name)' with type 'Binary' must have a base64 BinaryValue.")
                }
            } else {
                guard let stringValue, !stringValue.isEmpty else {
                    throw SQSError.invalidParameterValue(
                        "The message attribute '\(name)' must contain a non-empty value of type '\(base)'.")
                }
                if base == "Number", Double(stringValue) == nil {
                    throw SQSError.invalidParameterValue(
                        "Can't cast the value of message attribute '\(name)' to a number.")
                }
            }
            return self
        }
    }

    /// A received message, with its system attributes (`ApproximateReceiveCount`, `SentTimestamp`,
    /// `ApproximateFirstReceiveTimestamp`, `SenderId`; times in epoch milliseconds).
    public struct Message: Sendable {
        public var messageID: String
        public var receiptHandle: String
        public var body: String
        public var md5OfBody: String
        public var attributes: [String: String]
        public var messageAttributes: [String: MessageAttribute]

        public var receiveCount: Int { attributes["ApproximateReceiveCount"].flatMap(Int.init) ?? 0 }
    }

    /// The `MD5OfMessageAttributes` digest: for each attribute in name order, the name, type and
    /// value, each with a 4-byte big-endian length, and a transport byte (1 text, 2 binary).
    public static func md5(of attributes: [String: MessageAttribute]) -> String? {
        guard !attributes.isEmpty else { return nil }
        var bytes: [UInt8] = []
        func append(_ field: [UInt8]) {
            let count = UInt32(field.count)
            bytes += [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
            bytes += field
        }
        for name in attributes.keys.sorted() {
            let attribute = attributes[name]!
            append(Array(name.utf8))
            append(Array(attribute.dataType.utf8))
            if attribute.isBinary {
                bytes.append(2)
                append(Base64.decode(attribute.binaryValue ?? "") ?? [])
            } else {
                bytes.append(1)
                append(Array((attribute.stringValue ?? "").utf8))
            }
        }
        return MD5.hex(bytes)
    }
}

/// What the `attributes` column of a message row holds.
struct StoredMessageAttributes: Codable {
    var senderID: String
    var messageAttributes: [String: SQSStore.MessageAttribute]
}
