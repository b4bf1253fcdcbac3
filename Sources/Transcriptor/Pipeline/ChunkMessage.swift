import Cloud
import Runtime

/// The message that hands one chunk to the transcribe stage through the transcribe queue: sent by
/// the transcode stage once the chunk's audio is stored, read by transcribe, and by the failures
/// stage when the queue gives up on it (its dead letters). Repeats are harmless: a chunk is
/// transcribed once and counted once.
///
/// A queue, not the chunk's S3 event, feeds transcribe because its concurrency is limited: the
/// event-source mapping hands the next chunk to an instance the moment one is free, where
/// throttled asynchronous events wait out Lambda's retry backoff (1 s growing to 5 minutes).
public struct ChunkMessage: Codable, Sendable, Equatable {
    /// Always `transcribe`: tells these dead letters from the fetch queue's in the failures queue.
    public var stage: String
    public var userId: String
    public var jobId: String
    public var chunk: Int

    public init(userID: String, jobID: String, chunk: Int) {
        stage = "transcribe"
        userId = userID
        jobId = jobID
        self.chunk = chunk
    }

    /// The chunk's audio (`audio/{userId}/{jobId}/chunk-NNNN.wav`).
    public var audioKey: StorageKey { .chunkAudio(userId, jobId, chunk: chunk) }

    /// The message in a queue's body, or nil when it is not one.
    public init?(body: String) {
        guard let message = try? JSON.decode(ChunkMessage.self, from: body), message.stage == "transcribe",
            message.chunk >= 0, Identifiers.areWellFormed(userID: message.userId, jobID: message.jobId)
        else { return nil }
        self = message
    }
}

extension Pipeline {
    /// Hands chunks of a job to the transcribe stage (one message each, up to ten a request).
    /// - Throws: when the queue is not configured or refuses a message; the caller's retry sends
    ///   them again.
    public func announceChunks(_ chunks: [Int], userID: String, jobID: String) throws {
        guard !chunks.isEmpty else { return }
        guard let transcribeQueueURL = services.settings.transcribeQueueURL else {
            throw ServiceSettings.Invalid(description: "the setting TRANSCRIBE_QUEUE_URL is missing")
        }
        for start in stride(from: 0, to: chunks.count, by: 10) {
            let entries = try chunks[start..<min(start + 10, chunks.count)].map { chunk in
                SQSClient.BatchEntry(
                    id: "chunk-\(chunk)",
                    body: try JSON.encodeString(ChunkMessage(userID: userID, jobID: jobID, chunk: chunk)))
            }
            let result = try services.sqs().sendMessageBatch(queueURL: transcribeQueueURL, entries: entries)
            if let failure = result.failed.first {
                throw StageFailure.transient(
                    "queue_refused", "The transcribe queue refused \(failure.id): \(failure.message ?? failure.code)")
            }
        }
    }
}
