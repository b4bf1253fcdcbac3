import Runtime

/// A Stripe subscription as billing reads it (re-read from Stripe whenever it acts: an event's
/// copy may be stale or out of order).
public struct StripeSubscription: Sendable, Equatable {
    public var id: String
    public var customerID: String
    /// Stripe's status: `active`, `trialing`, `past_due`, `incomplete`, `canceled`, `unpaid`…
    public var status: String
    public var planID: String
    public var itemID: String?
    public var currentPeriodStart: Int64?
    public var currentPeriodEnd: Int64?
    public var cancelAtPeriodEnd: Bool
    /// The first invoice's payment, when it was expanded.
    public var payment: Payment?

    public struct Payment: Sendable, Equatable {
        /// `succeeded`, `requires_action`, `requires_payment_method`…
        public var status: String
        public var clientSecret: String?
        /// Why the card was refused, in Stripe's words for the customer.
        public var declineMessage: String?
    }

    public init?(_ json: JSONValue) {
        guard let id = json["id"]?.stringValue, let status = json["status"]?.stringValue else { return nil }
        self.id = id
        self.status = status
        customerID = json["customer"]?.stringValue ?? json["customer"]?["id"]?.stringValue ?? ""
        let item = json["items"]?["data"]?[0]
        planID =
            item?["plan"]?["id"]?.stringValue ?? item?["price"]?["id"]?.stringValue ?? json["plan"]?["id"]?
            .stringValue ?? ""
        itemID = item?["id"]?.stringValue
        currentPeriodStart = json["current_period_start"]?.int64Value ?? item?["current_period_start"]?.int64Value
        currentPeriodEnd = json["current_period_end"]?.int64Value ?? item?["current_period_end"]?.int64Value
        cancelAtPeriodEnd = json["cancel_at_period_end"]?.boolValue ?? false
        if let intent = json["latest_invoice"]?["payment_intent"], let intentStatus = intent["status"]?.stringValue {
            payment = Payment(
                status: intentStatus, clientSecret: intent["client_secret"]?.stringValue,
                declineMessage: intent["last_payment_error"]?["message"]?.stringValue)
        }
    }
}
