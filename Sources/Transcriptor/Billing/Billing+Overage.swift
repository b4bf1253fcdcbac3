import Cloud
import Runtime

/// Minutes beyond a plan's included ones (Business: USD 0.01 a minute), charged once per account and
/// billing period: our own record (`USER#{id}` / `OVERAGE#{period}`) fixes the minutes and the amount
/// the first time the period is charged, and holds the invoice item made for it, so retries, replays
/// and events that come twice make one item. Usage is our ledger; Stripe is told what to charge.
extension Billing {
    /// What was charged for a period (nil: nothing was over).
    public struct Overage: Sendable, Equatable {
        public var minutes: Int
        public var amountCents: Int
        public var invoiceItemID: String?
    }

    /// Charges the minutes of `period` beyond the included ones of `plan`, once. With `invoice` (a
    /// draft renewal invoice), the item goes on it; with `invoiceNow` (the subscription ended, the
    /// account is closing), an invoice is made for it and paid at once; otherwise it waits, pending,
    /// for the customer's next invoice.
    @discardableResult
    func chargeOverage(
        userID: String, customerID: String, plan: Plan, period: UsagePeriod, invoice: String? = nil,
        invoiceNow: Bool = false, now: Timestamp = .now()
    ) throws -> Overage? {
        guard let rate = plan.overageCentsPerMinute, rate > 0 else { return nil }
        let used = try AccountStore.usage(userID, period: period, db: store.db, table: store.table).audioSeconds
        let beyond = used - Double(plan.monthlyMinutes * 60)
        guard beyond > 0 else { return nil }
        let minutes = Int((beyond / 60).rounded(.up))
        let recorded = try store.overage(
            userID: userID, periodKey: period.key, minutes: minutes, amountCents: minutes * rate, now: now)
        if recorded.invoiceItemID != nil { return recorded }
        let description =
            "Overage: \(recorded.minutes) minutes beyond the \(plan.monthlyMinutes) of the \(plan.name) plan "
            + "(\(period.start.iso8601.prefix(10)) to \(period.end.iso8601.prefix(10)))"
        var form: [(String, String)] = [
            ("customer", customerID), ("amount", String(recorded.amountCents)), ("currency", plan.currency),
            ("description", description), ("metadata[userId]", userID), ("metadata[overagePeriod]", period.key),
            ("period_start", String(period.start.secondsSinceEpoch)),
            ("period_end", String(period.end.secondsSinceEpoch)),
        ]
        if let invoice { form.append(("invoice", invoice)) }
        let item = try calling {
            try stripe.call(.post, "/v1/invoiceitems", form, idempotencyKey: "overage-\(userID)-\(period.key)")
        }
        guard let itemID = item["id"]?.stringValue else { throw BillingError.stripeUnavailable }
        try store.recordOverageItem(userID: userID, periodKey: period.key, invoiceItemID: itemID)
        if invoiceNow {
            // A one-off invoice of the customer's pending items, paid now. Where Stripe refuses one
            // (localstripe makes no invoice without a live subscription), the item stays pending on
            // the customer; a declined card leaves the invoice open for Stripe's retries and dunning.
            if let made = try? stripe.call(
                .post, "/v1/invoices", [("customer", customerID), ("pending_invoice_items_behavior", "include")],
                idempotencyKey: "overage-invoice-\(userID)-\(period.key)"),
                let id = made["id"]?.stringValue
            {
                _ = try? stripe.call(.post, "/v1/invoices/\(id)/pay")
            }
        }
        return Overage(minutes: recorded.minutes, amountCents: recorded.amountCents, invoiceItemID: itemID)
    }

    /// The billing period an account's stored subscription covered (its start and end as last read
    /// from Stripe), when it has ended by `now` or `endedAnyway` (the subscription was deleted).
    func endedPeriod(_ record: BillingStore.Record, now: Timestamp, endedAnyway: Bool = false) -> UsagePeriod? {
        guard let start = record.currentPeriodStart, let end = record.currentPeriodEnd, end > start,
            endedAnyway || end <= now.secondsSinceEpoch
        else { return nil }
        return UsagePeriod(
            key: "P\(start)", start: Timestamp(secondsSinceEpoch: start),
            end: Timestamp(secondsSinceEpoch: min(end, max(start + 1, now.secondsSinceEpoch))), isBillingPeriod: true)
    }
}

extension BillingStore {
    /// The overage of a period as first recorded (the minutes and amount of the first charge hold,
    /// whatever usage is read later), with its invoice item once there is one.
    func overage(
        userID: String, periodKey: String, minutes: Int, amountCents: Int, now: Timestamp
    ) throws
        -> Billing.Overage
    {
        let key = Keys.owned(userID, "OVERAGE#\(periodKey)")
        do {
            try db.putItem(
                table: table,
                item: key.merging([
                    "minutes": .number(minutes), "amountCents": .number(amountCents), "createdAt": .s(now.iso8601),
                ]) { $1 },
                condition: "attribute_not_exists(pk)")
            return Billing.Overage(minutes: minutes, amountCents: amountCents, invoiceItemID: nil)
        } catch let error as AWSError where error.isConditionFailure {
            guard let item = try db.getItem(table: table, key: key, consistentRead: true) else { throw error }
            return Billing.Overage(
                minutes: Int(item.int("minutes") ?? Int64(minutes)),
                amountCents: Int(item.int("amountCents") ?? Int64(amountCents)),
                invoiceItemID: item.string("invoiceItemId"))
        }
    }

    func recordOverageItem(userID: String, periodKey: String, invoiceItemID: String) throws {
        try db.updateItem(
            table: table, key: Keys.owned(userID, "OVERAGE#\(periodKey)"), update: "SET invoiceItemId = :i",
            condition: "attribute_exists(pk)", values: [":i": .s(invoiceItemID)])
    }
}
