/// Why billing refused a request; the API maps each to its status (`APIError(_:)`).
public enum BillingError: Error, Equatable, Sendable {
    /// The card was declined: Stripe's message for the customer (402 `card_declined`).
    case cardDeclined(String)
    /// No such plan, or one that cannot be subscribed to (Free).
    case unknownPlan(String)
    /// The account has no subscription to change.
    case noSubscription
    /// Stripe refused what was sent (a payment method of another customer, say).
    case refused(String)
    /// Stripe did not answer, or answered with its own trouble; the request may be sent again.
    case stripeUnavailable
    /// A webhook delivery whose `Stripe-Signature` does not hold (400 `invalid_signature`).
    case invalidSignature
}
