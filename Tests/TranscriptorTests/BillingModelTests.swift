import Runtime
import Testing

@testable import Transcriptor

/// Billing's pure parts: Stripe's form encoding, reading a subscription, the plan in force after a
/// failed renewal, money for a person.
@Suite struct BillingModelTests {
    @Test func formsAreEncodedAsStripeReadsThem() {
        let encoded = StripeClient.formEncoded([
            ("items[0][plan]", "pro"), ("email", "a+b@example.com"), ("metadata[note]", "x & y=z"),
        ])
        #expect(encoded == "items%5B0%5D%5Bplan%5D=pro&email=a%2Bb%40example.com&metadata%5Bnote%5D=x%20%26%20y%3Dz")
    }

    @Test func aSubscriptionIsReadWithItsPlanPeriodAndFirstPayment() throws {
        let json = try JSON.decode(
            JSONValue.self,
            from: #"""
                {"id":"sub_1","status":"incomplete","customer":"cus_1","cancel_at_period_end":false,
                 "current_period_end":1767225600,
                 "items":{"data":[{"id":"si_1","plan":{"id":"business"}}]},
                 "latest_invoice":{"payment_intent":{"status":"requires_payment_method","client_secret":"pi_1_secret_x",
                   "last_payment_error":{"message":"Your card was declined."}}}}
                """#)
        let subscription = try #require(StripeSubscription(json))
        #expect(
            subscription.planID == "business" && subscription.itemID == "si_1" && subscription.customerID == "cus_1")
        #expect(subscription.currentPeriodEnd == 1_767_225_600 && !subscription.cancelAtPeriodEnd)
        #expect(subscription.payment?.status == "requires_payment_method")
        #expect(subscription.payment?.declineMessage == "Your card was declined.")
        #expect(StripeSubscription(try JSON.decode(JSONValue.self, from: #"{"object":"list"}"#)) == nil)
    }

    @Test func aPlanHeldAfterAFailedRenewalEndsWhenItsTimePasses() {
        let now = Timestamp(secondsSinceEpoch: 1_000_000)
        #expect(PlanCatalog.planInForce(stored: "pro", heldUntil: nil, now: now) == "pro")
        #expect(PlanCatalog.planInForce(stored: "pro", heldUntil: 1_000_000, now: now) == "pro")
        #expect(PlanCatalog.planInForce(stored: "pro", heldUntil: 999_999, now: now) == "free")
        #expect(PlanCatalog.planInForce(stored: nil, heldUntil: nil, now: now) == "free")
    }

    @Test func moneyIsWrittenWithItsCurrencyAndCents() {
        #expect(Billing.money(1500, "usd") == "USD 15.00")
        #expect(Billing.money(1, "eur") == "EUR 0.01")
        #expect(Billing.money(6005, "usd") == "USD 60.05")
    }
}
