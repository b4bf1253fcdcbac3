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

/// Where included minutes count: the UTC month on Free, the billing period on a paid plan, rolled
/// forward when a renewal was not heard of yet.
@Suite struct UsagePeriodTests {
    let free = PlanCatalog.freeOnly.plan("free")!
    let pro = Plan(
        id: "pro", name: "Pro", priceCents: 1500, currency: "usd", interval: "month", monthlyMinutes: 1200,
        maxFileSeconds: 14400, jobsInFlight: 20, overageCentsPerMinute: nil)
    let start: Int64 = 1_796_515_200  // 2026-12-06T00:00:00Z
    let end: Int64 = 1_799_193_600  // 2027-01-06T00:00:00Z

    @Test func freeCountsPerCalendarMonthAcrossTheYearsEnd() {
        let period = UsagePeriod.of(
            plan: free, periodStart: start, periodEnd: end, now: Timestamp(iso8601: "2026-12-31T23:59:59Z")!)
        #expect(period.key == "2026-12" && !period.isBillingPeriod)
        #expect(period.start.iso8601.hasPrefix("2026-12-01T00:00:00") && period.end.iso8601.hasPrefix("2027-01-01"))
        #expect(period.renewal == "on the 1st (UTC)")
    }

    @Test func aPaidPlanCountsPerBillingPeriodAndRollsOnWithoutTheRenewal() {
        let inside = UsagePeriod.of(plan: pro, periodStart: start, periodEnd: end, now: .init(secondsSinceEpoch: start))
        #expect(inside.key == "P\(start)" && inside.isBillingPeriod)
        #expect(inside.renewal.contains("2027-01-06"))
        // Two periods later, Stripe's renewal events unheard: the same length, on.
        let later = UsagePeriod.of(
            plan: pro, periodStart: start, periodEnd: end, now: .init(secondsSinceEpoch: end + (end - start) + 5))
        #expect(later.key == "P\(end + (end - start))")
        // No period known (an operator's plan, say), or one in the future: the month.
        #expect(
            UsagePeriod.of(plan: pro, periodStart: nil, periodEnd: nil, now: .init(secondsSinceEpoch: start)).key
                == "2026-12")
        #expect(
            UsagePeriod.of(plan: pro, periodStart: end, periodEnd: end + 10, now: .init(secondsSinceEpoch: start)).key
                == "2026-12")
    }
}
