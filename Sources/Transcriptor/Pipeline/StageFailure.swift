/// Why a pipeline stage could not do its work. Permanent failures are the input's fault (not
/// media, a forbidden or dead link, over a limit): the job fails at once with the message. The
/// others are worth another attempt; the event is retried, and when retries run out the failures
/// handler fails the job with the last reason.
public struct StageFailure: Error, CustomStringConvertible, Sendable, Equatable {
    /// The job's `error.code`.
    public var code: String
    /// For a person: what went wrong and, where they can, what to do.
    public var message: String
    public var isPermanent: Bool

    public init(code: String, message: String, isPermanent: Bool) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
    }

    public static func permanent(_ code: String, _ message: String) -> StageFailure {
        StageFailure(code: code, message: message, isPermanent: true)
    }

    public static func transient(_ code: String, _ message: String) -> StageFailure {
        StageFailure(code: code, message: message, isPermanent: false)
    }

    public var description: String { "\(code): \(message)" }
}
