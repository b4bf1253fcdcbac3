import Runtime

/// The message that hands a link job to the fetch stage through the fetch queue: sent by the
/// create-job route, read by fetch, and by the failures stage when the queue gives up on it (its
/// dead letters). Its JSON is `{"userId":…,"jobId":…}` and nothing else: a message sent before a
/// deploy is read after it, so the shape only grows compatibly.
public struct FetchMessage: Codable, Sendable, Equatable {
    public var userId: String
    public var jobId: String

    public init(userID: String, jobID: String) {
        userId = userID
        jobId = jobID
    }

    /// The message in a queue's body, or nil when it is not one (not JSON, a part missing, or ids
    /// of the wrong shape).
    public init?(body: String) {
        guard let message = try? JSON.decode(FetchMessage.self, from: body),
            Identifiers.areWellFormed(userID: message.userId, jobID: message.jobId)
        else { return nil }
        self = message
    }
}
