/// Why the job store refused a request; the API maps each to its status (`APIError(_:)`).
public enum JobError: Error, Equatable, Sendable {
    /// The month's audio minutes are used up.
    /// `renewal`: when more minutes come, for a person (`UsagePeriod.renewal`).
    case quotaExceeded(monthlyMinutes: Int, renewal: String)
    /// The account has its most jobs in progress at once.
    case tooManyJobs(limit: Int)
    /// The idempotency key was used for a different request.
    case idempotencyKeyReused
    /// A list cursor this service did not give out.
    case invalidCursor
    /// The job changed under the request too many times in a row; the request may be sent again.
    case busy
}

/// A request's field is not acceptable; the API answers 400 with `code` and the message.
public struct InvalidInput: Error, Equatable, Sendable {
    public var code: String
    /// What is wrong and what to send instead.
    public var message: String

    public init(_ message: String, code: String = "invalid_request") {
        self.code = code
        self.message = message
    }
}
