import Cloud
import Foundation
import LocalStore
import Runtime

/// Sending, receiving, deleting and re-timing messages: the in-process API.
extension SQSStore {
    /// What `SendMessage` answers.
    struct SentMessage {
        var messageID: String
        var md5OfBody: String
        var md5OfMessageAttributes: String?
        /// FIFO queues: the message's place in the queue, 20 digits, increasing.
        var sequenceNumber: String?
    }

    /// How long a FIFO queue remembers a deduplication id, in AWS seconds.
    static let deduplicationWindowSeconds = 300.0

    /// Sends a message; `delaySeconds` nil takes the queue's delay. FIFO queues need a `groupID`, and
    /// a `deduplicationID` unless the queue deduplicates by content.
    ///
    /// - Returns: The message id (for a duplicate within the deduplication window, the first one's).
    /// - Throws: `SQSError` (no such queue, invalid delay, body, attributes or FIFO ids), or a SQLite error.
    @discardableResult
    public func send(
        queue: String, body: String, delaySeconds: Int? = nil, attributes: [String: MessageAttribute] = [:],
        groupID: String? = nil, deduplicationID: String? = nil
    ) throws -> String {
        try sendMessage(
            queue: queue, body: body, delaySeconds: delaySeconds, attributes: attributes, senderID: accountID,
            groupID: groupID, deduplicationID: deduplicationID
        )
        .messageID
    }

    func sendMessage(
        queue: String, body: String, delaySeconds: Int?, attributes: [String: MessageAttribute], senderID: String,
        groupID: String? = nil, deduplicationID: String? = nil
    ) throws -> SentMessage {
        let record = try record(queue)
        let delay = delaySeconds ?? record.config.delaySeconds
        guard (0...900).contains(delay) else {
            throw SQSError.invalidParameterValue(
                "Value \(delay) for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.")
        }
        try Self.validate(body: body, attributes: attributes)
        let deduplication = try Self.fifoIdentifiers(
            record.config, body: body, delaySeconds: delaySeconds, groupID: groupID, deduplicationID: deduplicationID)
        // Deduplication is queue-wide, or per message group with `DeduplicationScope=messageGroup`.
        let deduplicationKey = deduplication.map { id in
            record.passive["DeduplicationScope"] == "messageGroup" ? "\(groupID ?? "")\u{0}\(id)" : id
        }
        let stored = StoredMessageAttributes(senderID: senderID, messageAttributes: attributes)
        let attributesJSON = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        let md5OfAttributes = Self.md5(of: attributes)
        let sent: SentMessage = try database.transaction {
            let now = nowMilliseconds()
            if let deduplicationKey {
                try database.query(
                    "DELETE FROM sqs_deduplication WHERE queue = ? AND sent_at <= ?",
                    [.text(queue), .integer(now - milliseconds(awsSeconds: Self.deduplicationWindowSeconds))])
                if let first = try database.query(
                    "SELECT message_id, seq FROM sqs_deduplication WHERE queue = ? AND deduplication_id = ?",
                    [.text(queue), .text(deduplicationKey)]
                ).first {
                    // Accepted, but not queued again: the answer names the first message.
                    return SentMessage(
                        messageID: first[0].text ?? "", md5OfBody: MD5.hex(body),
                        md5OfMessageAttributes: md5OfAttributes,
                        sequenceNumber: Self.sequenceNumber(first[1].integer ?? 0))
                }
            }
            let id = RandomBytes.uuid()
            let seq =
                try database.query(
                    """
                    INSERT INTO sqs_messages (id, queue, body, attributes, sent_at, visible_at, group_id, deduplication_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq
                    """,
                    [
                        .text(id), .text(queue), .text(body), .text(attributesJSON), .integer(now),
                        .integer(now + milliseconds(awsSeconds: Double(delay))), groupID.map { .text($0) } ?? .null,
                        deduplication.map { .text($0) } ?? .null,
                    ]
                ).first?[0].integer ?? 0
            var sequence: String?
            if let deduplicationKey {
                try database.query(
                    "INSERT INTO sqs_deduplication (queue, deduplication_id, message_id, seq, sent_at) VALUES (?, ?, ?, ?, ?)",
                    [.text(queue), .text(deduplicationKey), .text(id), .integer(seq), .integer(now)])
                sequence = Self.sequenceNumber(seq)
            }
            return SentMessage(
                messageID: id, md5OfBody: MD5.hex(body), md5OfMessageAttributes: md5OfAttributes,
                sequenceNumber: sequence)
        }
        // Woken even when delayed: a waiting receiver then shortens its timer to the delay.
        waiters.notify(queue)
        return sent
    }

