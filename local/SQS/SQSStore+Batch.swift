import Foundation
import LocalStore

/// The batch operations: each entry succeeds or fails on its own, listed in `Successful` or `Failed`;
/// only a malformed batch (empty, over 10 entries, bad or repeated ids) fails the whole call.
extension SQSStore {
    func sendMessageBatch(_ input: JSONInput, _ request: ServiceRequest) throws -> [String: Any] {
        let name = try queue(input, request)
        return try eachEntry(input) { entry in
            let sent = try sendMessage(
                queue: name, body: try entry.requiredString("MessageBody"),
                delaySeconds: try entry.integer("DelaySeconds"),
                attributes: try entry.messageAttributes("MessageAttributes"),
                senderID: request.accessKeyID ?? accountID, groupID: try entry.string("MessageGroupId"),
                deduplicationID: try entry.string("MessageDeduplicationId"))
            var out: [String: Any] = ["MessageId": sent.messageID, "MD5OfMessageBody": sent.md5OfBody]
            out["MD5OfMessageAttributes"] = sent.md5OfMessageAttributes
            out["SequenceNumber"] = sent.sequenceNumber
            return out
        }
    }

    func deleteMessageBatch(_ input: JSONInput, _ request: ServiceRequest) throws -> [String: Any] {
        let name = try queue(input, request)
        return try eachEntry(input) { entry in
            try delete(queue: name, receiptHandle: try entry.requiredString("ReceiptHandle"))
            return [:]
        }
    }

    func changeMessageVisibilityBatch(_ input: JSONInput, _ request: ServiceRequest) throws -> [String: Any] {
        let name = try queue(input, request)
        return try eachEntry(input) { entry in
            guard let timeout = try entry.integer("VisibilityTimeout") else {
                throw SQSError.missingParameter("VisibilityTimeout")
            }
            try changeVisibility(
                queue: name, receiptHandle: try entry.requiredString("ReceiptHandle"), timeoutSeconds: timeout)
            return [:]
        }
    }

    /// Checks the batch, runs `body` per entry and gathers the results.
    private func eachEntry(
        _ input: JSONInput, _ body: (JSONInput) throws -> [String: Any]
    ) throws -> [String: Any] {
        let entries = try input.objects("Entries")
        guard !entries.isEmpty else { throw SQSError.emptyBatchRequest() }
        guard entries.count <= 10 else { throw SQSError.tooManyEntriesInBatchRequest(entries.count) }
        var ids: Set<String> = []
        for entry in entries {
            let id = try entry.requiredString("Id")
            let valid =
                (1...80).contains(id.count)
                && id.unicodeScalars.allSatisfy {
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
                }
            guard valid else { throw SQSError.invalidBatchEntryId(id) }
            guard ids.insert(id).inserted else { throw SQSError.batchEntryIdsNotDistinct(id) }
        }
        var successful: [[String: Any]] = []
        var failed: [[String: Any]] = []
        for entry in entries {
            let id = try entry.requiredString("Id")
            do {
                var result = try body(entry)
                result["Id"] = id
                successful.append(result)
            } catch let error as SQSError {
                failed.append([
                    "Id": id, "SenderFault": error.isSenderFault, "Code": error.errorCode, "Message": error.message,
                ])
            }
        }
        return ["Successful": successful, "Failed": failed]
    }
}
