import Foundation

/// The queue attributes of `CreateQueue`, `SetQueueAttributes` and `GetQueueAttributes`.
extension QueueRecord {
    /// Attributes the emulator stores and returns but does not act on.
    static let passiveNames: Set<String> = [
        "MaximumMessageSize", "Policy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
        "DeduplicationScope", "FifoThroughputLimit", "RedriveAllowPolicy",
    ]

    /// The settable attributes as AWS reports them; `arn` turns a queue name into its ARN.
    func settableAttributes(arn: (String) -> String) -> [String: String] {
        var out = passive
        out["VisibilityTimeout"] = String(config.visibilityTimeoutSeconds)
        out["MessageRetentionPeriod"] = String(config.messageRetentionSeconds)
        out["DelaySeconds"] = String(config.delaySeconds)
        out["ReceiveMessageWaitTimeSeconds"] = String(config.receiveWaitSeconds)
        out["MaximumMessageSize"] = passive["MaximumMessageSize"] ?? "262144"
        if let redrive = config.redrive {
            out["RedrivePolicy"] = Self.redrivePolicyText(
                arn: arn(redrive.deadLetterQueue), maxReceiveCount: redrive.maxReceiveCount)
        }
        if config.fifo {
            out["FifoQueue"] = "true"
            out["ContentBasedDeduplication"] = config.contentBasedDeduplication ? "true" : "false"
        }
        return out
    }

    static func redrivePolicyText(arn: String, maxReceiveCount: Int) -> String {
        let object: [String: Any] = ["deadLetterTargetArn": arn, "maxReceiveCount": maxReceiveCount]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Applies attributes after checking each one against AWS's limits.
    ///
    /// - Throws: `SQSError.invalidAttributeName` or `.invalidAttributeValue`; nothing is applied then.
    mutating func apply(_ attributes: [String: String], queueName: (String) -> String?) throws {
        var updated = self
        for (name, value) in attributes {
            switch name {
            case "VisibilityTimeout":
                updated.config.visibilityTimeoutSeconds = try Self.integer(name, value, 0...43_200)
            case "MessageRetentionPeriod":
                updated.config.messageRetentionSeconds = try Self.integer(name, value, 60...1_209_600)
            case "DelaySeconds":
                updated.config.delaySeconds = try Self.integer(name, value, 0...900)
            case "ReceiveMessageWaitTimeSeconds":
                updated.config.receiveWaitSeconds = try Self.integer(name, value, 0...20)
            case "RedrivePolicy":
                updated.config.redrive = try Self.redrive(value, queueName: queueName)
            case "FifoQueue":
                guard (value == "true") == config.fifo else {
                    throw SQSError.invalidAttributeValue(name, "FifoQueue must match the queue name's .fifo suffix.")
                }
            case "ContentBasedDeduplication":
                guard config.fifo else { throw SQSError.invalidAttributeName(name) }
                guard value == "true" || value == "false" else {
                    throw SQSError.invalidAttributeValue(name, "ContentBasedDeduplication must be true or false.")
                }
                updated.config.contentBasedDeduplication = value == "true"
            case "MaximumMessageSize":
                _ = try Self.integer(name, value, 1024...262_144)
                updated.passive[name] = value
            case _ where Self.passiveNames.contains(name):
                updated.passive[name] = value
            default:
                throw SQSError.invalidAttributeName(name)
            }
        }
        self = updated
    }

    private static func integer(_ name: String, _ value: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw SQSError.invalidAttributeValue(
                name, "\(value) is not an integer from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    private static func redrive(
        _ text: String, queueName: (String) -> String?
    ) throws -> (deadLetterQueue: String, maxReceiveCount: Int)? {
        if text.isEmpty { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let arn = object["deadLetterTargetArn"] as? String
        else {
            throw SQSError.invalidAttributeValue(
                "RedrivePolicy", "Give JSON with deadLetterTargetArn and maxReceiveCount.")
        }
        let count: Int? =
            switch object["maxReceiveCount"] {
            case let text as String: Int(text)
            case let number as NSNumber: number.intValue
            default: nil
            }
        guard let count, (1...1000).contains(count) else {
            throw SQSError.invalidAttributeValue("RedrivePolicy", "maxReceiveCount must be an integer from 1 to 1000.")
        }
        guard let name = queueName(arn) else {
            throw SQSError.invalidAttributeValue("RedrivePolicy", "Dead-letter target \(arn) is not a queue ARN here.")
        }
        return (name, count)
    }
}
