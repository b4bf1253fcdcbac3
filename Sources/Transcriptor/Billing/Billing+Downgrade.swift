import Runtime

/// A move to a cheaper plan, which waits for the period's end.
extension Billing {
    /// A move to a cheaper plan, at the period's end, without credit: the subscription is cancelled
    /// at the period's end and the plan to come recorded; when Stripe ends the subscription
    /// (`customer.subscription.deleted`), the account subscribes to it with its card on file
    /// (`startScheduledPlan`). Resuming, cancelling or moving up drops the move.
    func scheduleDowngrade(
        _ current: StripeSubscription, to plan: Plan, record: BillingStore.Record
    ) throws
        -> Subscribed
    {
        try store.schedule(userID: record.userID, plan: plan.id)
        let changed = try calling {
            try stripe.call(.post, "/v1/subscriptions/\(current.id)", [("cancel_at_period_end", "true")])
        }
        let after = StripeSubscription(changed)
        try settle(userID: record.userID, record: record, subscription: after)
        if let mail {
            let end = after?.currentPeriodEnd.map { Timestamp(secondsSinceEpoch: $0).iso8601.prefix(10) }
            try? mail.sendBillingNotice(
                to: record.email, subject: "Your Transcriptor plan moves to \(plan.name)",
                lines: [
                    "Your \(planName(current.planID)) plan continues until \(end.map { "\($0)" } ?? "the end of the period"); "
                        + "then your account moves to the \(plan.name) plan at \(Billing.money(plan.priceCents, plan.currency)) a month.",
                    "You can keep your current plan from the billing page until then.",
                ])
        }
        return .done
    }

    /// Starts the plan a downgrade scheduled, once its subscription has ended (taken once, so a
    /// repeated event starts nothing more). A declined card leaves the account on Free, and says so.
    func startScheduledPlan(userID: String) throws {
        guard let planID = try store.takeScheduledPlan(userID: userID) else { return }
        do {
            _ = try subscribe(userID: userID, planID: planID, paymentMethodID: nil)
        } catch BillingError.cardDeclined(let reason) {
            if let mail, let record = try store.record(userID: userID) {
                try? mail.sendBillingNotice(
                    to: record.email, subject: "Your Transcriptor plan could not start",
                    lines: [
                        "We could not charge your card for the \(planName(planID)) plan (\(reason)).",
                        "Your account is on the Free plan; choose a plan on the pricing page to subscribe again.",
                    ])
            }
        }
    }
}
