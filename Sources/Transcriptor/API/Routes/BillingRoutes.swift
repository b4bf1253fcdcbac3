import Runtime

/// `GET /v1/billing/plans` → the plans on offer, for the pricing page (no sign-in needed).
public struct BillingPlansRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    struct Plans: Encodable {
        var plans: [Plan]
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        try .api(200, Plans(plans: call.services.settings.plans.plans))
    }
}

/// Takes one of the account's billing changes an hour (429 over them).
func admitBillingChange(_ call: APICall, userID: String) throws {
    _ = try call.services.rateLimiter.admit(.billingChanges, subject: userID, now: call.now) { minutes in
        "Too many billing changes in the last hour; try again in \(minutes) minutes."
    }
}

/// The billing object of `GET /v1/billing` and of the routes that change a subscription.
struct BillingSummary: Encodable {
    var plan: String
    var status: String?
    var currentPeriodEnd: String?
    var cancelAtPeriodEnd: Bool
    /// A cheaper plan the account moves to at the period's end (`currentPeriodEnd`).
    var scheduledPlan: String?
    var paymentMethod: Billing.PaymentMethod?
    var usage: Usage
    var stripe: StripeSettings

    struct Usage: Encodable {
        var minutesUsed: Double
        var minutesIncluded: Int
    }

    struct StripeSettings: Encodable {
        var publishableKey: String
        var jsUrl: String
    }

    enum CodingKeys: String, CodingKey {
        case plan, status, currentPeriodEnd, cancelAtPeriodEnd, scheduledPlan, paymentMethod, usage, stripe
    }

    /// Every field, absent ones as `null`.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(plan, forKey: .plan)
        try status.map { try c.encode($0, forKey: .status) } ?? c.encodeNil(forKey: .status)
        try currentPeriodEnd.map { try c.encode($0, forKey: .currentPeriodEnd) }
            ?? c.encodeNil(forKey: .currentPeriodEnd)
        try c.encode(cancelAtPeriodEnd, forKey: .cancelAtPeriodEnd)
        try scheduledPlan.map { try c.encode($0, forKey: .scheduledPlan) } ?? c.encodeNil(forKey: .scheduledPlan)
        try paymentMethod.map { try c.encode($0, forKey: .paymentMethod) } ?? c.encodeNil(forKey: .paymentMethod)
        try c.encode(usage, forKey: .usage)
        try c.encode(stripe, forKey: .stripe)
    }

    /// The caller's billing as it is now.
    static func of(_ call: APICall, userID: String) throws -> APIGatewayV2Response {
        let services = call.services
        let billing: Billing = try services.billing()
        guard let record = try billing.store.record(userID: userID) else { throw AuthError.unauthorized(nil) }
        let limits = services.settings.limits(forPlan: record.plan)
        let plan = services.settings.plans.planOrDefault(record.plan)
        let period = UsagePeriod.of(
            plan: plan, periodStart: record.currentPeriodStart, periodEnd: record.currentPeriodEnd, now: call.now)
        let usage = try services.accounts.usage(userID, period: period)
        let stripe = try services.settings.requireStripe()
        return try .api(
            200,
            BillingSummary(
                plan: record.plan, status: record.status,
                currentPeriodEnd: record.currentPeriodEnd.map { Timestamp(secondsSinceEpoch: $0).iso8601 },
                cancelAtPeriodEnd: record.cancelAtPeriodEnd, scheduledPlan: record.scheduledPlan,
                // Best effort: the page still shows the plan when Stripe does not answer.
                paymentMethod: record.customerID.flatMap { try? billing.paymentMethod(customerID: $0) },
                usage: Usage(
                    minutesUsed: (usage.audioSeconds / 60 * 100).rounded() / 100,
                    minutesIncluded: limits.monthlyAudioMinutes),
                stripe: StripeSettings(publishableKey: stripe.publishableKey, jsUrl: stripe.jsURL)))
    }
}

/// `GET /v1/billing` → the caller's plan, subscription, card on file and usage against the plan.
/// A subscription waiting on an authentication is read again from Stripe first.
public struct BillingRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        let billing: Billing = try call.services.billing()
        if let stored = try billing.store.record(userID: record.user.id), stored.subscriptionID != nil,
            ["incomplete", "past_due"].contains(stored.status ?? "")
        {
            try billing.resettle(userID: record.user.id)
        }
        return try BillingSummary.of(call, userID: record.user.id)
    }
}