    /// A FIFO message's deduplication id (given, or the body's SHA-256 on a content-deduplicating
    /// queue), after checking its group id; nil for standard queues, which take a group id (fair
    /// queues) but no deduplication id.
    private static func fifoIdentifiers(
        _ config: QueueConfig, body: String, delaySeconds: Int?, groupID: String?, deduplicationID: String?
    ) throws -> String? {
        if let groupID { try validateIdentifier(groupID, "MessageGroupId") }
        guard config.fifo else {
            if let deduplicationID {
                throw SQSError.invalidParameterValue(
                    "Value \(deduplicationID) for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type."
                )
            }
            return nil
        }
        if let delaySeconds, delaySeconds != 0 {
            throw SQSError.invalidParameterValue(
                "Value \(delaySeconds) for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."
            )
        }
        guard groupID != nil else { throw SQSError.missingParameter("MessageGroupId") }
        if let deduplicationID {
            try validateIdentifier(deduplicationID, "MessageDeduplicationId")
            return deduplicationID
        }
        guard config.contentBasedDeduplication else {
            throw SQSError.invalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
            )
        }
        return Digest.sha256Hex(Array(body.utf8))
    }

    /// Group and deduplication ids: 1 to 128 characters, letters, digits and ASCII punctuation.
    private static func validateIdentifier(_ value: String, _ parameter: String) throws {
        let valid =
            (1...128).contains(value.utf8.count)
            && value.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }
        guard valid else {
            throw SQSError.invalidParameterValue(
                "Value \(value) for parameter \(parameter) is invalid. Reason: \(parameter) can only include alphanumeric and punctuation characters. 1 to 128 in length."
            )
        }
    }

    /// 20 digits, so that text order is numeric order.
    static func sequenceNumber(_ seq: Int64) -> String {
        let digits = String(seq)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    private static func validate(body: String, attributes: [String: MessageAttribute]) throws {
        guard !body.isEmpty else {
            throw SQSError.invalidParameterValue("The request must contain a non-empty MessageBody.")
        }
        let allowed = body.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
        guard allowed else {
            throw SQSError.invalidParameterValue(
                "Invalid characters found in the message body; SQS allows #x9, #xA, #xD and #x20 to #x10FFFF except surrogates."
            )
        }
        guard attributes.count <= 10 else {
            throw SQSError.invalidParameterValue("A message can have at most 10 message attributes.")
        }
        var size = body.utf8.count
        for (name, attribute) in attributes {
            _ = try attribute.validated(name: name)
            size +=
                name.utf8.count + attribute.dataType.utf8.count
                + (attribute.stringValue?.utf8.count ?? attribute.binaryValue.map { $0.utf8.count * 3 / 4 } ?? 0)
        }
        guard size <= 262_144 else {
            throw SQSError.invalidParameterValue(
                "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.")
        }
    }

    /// Receives up to `max` (1–10) messages, waiting up to `waitSeconds` AWS seconds for the first.
    ///
    /// Each message gets a new receipt handle and a higher `ApproximateReceiveCount`; one that
    /// would exceed the queue's redrive `maxReceiveCount` moves to the dead-letter queue instead.
    /// `visibilityTimeoutSeconds` nil takes the queue's.
    ///
    /// - Throws: `SQSError.queueDoesNotExist` (also when the queue is deleted while waiting), or a
    ///   SQLite error. Cancellation ends the wait with what there is (nothing).
    public func receive(
        queue: String, max: Int, visibilityTimeoutSeconds: Int?, waitSeconds: Double
    ) async throws -> [Message] {
        precondition((1...10).contains(max), "receive takes 1 to 10 messages")
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(milliseconds(awsSeconds: waitSeconds))
        while true {
            let generation = waiters.generation(of: queue)
            let (messages, nextVisibleAt) = try receiveAvailable(
                queue: queue, max: max, visibilityTimeoutSeconds: visibilityTimeoutSeconds)
            if !messages.isEmpty { return messages }
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero, !Task.isCancelled else { return [] }
            var seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            if let nextVisibleAt {
                seconds = min(seconds, Double(Swift.max(1, nextVisibleAt - nowMilliseconds())) / 1000)
            }
            await waiters.wait(queue: queue, since: generation, seconds: seconds)
        }
    }

    /// One receive attempt without waiting; also answers when the next hidden message shows.
    private func receiveAvailable(
        queue: String, max: Int, visibilityTimeoutSeconds: Int?
    ) throws -> (messages: [Message], nextVisibleAt: Int64?) {
        let record = try record(queue)
        let visibility = visibilityTimeoutSeconds ?? record.config.visibilityTimeoutSeconds
        var deadLetterQueues: Set<String> = []
        let result: ([Message], Int64?) = try database.transaction {
            let now = nowMilliseconds()
            try deleteExpired(record, now: now)
            var messages: [Message] = []
            while messages.count < max {
                // On a FIFO queue, a group with a message in flight gives out nothing until it is deleted
                // or visible again, so each group's messages are handled one after another, in order.
                let rows = try database.query(
                    """
                    SELECT id, body, attributes, sent_at, receive_count, first_received_at, group_id, deduplication_id,
                    seq FROM sqs_messages AS m WHERE queue = ?1 AND visible_at <= ?2 AND NOT (?4 AND EXISTS (
                        SELECT 1 FROM sqs_messages AS f WHERE f.queue = ?1 AND f.group_id = m.group_id
                        AND f.receive_count > 0 AND f.visible_at > ?2))
                    ORDER BY seq LIMIT ?3
                    """,
                    [
                        .text(queue), .integer(now), .integer(Int64(max - messages.count)),
                        .integer(record.config.fifo ? 1 : 0),
                    ])
                if rows.isEmpty { break }
                for row in rows {
                    let id = row[0].text ?? ""
                    let receiveCount = Int(row[4].integer ?? 0)
                    if let redrive = record.config.redrive, receiveCount >= redrive.maxReceiveCount,
                        exists(redrive.deadLetterQueue)
                    {
                        try database.query(
                            """
                            UPDATE sqs_messages SET queue = ?, visible_at = ?, receive_count = 0,
                            receipt_handle = NULL, first_received_at = NULL WHERE id = ?
                            """, [.text(redrive.deadLetterQueue), .integer(now), .text(id)])
                        deadLetterQueues.insert(redrive.deadLetterQueue)
                        continue
                    }
                    let handle = Self.makeReceiptHandle(messageID: id)
                    let firstReceived = row[5].integer ?? now
                    try database.query(
                        """
                        UPDATE sqs_messages SET receive_count = ?, receipt_handle = ?, visible_at = ?,
                        first_received_at = ? WHERE id = ?
                        """,
                        [
                            .integer(Int64(receiveCount + 1)), .text(handle),
                            .integer(now + milliseconds(awsSeconds: Double(visibility))), .integer(firstReceived),
                            .text(id),
                        ])
                    let stored = try JSONDecoder().decode(
                        StoredMessageAttributes.self, from: Data((row[2].text ?? "{}").utf8))
                    let body = row[1].text ?? ""
                    var attributes = [
                        "ApproximateReceiveCount": String(receiveCount + 1),
                        "SentTimestamp": String(row[3].integer ?? 0),
                        "ApproximateFirstReceiveTimestamp": String(firstReceived),
                        "SenderId": stored.senderID,
                    ]
                    attributes["MessageGroupId"] = row[6].text
                    if record.config.fifo {
                        attributes["MessageDeduplicationId"] = row[7].text
                        attributes["SequenceNumber"] = Self.sequenceNumber(row[8].integer ?? 0)
                    }
                    messages.append(
                        Message(
                            messageID: id, receiptHandle: handle, body: body, md5OfBody: MD5.hex(body),
                            attributes: attributes, messageAttributes: stored.messageAttributes))
                }
            }
            let next = try database.query(
                "SELECT MIN(visible_at) FROM sqs_messages WHERE queue = ? AND visible_at > ?",
                [.text(queue), .integer(now)]
            ).first?[0].integer
            return (messages, next)
        }
        for name in deadLetterQueues { waiters.notify(name) }
        return result
    }

    /// Deletes messages older than the queue's retention period.
    private func deleteExpired(_ record: QueueRecord, now: Int64) throws {
        let cutoff = now - milliseconds(awsSeconds: Double(record.config.messageRetentionSeconds))
        try database.query(
            "DELETE FROM sqs_messages WHERE queue = ? AND sent_at <= ?", [.text(record.config.name), .integer(cutoff)])
    }

    /// Deletes a received message. A handle from an earlier receive of a message received again
    /// since is refused; a message already deleted is not an error (as on AWS).
    ///
    /// - Throws: `SQSError.queueDoesNotExist`, `.receiptHandleIsInvalid`, or a SQLite error.
    public func delete(queue: String, receiptHandle: String) throws {
        _ = try record(queue)
        guard let id = Self.messageID(inReceiptHandle: receiptHandle) else {
            throw SQSError.receiptHandleIsInvalid(receiptHandle)
        }
        try database.transaction {
            let rows = try database.query(
                "SELECT receipt_handle FROM sqs_messages WHERE id = ? AND queue = ?", [.text(id), .text(queue)])
            guard let row = rows.first else { return }
            guard row[0].text == receiptHandle else { throw SQSError.receiptHandleIsInvalid(receiptHandle) }
            try database.query("DELETE FROM sqs_messages WHERE id = ?", [.text(id)])
        }
    }

    /// Sets how long an in-flight message stays hidden, from now; 0 makes it visible at once.
    ///
    /// - Throws: `SQSError.queueDoesNotExist`, `.invalidParameterValue` (timeout outside 0–43200 or
    ///   a deleted message), `.receiptHandleIsInvalid`, `.messageNotInflight`, or a SQLite error.
    public func changeVisibility(queue: String, receiptHandle: String, timeoutSeconds: Int) throws {
        _ = try record(queue)
        guard (0...43_200).contains(timeoutSeconds) else {
            throw SQSError.invalidParameterValue(
                "Value \(timeoutSeconds) for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200."
            )
        }
        guard let id = Self.messageID(inReceiptHandle: receiptHandle) else {
            throw SQSError.receiptHandleIsInvalid(receiptHandle)
        }
        try database.transaction {
            let now = nowMilliseconds()
            let rows = try database.query(
                "SELECT receipt_handle, visible_at FROM sqs_messages WHERE id = ? AND queue = ?",
                [.text(id), .text(queue)])
            guard let row = rows.first else {
                throw SQSError.invalidParameterValue(
                    "Value \(receiptHandle) for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."
                )
            }
            guard row[0].text == receiptHandle else { throw SQSError.receiptHandleIsInvalid(receiptHandle) }
            guard (row[1].integer ?? 0) > now else { throw SQSError.messageNotInflight() }
            try database.query(
                "UPDATE sqs_messages SET visible_at = ? WHERE id = ?",
                [.integer(now + milliseconds(awsSeconds: Double(timeoutSeconds))), .text(id)])
        }
        waiters.notify(queue)
    }

    /// How many messages are visible, in flight (received, hidden) and delayed (never received, hidden).
    ///
    /// - Throws: `SQSError.queueDoesNotExist`, or a SQLite error.
    public func depth(queue: String) throws -> (visible: Int, inFlight: Int, delayed: Int) {
        let record = try record(queue)
        return try database.transaction {
            let now = nowMilliseconds()
            try deleteExpired(record, now: now)
            let row = try database.query(
                """
                SELECT COALESCE(SUM(visible_at <= ?1), 0), COALESCE(SUM(visible_at > ?1 AND receive_count > 0), 0),
                COALESCE(SUM(visible_at > ?1 AND receive_count = 0), 0) FROM sqs_messages WHERE queue = ?2
                """, [.integer(now), .text(queue)]
            ).first
            return (Int(row?[0].integer ?? 0), Int(row?[1].integer ?? 0), Int(row?[2].integer ?? 0))
        }
    }

    /// Deletes every message in the queue.
    ///
    /// - Throws: `SQSError.queueDoesNotExist`, or a SQLite error.
    public func purge(queue: String) throws {
        _ = try record(queue)
        try database.query("DELETE FROM sqs_messages WHERE queue = ?", [.text(queue)])
    }

    // MARK: Receipt handles

    /// An opaque handle naming the message and this one receive of it.
    static func makeReceiptHandle(messageID: String) -> String {
        Base64.encode(Array("\(messageID):\(RandomBytes.token(byteCount: 24))".utf8))
    }

    static func messageID(inReceiptHandle handle: String) -> String? {
        guard let bytes = Base64.decode(handle), let text = String(validating: bytes, as: UTF8.self),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        let id = String(text[..<colon])
        return id.isEmpty ? nil : id
    }
}
