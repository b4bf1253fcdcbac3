import Foundation
import LocalStore

/// `ReceiveMessage` over the JSON protocol: defaults, limits and which attributes to return.
extension SQSStore {
    static let systemAttributeNames: Set<String> = [
        "ApproximateReceiveCount", "SentTimestamp", "ApproximateFirstReceiveTimestamp", "SenderId",
        "MessageGroupId", "MessageDeduplicationId", "SequenceNumber",
    ]

    func receiveMessage(_ input: JSONInput, _ request: ServiceRequest) async throws -> [String: Any] {
        let name = try queue(input, request)
        let record = try record(name)
        let max = try input.integer("MaxNumberOfMessages", in: 1...10) ?? 1
        let wait = try input.integer("WaitTimeSeconds", in: 0...20) ?? record.config.receiveWaitSeconds
        let visibility = try input.integer("VisibilityTimeout", in: 0...43_200)
        let systemNames = Set(try input.strings("AttributeNames") + input.strings("MessageSystemAttributeNames"))
        let attributeNames = try input.strings("MessageAttributeNames")
        let messages = try await receive(
            queue: name, max: max, visibilityTimeoutSeconds: visibility, waitSeconds: Double(wait))
        guard !messages.isEmpty else { return [:] }
        return [
            "Messages": messages.map { message -> [String: Any] in
                var out: [String: Any] = [
                    "MessageId": message.messageID, "ReceiptHandle": message.receiptHandle, "Body": message.body,
                    "MD5OfBody": message.md5OfBody,
                ]
                let attributes = message.attributes.filter {
                    systemNames.contains("All") || systemNames.contains($0.key)
                }
                if !attributes.isEmpty { out["Attributes"] = attributes }
                let selected = message.messageAttributes.filter { Self.matches($0.key, attributeNames) }
                if let md5 = Self.md5(of: selected) {
                    out["MD5OfMessageAttributes"] = md5
                    out["MessageAttributes"] = selected.mapValues { attribute -> [String: Any] in
                        var value: [String: Any] = ["DataType": attribute.dataType]
                        value["StringValue"] = attribute.stringValue
                        value["BinaryValue"] = attribute.binaryValue
                        return value
                    }
                }
                return out
            }
        ]
    }

    /// Whether a message attribute is asked for: `All`, `.*`, its name, or a `prefix.*` it starts with.
    private static func matches(_ name: String, _ requested: [String]) -> Bool {
        requested.contains { pattern in
            if pattern == "All" || pattern == ".*" || pattern == name { return true }
            if pattern.hasSuffix(".*") { return name.hasPrefix(String(pattern.dropLast(1))) }
            return false
        }
    }
}
