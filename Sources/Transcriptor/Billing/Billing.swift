import Cloud
import Runtime

/// Billing's work for one account: Stripe is told what to charge and asked what was paid; our own
/// records decide the plan and what was used. Every change re-reads the subscription from Stripe
/// and applies it (`settle`), so a request, a webhook and a retry of either end in the same state.
public struct Billing {
    let stripe: StripeClient
    let store: BillingStore
    let settings: ServiceSettings
    /// The owner's mail at each step (nil: no mail).
    let mail: AccountMail?

    public init(stripe: StripeClient, store: BillingStore, settings: ServiceSettings, mail: AccountMail?) {
        self.stripe = stripe
        self.store = store
        self.settings = settings
        self.mail = mail
    }

    /// A plan's name for a person (`Pro`).
    func planName(_ id: String) -> String { settings.plans.plan(id)?.name ?? id }

    /// How long a plan holds after a renewal failed (`BILLING_GRACE_SECONDS`, 7 days by default).
    var graceSeconds: Int64 { settings.billingGraceSeconds }

    /// Runs a Stripe call, turning its refusals into billing's errors.
    func calling<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as StripeClient.Failure {
            if failure.isDecline { throw BillingError.cardDeclined(failure.message) }
            // Stripe's other refusals are ours to read (a key, a parameter), never the client's: a
            // missing object is the one a client can cause (a payment method id that is not real).
            if failure.status == 404 { throw BillingError.refused("Stripe has no such payment method or object.") }
            throw BillingError.stripeUnavailable
        } catch let error as BillingError {
            throw error
        } catch {
            throw BillingError.stripeUnavailable
        }
    }

    /// The account's Stripe customer, made at its first use (not at sign-up).
    func customer(for record: BillingStore.Record) throws -> String {
        if let existing = record.customerID { return existing }
        let made = try calling {
            try stripe.call(
                .post, "/v1/customers",
                [("email", record.email), ("metadata[userId]", record.userID)],
                idempotencyKey: "customer-\(record.userID)")
        }
        guard let id = made["id"]?.stringValue else { throw BillingError.stripeUnavailable }
        let kept = try store.keepCustomer(userID: record.userID, customerID: id)
        if kept != id { _ = try? stripe.call(.delete, "/v1/customers/\(id)") }
        return kept
    }

    /// A SetupIntent for the web app to confirm a card with Stripe.js.
    public func setupIntent(userID: String) throws -> String {
        guard let record = try store.record(userID: userID) else { throw AuthError.unauthorized(nil) }
        let customerID = try customer(for: record)
        let intent = try calling {
            try stripe.call(
                .post, "/v1/setup_intents",
                [("customer", customerID), ("usage", "off_session"), ("payment_method_types[]", "card")])
        }
        guard let secret = intent["client_secret"]?.stringValue else { throw BillingError.stripeUnavailable }
        return secret
    }

    public enum Subscribed: Equatable {
        case done
        /// The card needs authentication: the web app completes it with Stripe.js.
        case requiresAction(clientSecret: String)
    }

    /// Subscribes the account to `planID`, or moves its subscription to it. A payment method the
    /// web app confirmed becomes the customer's default first.
    /// - Throws: `BillingError.cardDeclined` (nothing is left behind: an incomplete subscription is
    ///   cancelled), `.unknownPlan` for a plan that is not a paid one.
    public func subscribe(userID: String, planID: String, paymentMethodID: String?) throws -> Subscribed {
        guard let plan = settings.plans.plan(planID), plan.priceCents > 0 else {
            throw BillingError.unknownPlan(planID)
        }
        guard let record = try store.record(userID: userID) else { throw AuthError.unauthorized(nil) }
        let customerID = try customer(for: record)
        if let paymentMethodID {
            try useAsDefault(paymentMethodID, customerID: customerID)
        }
        var current = try currentSubscription(record)
        if let abandoned = current, abandoned.status == "incomplete" {
            // A first payment never authenticated: it is replaced, so the new attempt gets its own.
            _ = try calling { try stripe.call(.delete, "/v1/subscriptions/\(abandoned.id)") }
            current = nil
        }
        if let current, !["canceled", "incomplete_expired"].contains(current.status) {
            if ["past_due", "unpaid"].contains(current.status), paymentMethodID != nil {
                // A new card for a failed renewal: the open invoice is paid with it now.
                if let needs = try payOpenInvoice(current) { return needs }
                try settle(userID: userID, record: record, subscription: try currentSubscription(record))
                return .done
            }
            if current.planID == planID {
                // The plan it has: a move scheduled away from it is dropped.
                if record.scheduledPlan != nil {
                    try setCancelAtPeriodEnd(userID: userID, false)
                } else {
                    try settle(userID: userID, record: record, subscription: current)
                }
                return .done
            }
            return try changePlan(current, to: plan, record: record)
        }
        let created = try calling {
            try stripe.call(
                .post, "/v1/subscriptions",
                [
                    ("customer", customerID), ("items[0][plan]", planID),
                    ("expand[]", "latest_invoice.payment_intent"), ("metadata[userId]", userID),
                ],
                // A double click or a retried request makes one subscription (Stripe keeps keys a day).
                idempotencyKey:
                    "subscribe-\(userID)-\(record.subscriptionID ?? "none")-\(planID)-\(paymentMethodID ?? "default")")
        }
        guard let subscription = StripeSubscription(created) else { throw BillingError.stripeUnavailable }
        switch (subscription.status, subscription.payment?.status) {
        case ("active", _), ("trialing", _):
            try settle(userID: userID, record: record, subscription: subscription)
            return .done
        case (_, "requires_action"?), (_, "requires_confirmation"?):
            try settle(userID: userID, record: record, subscription: subscription)
            return .requiresAction(clientSecret: subscription.payment?.clientSecret ?? "")
        default:
            // Declined: nothing is left behind.
            _ = try? stripe.call(.delete, "/v1/subscriptions/\(subscription.id)")
            throw BillingError.cardDeclined(subscription.payment?.declineMessage ?? "Your card was declined.")
        }
    }

    /// Moves a subscription to another plan. An upgrade takes effect at once and is charged now:
    /// Stripe prorates the change (the unused part of the old plan credited, the rest of the period
    /// of the new one charged) into pending items, which an invoice made and paid at once collects.
    /// When that payment is declined the subscription goes back to its plan and the decline is
    /// reported. A move to a cheaper plan waits for the period's end (`scheduleDowngrade`).
    func changePlan(_ current: StripeSubscription, to plan: Plan, record: BillingStore.Record) throws -> Subscribed {
        guard let itemID = current.itemID else { throw BillingError.stripeUnavailable }
        let previous = settings.plans.plan(current.planID)
        if plan.priceCents < previous?.priceCents ?? 0 {
            return try scheduleDowngrade(current, to: plan, record: record)
        }
        if record.scheduledPlan != nil { try store.schedule(userID: record.userID, plan: nil) }
        let moved = try calling {
            try stripe.call(
                .post, "/v1/subscriptions/\(current.id)",
                [("items[0][id]", itemID), ("items[0][plan]", plan.id), ("cancel_at_period_end", "false")])
        }
        guard let after = StripeSubscription(moved) else { throw BillingError.stripeUnavailable }
        if plan.priceCents > previous?.priceCents ?? 0 {
            let invoice = try calling {
                try stripe.call(
                    .post, "/v1/invoices",
                    [
                        ("customer", current.customerID), ("subscription", current.id),
                        // Stripe leaves pending items (the prorations) out unless asked.
                        ("pending_invoice_items_behavior", "include"),
                    ], idempotencyKey: "upgrade-\(current.id)-\(plan.id)-\(after.itemID ?? itemID)")
            }
            guard let invoiceID = invoice["id"]?.stringValue else { throw BillingError.stripeUnavailable }
            var declined = false
            var paid: JSONValue?
            do {
                paid = try stripe.call(.post, "/v1/invoices/\(invoiceID)/pay")
            } catch let failure as StripeClient.Failure where failure.isDecline {
                declined = true
            } catch {
                paid = nil
            }
            if paid?["status"]?.stringValue != "paid" {
                // Declined: the account keeps its plan (Stripe retries the open invoice on its own).
                if let newItem = after.itemID, let old = previous {
                    _ = try? stripe.call(
                        .post, "/v1/subscriptions/\(current.id)",
                        [("items[0][id]", newItem), ("items[0][plan]", old.id)])
                }
                try settle(userID: record.userID, record: record, subscription: try currentSubscription(record))
                if declined || paid != nil {
                    throw BillingError.cardDeclined("Your card was declined for the upgrade; your plan is unchanged.")
                }
                throw BillingError.stripeUnavailable
            }
        }
        try settle(userID: record.userID, record: record, subscription: after)
        return .done
    }

    /// Pays the subscription's latest open invoice with the customer's default card (a failed
    /// renewal, after a new card). Nil when it was paid (or nothing was open); `.requiresAction`
    /// when the card needs authentication.
    func payOpenInvoice(_ subscription: StripeSubscription) throws -> Subscribed? {
        let read = try calling {
            try stripe.call(.get, "/v1/subscriptions/\(subscription.id)", [("expand[]", "latest_invoice")])
        }
        guard let invoice = read["latest_invoice"], invoice["status"]?.stringValue == "open",
            let invoiceID = invoice["id"]?.stringValue
        else { return nil }
        let paid = try calling {
            try stripe.call(.post, "/v1/invoices/\(invoiceID)/pay", [("expand[]", "payment_intent")])
        }
        if paid["status"]?.stringValue == "paid" { return nil }
        if let intent = paid["payment_intent"], intent["status"]?.stringValue == "requires_action",
            let secret = intent["client_secret"]?.stringValue
        {
            return .requiresAction(clientSecret: secret)
        }
        throw BillingError.cardDeclined(
            paid["payment_intent"]?["last_payment_error"]?["message"]?.stringValue ?? "Your card was declined.")
    }

    /// Attaches a payment method to the customer (if it is not yet) and makes it the default.
    func useAsDefault(_ paymentMethodID: String, customerID: String) throws {
        guard paymentMethodID.hasPrefix("pm_"), paymentMethodID.count <= 255 else {
            throw InvalidInput("paymentMethodId must be the id of a PaymentMethod (pm_…) that Stripe.js confirmed.")
        }
        let method = try calling { try stripe.call(.get, "/v1/payment_methods/\(paymentMethodID)") }
        let owner = method["customer"]?.stringValue
        if owner == nil {
            _ = try calling {
                try stripe.call(.post, "/v1/payment_methods/\(paymentMethodID)/attach", [("customer", customerID)])
            }
        } else if owner != customerID {
            throw BillingError.refused("That payment method belongs to another customer.")
        }
        _ = try calling {
            try stripe.call(
                .post, "/v1/customers/\(customerID)",
                [("invoice_settings[default_payment_method]", paymentMethodID)])
        }
    }

    /// The account's subscription as Stripe has it now.
    func currentSubscription(_ record: BillingStore.Record) throws -> StripeSubscription? {
        guard let id = record.subscriptionID else { return nil }
        do {
            return StripeSubscription(try stripe.call(.get, "/v1/subscriptions/\(id)"))
        } catch let failure as StripeClient.Failure where failure.status == 404 {
            return nil
        } catch {
            return try calling { throw error }
        }
    }

    /// Applies a subscription as Stripe has it to the account: its status and period, and the plan
    /// it pays for. A failed renewal (`past_due`) keeps the plan for the grace period from the first
    /// failure (`planHeldUntil`), after which the account is on Free until it pays; a subscription
    /// that ended, or never started, leaves the account on Free.
    func settle(
        userID: String, record: BillingStore.Record, subscription: StripeSubscription?, now: Timestamp = .now()
    ) throws {
        let live = subscription.flatMap { ["canceled", "incomplete_expired"].contains($0.status) ? nil : $0 }
        let paying = live.map { ["active", "trialing", "past_due"].contains($0.status) } ?? false
        let plan = paying ? (live?.planID ?? PlanCatalog.defaultPlanID) : PlanCatalog.defaultPlanID
        var since: Int64?
        var heldUntil: Int64?
        if live?.status == "past_due" {
            since = record.pastDueSince ?? now.secondsSinceEpoch
            heldUntil = (since ?? 0) + graceSeconds
        }
        let before = record.plan
        try store.apply(userID: userID, subscription: live, plan: plan, pastDueSince: since, heldUntil: heldUntil)
        notice(record: record, before: before, subscription: live, plan: plan, wasPastDue: record.pastDueSince != nil)
    }

    /// The mail of a change the account's owner should hear of (best effort: a mail that fails is
    /// logged by the caller's retry, never blocks the change).
    func notice(
        record: BillingStore.Record, before: String, subscription: StripeSubscription?, plan: String, wasPastDue: Bool
    ) {
        guard let mail else { return }
        if subscription?.status == "past_due", !wasPastDue {
            try? mail.sendBillingNotice(
                to: record.email, subject: "Your Transcriptor payment failed",
                lines: [
                    "We could not charge your card for your \(planName(plan)) plan.", "",
                    "Your plan stays in place for \(graceSeconds / 86400) days. Update your card on the billing page",
                    "and the payment is tried again; after that, the account moves to the Free plan until it is paid.",
                ])
        } else if plan != before {
            try? mail.sendBillingNotice(
                to: record.email, subject: "Your Transcriptor plan is now \(planName(plan))",
                lines: ["Your account moved from the \(planName(before)) plan to the \(planName(plan)) plan."])
        }
    }

    /// Re-reads the account's subscription from Stripe and applies it (after a webhook, or when the
    /// web app finished an authentication).
    public func resettle(userID: String) throws {
        guard let record = try store.record(userID: userID) else { return }
        try settle(userID: userID, record: record, subscription: try currentSubscription(record))
    }

    /// Cancels at the period's end (`cancel`) or undoes that before the end; either drops a move
    /// to a cheaper plan that was scheduled.
    public func setCancelAtPeriodEnd(userID: String, _ cancel: Bool) throws {
        guard let record = try store.record(userID: userID), let current = try currentSubscription(record),
            !["canceled", "incomplete_expired"].contains(current.status)
        else { throw BillingError.noSubscription }
        if record.scheduledPlan != nil { try store.schedule(userID: userID, plan: nil) }
        let changed = try calling {
            try stripe.call(
                .post, "/v1/subscriptions/\(current.id)", [("cancel_at_period_end", cancel ? "true" : "false")])
        }
        try settle(userID: userID, record: record, subscription: StripeSubscription(changed))
        if cancel, let mail {
            let end = StripeSubscription(changed)?.currentPeriodEnd.map { Timestamp(secondsSinceEpoch: $0).iso8601 }
            try? mail.sendBillingNotice(
                to: record.email, subject: "Your Transcriptor subscription will end",
                lines: [
                    "Your \(planName(record.plan)) plan is cancelled and ends \(end.map { "on \($0.prefix(10))" } ?? "at the end of the period").",
                    "Until then nothing changes; you can resume it on the billing page before that date.",
                ])
        }
    }

    /// Ends the account's billing when the account is deleted: the subscription is cancelled at
    /// once and the Stripe customer removed (with its cards).
    public func closeAccount(userID: String) throws {
        guard let record = try store.record(userID: userID), let customerID = record.customerID else { return }
        // Stripe's trouble is a 503 the owner can retry: the account is not deleted while its
        // subscription could still charge it.
        if let subscriptionID = record.subscriptionID {
            do {
                _ = try stripe.call(.delete, "/v1/subscriptions/\(subscriptionID)")
            } catch let failure as StripeClient.Failure where failure.status == 404 {
            } catch {
                throw BillingError.stripeUnavailable
            }
        }
        // Minutes beyond the plan's in the period so far are invoiced now, before the customer goes.
        if let plan = settings.plans.plan(record.plan), plan.allowsOverage {
            let period = UsagePeriod.of(
                plan: plan, periodStart: record.currentPeriodStart, periodEnd: record.currentPeriodEnd, now: .now())
            try chargeOverage(
                userID: userID, customerID: customerID, plan: plan, period: period, invoiceNow: true)
        }
        do {
            _ = try stripe.call(.delete, "/v1/customers/\(customerID)")
        } catch let failure as StripeClient.Failure where failure.status == 404 {
        } catch {
            throw BillingError.stripeUnavailable
        }
    }

    /// The card on file (the customer's default payment method).
    public func paymentMethod(customerID: String) throws -> PaymentMethod? {
        let customer = try calling {
            try stripe.call(
                .get, "/v1/customers/\(customerID)", [("expand[]", "invoice_settings.default_payment_method")])
        }
        guard let card = customer["invoice_settings"]?["default_payment_method"]?["card"] else { return nil }
        return PaymentMethod(
            brand: card["brand"]?.stringValue ?? "card", last4: card["last4"]?.stringValue ?? "",
            expMonth: card["exp_month"]?.intValue ?? 0, expYear: card["exp_year"]?.intValue ?? 0)
    }

    public struct PaymentMethod: Encodable, Sendable, Equatable {
        public var brand: String
        public var last4: String
        public var expMonth: Int
        public var expYear: Int
    }

    /// Handles a verified Stripe event: finds the account by our own customer record, re-reads the
    /// subscription from Stripe and applies it. Events of no subscription or customer of ours change
    /// nothing.
    public func settleEvent(_ event: JSONValue) throws {
        let object = event["data"]?["object"]
        let type = event["type"]?.stringValue ?? ""
        guard type.hasPrefix("customer.subscription.") || type.hasPrefix("invoice.") else { return }
        guard let customerID = object?["customer"]?.stringValue, let userID = try store.userID(customerID: customerID)
        else { return }
        guard var record = try store.record(userID: userID) else { return }
        try chargeEndedPeriod(record, event: type, object: object)
        let subscriptionID =
            type.hasPrefix("invoice.") ? object?["subscription"]?.stringValue : object?["id"]?.stringValue
        if let subscriptionID, record.subscriptionID == nil || record.subscriptionID != subscriptionID {
            // A subscription of this customer that the account does not record yet (made by a
            // request whose answer was lost): read it, it may be the current one.
            let candidate = try calling { try stripe.call(.get, "/v1/subscriptions/\(subscriptionID)") }
            guard let read = StripeSubscription(candidate), read.customerID == customerID else { return }
            if record.subscriptionID != nil, ["canceled", "incomplete_expired"].contains(read.status) { return }
            record.subscriptionID = read.id
        }
        try settle(userID: userID, record: record, subscription: try currentSubscription(record))
        if type == "customer.subscription.deleted", object?["id"]?.stringValue == record.subscriptionID,
            record.scheduledPlan != nil
        {
            try startScheduledPlan(userID: userID)
        }
        if type == "invoice.payment_succeeded" || type == "invoice.paid", let mail,
            let invoiceID = object?["id"]?.stringValue, try store.recordReceipt(invoiceID)
        {
            let amount = object?["amount_paid"]?.intValue ?? 0
            try? mail.sendBillingNotice(
                to: record.email, subject: "Your Transcriptor receipt",
                lines: [
                    "Thank you: we received \(Billing.money(amount, object?["currency"]?.stringValue ?? "usd")) for your Transcriptor plan.",
                    "Your invoices are on the billing page.",
                ])
        }
    }

    /// Charges the overage of the period the account's stored subscription covered, when an event
    /// ends it: the renewal's invoice (a draft, which the item joins; one already finalized leaves
    /// the item for the next), or a subscription that ended (invoiced at once). Other events wait
    /// for those, so the item is never made just before the renewal invoice that should carry it.
    func chargeEndedPeriod(_ record: BillingStore.Record, event type: String, object: JSONValue?) throws {
        guard let customerID = record.customerID, let plan = settings.plans.plan(record.plan), plan.allowsOverage
        else { return }
        let now = Timestamp.now()
        if type == "customer.subscription.deleted", object?["id"]?.stringValue == record.subscriptionID,
            let period = endedPeriod(record, now: now, endedAnyway: true)
        {
            try chargeOverage(
                userID: record.userID, customerID: customerID, plan: plan, period: period, invoiceNow: true, now: now)
        } else if type == "invoice.created", object?["subscription"]?.stringValue == record.subscriptionID,
            let period = endedPeriod(record, now: now)
        {
            let draft = object?["status"]?.stringValue == "draft"
            try chargeOverage(
                userID: record.userID, customerID: customerID, plan: plan, period: period,
                invoice: draft ? object?["id"]?.stringValue : nil, now: now)
        }
    }

    /// `1500, usd` → `USD 15.00`.
    static func money(_ cents: Int, _ currency: String) -> String {
        let whole = cents / 100
        let rest = abs(cents % 100)
        return "\(currency.uppercased()) \(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}
