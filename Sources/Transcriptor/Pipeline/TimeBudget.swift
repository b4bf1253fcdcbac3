import Runtime

/// The time an invocation may give its tools: up to Lambda's deadline, less a reserve for what
/// comes after the last tool (uploads, the job's update, removing the scratch folder). A tool
/// killed by its own timeout leaves the stage time to clean up and report; a tool outliving the
/// function would be frozen with it and leave its scratch files behind.
public struct TimeBudget: Sendable {
    /// When the tools must be done.
    public let end: Timestamp

    /// - Parameters:
    ///   - deadline: the invocation's deadline (`LambdaContext.deadline`).
    ///   - reserveSeconds: the most kept back for the work after the tools; never more than a
    ///     fifth of the time left, so a short function still gets most of its time.
    public init(deadline: Timestamp, now: Timestamp = .now(), reserveSeconds: Int64 = 60) {
        let left = deadline.millisecondsSinceEpoch - now.millisecondsSinceEpoch
        let reserve = min(reserveSeconds * 1000, max(0, left) / 5)
        end = Timestamp(millisecondsSinceEpoch: deadline.millisecondsSinceEpoch - reserve)
    }

    /// Whole seconds a tool started now may run: what is left of the budget, at most `cap`.
    /// - Throws: a transient `StageFailure` when less than a second is left (the stage is retried
    ///   with a fresh invocation's time).
    public func seconds(atMost cap: Int64, now: Timestamp = .now()) throws -> Int64 {
        let left = (end.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / 1000
        guard left >= 1 else {
            throw StageFailure.transient(
                "out_of_time", "The invocation ran out of time before its media tools could run.")
        }
        return min(cap, left)
    }
}
