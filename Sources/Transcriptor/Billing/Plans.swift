import Runtime

/// A plan an account can be on (`free`, `pro`, `business`): its price and the limits it gives.
/// Plans are settings, not code: the template's `Plans` parameter (a JSON document, the same as
/// `config/plans.json`, which local Stripe is given) reaches every function as `PLANS`.
public struct Plan: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var priceCents: Int
    public var currency: String
    public var interval: String
    /// Audio minutes included per month (per UTC calendar month on Free, per billing period on
    /// paid plans).
    public var monthlyMinutes: Int
    /// The longest recording a job may have.
    public var maxFileSeconds: Int
    public var jobsInFlight: Int
    /// Minutes past the included ones are charged at this price instead of refused; nil: a hard stop.
    public var overageCentsPerMinute: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, priceCents, currency, interval, monthlyMinutes, maxFileSeconds, jobsInFlight,
            overageCentsPerMinute
    }

    /// Every field, `overageCentsPerMinute` as `null` when the plan has none (the API's shape).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(priceCents, forKey: .priceCents)
        try c.encode(currency, forKey: .currency)
        try c.encode(interval, forKey: .interval)
        try c.encode(monthlyMinutes, forKey: .monthlyMinutes)
        try c.encode(maxFileSeconds, forKey: .maxFileSeconds)
        try c.encode(jobsInFlight, forKey: .jobsInFlight)
        if let overageCentsPerMinute {
            try c.encode(overageCentsPerMinute, forKey: .overageCentsPerMinute)
        } else {
            try c.encodeNil(forKey: .overageCentsPerMinute)
        }
    }

    /// Whether minutes past the included ones are let through and charged (once per billing
    /// period: `Billing.chargeOverage`) instead of refused.
    public var allowsOverage: Bool { (overageCentsPerMinute ?? 0) > 0 }
}

extension PlanCatalog {
    /// The plan an account is on now: the stored one, unless it is held past a failed renewal
    /// (`planHeldUntil`, seconds since the epoch) and that time has passed: then the default plan,
    /// until the account pays.
    public static func planInForce(stored: String?, heldUntil: Int64?, now: Timestamp = .now()) -> String {
        guard let stored else { return defaultPlanID }
        if let heldUntil, now.secondsSinceEpoch > heldUntil { return defaultPlanID }
        return stored
    }
}

/// The plans on offer, read from the `PLANS` document.
public struct PlanCatalog: Sendable, Equatable {
    public var plans: [Plan]

    /// The plan an account is on when it has chosen none.
    public static let defaultPlanID = "free"

    public init(plans: [Plan]) { self.plans = plans }

    /// The plan of this id; an account whose plan is not on offer (withdrawn since) is on the
    /// default plan.
    public func plan(_ id: String) -> Plan? { plans.first { $0.id == id } }

    public func planOrDefault(_ id: String) -> Plan {
        plan(id) ?? plan(Self.defaultPlanID) ?? plans[0]
    }

    struct Document: Decodable {
        var currency: String
        var plans: [Entry]

        struct Entry: Decodable {
            var id: String
            var name: String
            var priceCents: Int
            var interval: String
            var monthlyMinutes: Int
            var maxFileSeconds: Int
            var jobsInFlight: Int
            var overageCentsPerMinute: Int?
        }
    }

    /// Reads the plans document (`config/plans.json`'s shape).
    /// - Throws: `ServiceSettings.Invalid` saying what is wrong with it.
    public static func parse(_ text: String) throws(ServiceSettings.Invalid) -> PlanCatalog {
        let document: Document
        do {
            document = try JSON.decode(Document.self, from: Array(text.utf8))
        } catch {
            throw ServiceSettings.Invalid(description: "the plans document (PLANS) is not valid: \(error)")
        }
        let plans = document.plans.map {
            Plan(
                id: $0.id, name: $0.name, priceCents: $0.priceCents, currency: document.currency,
                interval: $0.interval, monthlyMinutes: $0.monthlyMinutes, maxFileSeconds: $0.maxFileSeconds,
                jobsInFlight: $0.jobsInFlight, overageCentsPerMinute: $0.overageCentsPerMinute)
        }
        guard !plans.isEmpty, Set(plans.map(\.id)).count == plans.count,
            plans.contains(where: { $0.id == defaultPlanID && $0.priceCents == 0 })
        else {
            throw ServiceSettings.Invalid(
                description: "the plans document (PLANS) must list plans with distinct ids, a free one named \"free\"")
        }
        for plan in plans
        where plan.monthlyMinutes <= 0 || plan.maxFileSeconds <= 0 || plan.jobsInFlight <= 0 || plan.priceCents < 0
            || (plan.overageCentsPerMinute ?? 0) < 0
        {
            throw ServiceSettings.Invalid(description: "the plan \(plan.id) has a limit or price that is not positive")
        }
        return PlanCatalog(plans: plans)
    }

    /// What an environment without `PLANS` gets: the Free plan of `config/plans.json` alone.
    public static let freeOnly = PlanCatalog(plans: [
        Plan(
            id: "free", name: "Free", priceCents: 0, currency: "usd", interval: "month", monthlyMinutes: 60,
            maxFileSeconds: 1800, jobsInFlight: 3, overageCentsPerMinute: nil)
    ])
}

extension ServiceSettings.Limits {
    /// The limits in force on an account of `plan`: the smaller of the plan's and these (the
    /// deployment's caps, the template's limit parameters).
    public func capped(by plan: Plan) -> ServiceSettings.Limits {
        ServiceSettings.Limits(
            monthlyAudioMinutes: min(monthlyAudioMinutes, plan.monthlyMinutes),
            jobsInFlight: min(jobsInFlight, plan.jobsInFlight), maxUploadBytes: maxUploadBytes,
            maxFileSeconds: min(maxFileSeconds, plan.maxFileSeconds))
    }
}
