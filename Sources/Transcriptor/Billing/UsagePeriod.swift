import Runtime

/// Where an account's included minutes are counted: the UTC calendar month on a free plan, the
/// billing period on a paid one (its start and end as Stripe last said, rolled forward by whole
/// periods when a renewal has not been heard of yet, so the new period starts on time).
public struct UsagePeriod: Sendable, Equatable {
    /// The usage record's key part (`USAGE#{key}`): `2026-12` for a month, `P{start, seconds since
    /// the epoch}` for a billing period.
    public var key: String
    public var start: Timestamp
    public var end: Timestamp
    /// A paid plan's billing period (else the calendar month).
    public var isBillingPeriod: Bool

    /// The period counting at `now` for an account on `plan` whose subscription's period was
    /// `periodStart` to `periodEnd` (seconds since the epoch) when Stripe last said.
    public static func of(plan: Plan, periodStart: Int64?, periodEnd: Int64?, now: Timestamp) -> UsagePeriod {
        let seconds = now.secondsSinceEpoch
        guard plan.priceCents > 0, var start = periodStart, var end = periodEnd, end > start, start <= seconds
        else { return month(of: now) }
        // A renewal not heard of yet: the periods go on at the same length.
        let length = end - start
        if seconds >= end {
            let periods = (seconds - end) / length + 1
            start += periods * length
            end += periods * length
        }
        return UsagePeriod(
            key: "P\(start)", start: Timestamp(secondsSinceEpoch: start), end: Timestamp(secondsSinceEpoch: end),
            isBillingPeriod: true)
    }

    /// The UTC calendar month of `time`.
    public static func month(of time: Timestamp) -> UsagePeriod {
        let c = time.components
        let next = c.month == 12 ? (c.year + 1, 1) : (c.year, c.month + 1)
        func first(_ year: Int, _ month: Int) -> Timestamp {
            Timestamp(iso8601: "\(year)-\(month < 10 ? "0" : "")\(month)-01T00:00:00Z") ?? time
        }
        return UsagePeriod(
            key: Keys.month(time), start: first(c.year, c.month), end: first(next.0, next.1), isBillingPeriod: false)
    }

    /// When more minutes come, for a person: "on the 1st (UTC)" or "on 2027-01-03 (your plan renews)".
    public var renewal: String {
        isBillingPeriod ? "on \(end.iso8601.prefix(10)), when your plan renews" : "on the 1st (UTC)"
    }
}