/// `POST /v1/billing/setup-intent` → 201 `{clientSecret}` for Stripe.js's `confirmCardSetup`.
public struct BillingSetupIntentRoute: APIRoute {
    public init() {}

    struct Created: Encodable { var clientSecret: String }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        try admitBillingChange(call, userID: record.user.id)
        return try .api(201, Created(clientSecret: try call.services.billing().setupIntent(userID: record.user.id)))
    }
}

/// `POST /v1/billing/subscription` `{planId, paymentMethodId?, billingAddress?}` → 200 the billing
/// object; 402 `card_declined`; 202 `{requiresAction, clientSecret}` when the card needs
/// authentication. A billing address is stored on the Stripe customer (invoices, and tax later).
public struct BillingSubscribeRoute: APIRoute {
    public init() {}

    struct Body: Decodable {
        var planId: String
        var paymentMethodId: String?
        var billingAddress: Billing.Address?
    }

    struct NeedsAction: Encodable {
        var requiresAction = true
        var clientSecret: String
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        try admitBillingChange(call, userID: record.user.id)
        let body = try call.body(Body.self)
        let billing: Billing = try call.services.billing()
        if let address = body.billingAddress {
            try billing.keepAddress(try address.checked(), userID: record.user.id)
        }
        switch try billing.subscribe(
            userID: record.user.id, planID: body.planId, paymentMethodID: body.paymentMethodId)
        {
        case .done:
            return try BillingSummary.of(call, userID: record.user.id)
        case .requiresAction(let secret):
            return try .api(202, NeedsAction(clientSecret: secret))
        }
    }
}

/// `DELETE /v1/billing/subscription` → the billing object, cancelled at the period's end.
public struct BillingCancelRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        try admitBillingChange(call, userID: record.user.id)
        try call.services.billing().setCancelAtPeriodEnd(userID: record.user.id, true)
        return try BillingSummary.of(call, userID: record.user.id)
    }
}

/// `POST /v1/billing/subscription/resume` → the billing object, no longer cancelled.
public struct BillingResumeRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        try admitBillingChange(call, userID: record.user.id)
        try call.services.billing().setCancelAtPeriodEnd(userID: record.user.id, false)
        return try BillingSummary.of(call, userID: record.user.id)
    }
}

/// `GET /v1/billing/invoices` → the caller's invoices, newest first.
public struct BillingInvoicesRoute: APIRoute {
    public init() {}

    struct Invoices: Encodable { var invoices: [Billing.Invoice] }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        let billing: Billing = try call.services.billing()
        guard let customerID = try billing.store.record(userID: record.user.id)?.customerID else {
            return try .api(200, Invoices(invoices: []))
        }
        return try .api(200, Invoices(invoices: try billing.invoices(customerID: customerID)))
    }
}

/// `POST /v1/billing/webhook`: Stripe's events, verified over the raw body (`Stripe-Signature`),
/// each handled once. 400 `invalid_signature` for anything not signed with the endpoint's secret
/// within five minutes.
public struct BillingWebhookRoute: APIRoute {
    public static var usesTokens: Bool { false }
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let body = try call.request.event.bodyBytes()
        guard let header = call.request.event.header("stripe-signature") else { throw BillingError.invalidSignature }
        do {
            try WebhookSignature.verify(
                header: header, body: body, secret: try call.services.stripeWebhookSecret(), now: call.now)
        } catch is WebhookSignature.Failure {
            throw BillingError.invalidSignature
        }
        guard let event = try? JSON.decode(JSONValue.self, from: body), let id = event["id"]?.stringValue else {
            throw InvalidInput("The event is not a Stripe event.")
        }
        let billing: Billing = try call.services.billing()
        if try billing.store.eventHandled(id) {
            return try .api(200, ["received": true, "repeated": true])
        }
        // Handled, then recorded: an invocation cut short leaves it unrecorded, and Stripe's retry
        // handles it again (handling re-reads Stripe, so twice is harmless; receipts keep their own
        // record).
        try billing.settleEvent(event)
        _ = try billing.store.recordEvent(id, now: call.now)
        return try .api(200, ["received": true])
    }
}
