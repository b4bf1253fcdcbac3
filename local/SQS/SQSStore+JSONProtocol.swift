import Foundation
import LocalStore

/// The AWS JSON 1.0 protocol: `X-Amz-Target: AmazonSQS.<Operation>`, a JSON body in and out.
extension SQSStore {
    /// Answers one SQS request; errors come back as AWS's JSON error answers.
    public func handle(_ request: ServiceRequest) async -> ServiceResponse {
        do {
            guard let target = request.header("x-amz-target"), target.hasPrefix("AmazonSQS.") else {
                throw SQSError.invalidAction(request.header("x-amz-target") ?? "(no X-Amz-Target)")
            }
            let input = try JSONInput(bytes: try request.bodyBytes())
            let output = try await perform(String(target.dropFirst("AmazonSQS.".count)), input, request)
            let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
            return .json(200, Array(data))
        } catch let error as SQSError {
            return error.response
        } catch {
            return SQSError.internalError(error).response
        }
    }

    private func perform(
        _ operation: String, _ input: JSONInput, _ request: ServiceRequest
    ) async throws -> [String: Any] {
        switch operation {
        case "ListQueues": return try listQueues(input)
        case "GetQueueUrl":
            let name = try input.requiredString("QueueName")
            _ = try record(name)
            return ["QueueUrl": queueURL(name)]
        case "CreateQueue": return try createQueue(input)
        case "DeleteQueue":
            try remove(try queue(input, request))
            return [:]
        case "GetQueueAttributes": return try getQueueAttributes(input, request)
        case "SetQueueAttributes":
            var record = try record(try queue(input, request))
            try record.apply(try input.stringMap("Attributes"), queueName: deadLetterQueueName)
            record.modifiedAt = Int64(Date().timeIntervalSince1970)
            try save(record)
            return [:]
        case "PurgeQueue":
            try purge(queue: try queue(input, request))
            return [:]
        case "SendMessage":
            let sent = try sendMessage(
                queue: try queue(input, request), body: try input.requiredString("MessageBody"),
                delaySeconds: try input.integer("DelaySeconds"),
                attributes: try input.messageAttributes("MessageAttributes"),
                senderID: request.accessKeyID ?? accountID, groupID: try input.string("MessageGroupId"),
                deduplicationID: try input.string("MessageDeduplicationId"))
            var output: [String: Any] = ["MessageId": sent.messageID, "MD5OfMessageBody": sent.md5OfBody]
            output["MD5OfMessageAttributes"] = sent.md5OfMessageAttributes
            output["SequenceNumber"] = sent.sequenceNumber
            return output
        case "SendMessageBatch": return try sendMessageBatch(input, request)
        case "ReceiveMessage": return try await receiveMessage(input, request)
        case "DeleteMessage":
            try delete(queue: try queue(input, request), receiptHandle: try input.requiredString("ReceiptHandle"))
            return [:]
        case "DeleteMessageBatch": return try deleteMessageBatch(input, request)
        case "ChangeMessageVisibility":
            guard let timeout = try input.integer("VisibilityTimeout") else {
                throw SQSError.missingParameter("VisibilityTimeout")
            }
            try changeVisibility(
                queue: try queue(input, request), receiptHandle: try input.requiredString("ReceiptHandle"),
                timeoutSeconds: timeout)
            return [:]
        case "ChangeMessageVisibilityBatch": return try changeMessageVisibilityBatch(input, request)
        default: throw SQSError.invalidAction(operation)
        }
    }

    /// The existing queue a request names, by `QueueUrl` (a URL or its path) or the request's path.
    func queue(_ input: JSONInput, _ request: ServiceRequest) throws -> String {
        let name: String
        if let url = try input.string("QueueUrl") {
            name = queueName(fromURL: url)
        } else if request.rawPath.split(separator: "/").count == 2 {
            name = queueName(fromURL: request.rawPath)
        } else {
            throw SQSError.missingParameter("QueueUrl")
        }
        _ = try record(name)
        return name
    }

    /// A redrive target's queue name, if the ARN names an existing queue.
    func deadLetterQueueName(_ arn: String) -> String? {
        queueName(fromARN: arn).flatMap { exists($0) ? $0 : nil }
    }

    // MARK: Queues

    private func listQueues(_ input: JSONInput) throws -> [String: Any] {
        let prefix = try input.string("QueueNamePrefix") ?? ""
        let names = queueNames.filter { $0.hasPrefix(prefix) }
        guard let limit = try input.integer("MaxResults", in: 1...1000) else {
            return names.isEmpty ? [:] : ["QueueUrls": names.map(queueURL)]
        }
        let start =
            try input.string("NextToken").map { token in
                guard let offset = Int(token), offset >= 0 else {
                    throw SQSError.invalidParameterValue("Invalid NextToken; pass the one the last answer gave.")
                }
                return offset
            } ?? 0
        let page = names.dropFirst(start).prefix(limit)
        var output: [String: Any] = [:]
        if !page.isEmpty { output["QueueUrls"] = page.map(queueURL) }
        if start + limit < names.count { output["NextToken"] = String(start + limit) }
        return output
    }

    private func createQueue(_ input: JSONInput) throws -> [String: Any] {
        let name = try input.requiredString("QueueName")
        let attributes = try input.stringMap("Attributes")
        let fifo = attributes["FifoQueue"] == "true"
        let base = fifo && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let validName =
            (1...80).contains(name.count)
            && base.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
            }
        guard validName, fifo == name.hasSuffix(".fifo") else {
            throw SQSError.invalidParameterValue(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length; a FIFO queue's name ends in .fifo and it sets FifoQueue=true."
            )
        }
        let now = Int64(Date().timeIntervalSince1970)
        if let existing = try? record(name) {
            var probe = existing
            try probe.apply(attributes, queueName: deadLetterQueueName)
            guard probe.settableAttributes(arn: queueARN) == existing.settableAttributes(arn: queueARN) else {
                throw SQSError.queueAlreadyExists(name)
            }
            return ["QueueUrl": queueURL(name)]
        }
        var record = QueueRecord(config: QueueConfig(name: name, fifo: fifo), createdAt: now)
        try record.apply(attributes, queueName: deadLetterQueueName)
        try save(record)
        return ["QueueUrl": queueURL(name)]
    }

    static let readOnlyAttributeNames: Set<String> = [
        "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
    ]

    private func getQueueAttributes(_ input: JSONInput, _ request: ServiceRequest) throws -> [String: Any] {
        let name = try queue(input, request)
        let record = try record(name)
        let (visible, inFlight, delayed) = try depth(queue: name)
        var all = record.settableAttributes(arn: queueARN)
        all["QueueArn"] = queueARN(name)
        all["ApproximateNumberOfMessages"] = String(visible)
        all["ApproximateNumberOfMessagesNotVisible"] = String(inFlight)
        all["ApproximateNumberOfMessagesDelayed"] = String(delayed)
        all["CreatedTimestamp"] = String(record.createdAt)
        all["LastModifiedTimestamp"] = String(record.modifiedAt)
        let requested = try input.strings("AttributeNames")
        var selected: [String: String] = [:]
        for attribute in requested {
            if attribute == "All" { selected = all; continue }
            guard
                Self.readOnlyAttributeNames.contains(attribute) || attribute == "RedrivePolicy"
                    || attribute == "FifoQueue" || QueueRecord.passiveNames.contains(attribute)
                    || ["VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds"]
                        .contains(attribute)
            else { throw SQSError.invalidAttributeName(attribute) }
            selected[attribute] = all[attribute]
        }
        return selected.isEmpty ? [:] : ["Attributes": selected]
    }
}
