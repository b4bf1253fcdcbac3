import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing
import Transcriptor

/// Billing end to end: the API's billing routes, their functions under the emulator, and
/// localstripe (a third party's implementation of Stripe's API and Stripe.js) started by `serve`.
/// The browser's part (Stripe.js confirming a card) is made here with the same calls its stand-in
/// makes (docs/localstripe-notes.md).
@Suite struct BillingTests {
    let api: APIHarness
    /// The publishable key of the template's default (`StripePublishableKey`).
    static let publishableKey = "pk_test_local"
    static let secretKey = "sk_test_local"

    init() throws { api = try APIHarness(billing: true) }

    init(api: APIHarness) throws { self.api = api }

    /// A call to local Stripe as the browser's Stripe.js makes it: a JSON body sent as text, the
    /// publishable key in it, no Authorization.
    func stripeJS(_ path: String, _ body: [String: Any]) throws -> [String: Any] {
        let response = try HTTPClient().execute(
            HTTPRequest(
                .post, url: api.emulator.stripe + path, headers: [("Content-Type", "text/plain")],
                body: .bytes(Array(try JSONSerialization.data(withJSONObject: body)))))
        return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// A call to local Stripe with the secret key, as an operator (or the test) would.
    func stripeAPI(_ method: HTTPMethod, _ path: String) throws -> [String: Any] {
        let response = try HTTPClient().execute(
            HTTPRequest(
                method, url: api.emulator.stripe + path, headers: [("Authorization", "Bearer \(Self.secretKey)")]))
        return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// What the web app does to save a card: a SetupIntent from the API, confirmed with Stripe.js.
    func savedCard(_ session: APIHarness.Session, number: String) throws -> String {
        let intent = try api.call(.post, "/v1/billing/setup-intent", token: session.accessToken)
        #expect(intent.status == 201, "\(intent)")
        let secret = try #require(intent.json["clientSecret"] as? String)
        let setupID = try #require(secret.components(separatedBy: "_secret_").first)
        let confirmed = try stripeJS(
            "/v1/setup_intents/\(setupID)/confirm",
            [
                "key": Self.publishableKey, "use_stripe_sdk": true, "client_secret": secret,
                "payment_method_data": [
                    "type": "card",
                    "card": ["number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"],
                    "billing_details": ["address": ["postal_code": "10001"]],
                ],
            ])
        if confirmed["status"] as? String == "requires_action" {
            // A card that authenticates at setup: Stripe.js's modal confirms it again.
            let again = try stripeJS(
                "/v1/setup_intents/\(setupID)/confirm",
                ["key": Self.publishableKey, "use_stripe_sdk": true, "client_secret": secret])
            return try #require(again["payment_method"] as? String, "\(again)")
        }
        return try #require(confirmed["payment_method"] as? String, "\(confirmed)")
    }

    /// A form POST to local Stripe with the secret key (what a renewal does at Stripe).
    func stripeForm(_ path: String, _ form: String = "") throws -> [String: Any] {
        let response = try HTTPClient().execute(
            HTTPRequest(
                .post, url: api.emulator.stripe + path,
                headers: [
                    ("Authorization", "Bearer \(Self.secretKey)"),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ], body: .bytes(Array(form.utf8))))
        return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// The Stripe customer of a session's account, as local Stripe has it (by its email).
    func customerID(_ session: APIHarness.Session) throws -> String {
        try #require(
            ((try stripeAPI(.get, "/v1/customers?email=\(session.email)"))["data"] as? [[String: Any]])?.first?["id"]
                as? String)
    }

    /// The customer's (first listed) subscription.
    func subscriptionID(customer: String) throws -> String {
        try #require(
            ((try stripeAPI(.get, "/v1/subscriptions?customer=\(customer)"))["data"] as? [[String: Any]])?.first?["id"]
                as? String)
    }

    /// Polls `GET /v1/billing` until `done` holds (webhooks arrive about a second after their event).
    func billing(_ session: APIHarness.Session, until done: ([String: Any]) -> Bool) throws -> [String: Any] {
        var last: [String: Any] = [:]
        for _ in 0..<60 {
            last = try api.call(.get, "/v1/billing", token: session.accessToken).json
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return last
    }

    func subscribe(_ session: APIHarness.Session, _ plan: String, card: String) throws -> APIHarness.Reply {
        let method = try savedCard(session, number: card)
        return try api.call(
            .post, "/v1/billing/subscription", token: session.accessToken,
            json: ["planId": plan, "paymentMethodId": method])
    }

    @Test func aGoodCardSubscribesAndTheLimitsRiseAtOnce() throws {
        let session = try api.signup()
        let before = try api.call(.get, "/v1/billing", token: session.accessToken)
        #expect(before.status == 200, "\(before)")
        #expect(before.json["plan"] as? String == "free" && before.json["status"] is NSNull)
        #expect(before.json["paymentMethod"] is NSNull)
        let stripe = try #require(before.json["stripe"] as? [String: Any])
        #expect(stripe["publishableKey"] as? String == Self.publishableKey)
        #expect((stripe["jsUrl"] as? String)?.hasSuffix("/js.stripe.com/v3/") == true)

        let subscribed = try subscribe(session, "pro", card: "4242424242424242")
        #expect(subscribed.status == 200, "\(subscribed)")
        #expect(subscribed.json["plan"] as? String == "pro" && subscribed.json["status"] as? String == "active")
        let card = try #require(subscribed.json["paymentMethod"] as? [String: Any])
        #expect(card["last4"] as? String == "4242")
        let usage = try #require(subscribed.json["usage"] as? [String: Any])
        #expect(usage["minutesIncluded"] as? Int == 1200)
        let limits = try #require(
            try api.call(.get, "/v1/me", token: session.accessToken).json["limits"] as? [String: Any])
        #expect(limits["monthlyAudioMinutes"] as? Int == 1200 && limits["jobsInFlight"] as? Int == 20)

        let invoices = try #require(
            try api.call(.get, "/v1/billing/invoices", token: session.accessToken).json["invoices"] as? [[String: Any]])
        #expect(invoices.count == 1)
        #expect(invoices.first?["status"] as? String == "paid" && invoices.first?["amountPaidCents"] as? Int == 1500)
        // Subscribing again to the plan it has changes nothing.
        let again = try api.call(.post, "/v1/billing/subscription", token: session.accessToken, json: ["planId": "pro"])
        #expect(again.status == 200 && again.json["plan"] as? String == "pro", "\(again)")
    }

    /// Included minutes count per UTC month on Free and per billing period on a paid plan: a Free
    /// account that used its month's minutes starts its Pro period with all of Pro's.
    @Test func aPaidPlansMinutesCountPerBillingPeriodNotPerMonth() throws {
        let session = try api.signup()
        let db = try DynamoDBClient(configuration: api.aws)
        let month = Keys.month(.now())
        try db.putItem(
            table: "transcriptor-local-Table",
            item: [
                "pk": .s("USER#\(session.userID)"), "sk": .s("USAGE#\(month)"), "audioSeconds": .number(3600),
                "jobs": .number(4),
            ])
        func create() throws -> APIHarness.Reply {
            try api.call(
                .post, "/v1/jobs", token: session.accessToken,
                json: ["source": ["upload": ["filename": "a.mp3", "contentType": "audio/mpeg", "size": 1000]]])
        }
        let refused = try create()
        #expect(refused.status == 402 && refused.errorCode == "quota_exceeded", "\(refused)")
        #expect(refused.errorMessage.contains("on the 1st (UTC)"), "\(refused)")
        let me = try #require(try api.call(.get, "/v1/me", token: session.accessToken).json["usage"] as? [String: Any])
        #expect(me["audioSeconds"] as? Double == 3600 && me["month"] as? String == month)

        #expect(try subscribe(session, "pro", card: "4242424242424242").status == 200)
        let billing = try api.call(.get, "/v1/billing", token: session.accessToken).json
        let usage = try #require(billing["usage"] as? [String: Any])
        #expect(usage["minutesUsed"] as? Double == 0 && usage["minutesIncluded"] as? Int == 1200, "\(usage)")
        let period = try #require(
            try api.call(.get, "/v1/me", token: session.accessToken).json["usage"] as? [String: Any])
        #expect(period["audioSeconds"] as? Double == 0, "\(period)")
        // The period is the subscription's, as Stripe has it.
        let customer = try customerID(session)
        let subscription = try #require(
            ((try stripeAPI(.get, "/v1/subscriptions?customer=\(customer)"))["data"] as? [[String: Any]])?.first)
        let start = try #require(subscription["current_period_start"] as? Int)
        #expect(period["periodStart"] as? String == Timestamp(secondsSinceEpoch: Int64(start)).iso8601, "\(period)")
        #expect(try create().status == 201)
    }

    /// Business minutes beyond the included 6,000 are let through and charged once per billing period:
    /// at the renewal, one invoice item on the renewal invoice, whatever the webhook replays and the
    /// events that come after; at the account's deletion, the period so far, invoiced at once.
    @Test func businessOverageIsChargedOncePerPeriodAtRenewalAndAtDeletion() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "business", card: "4242424242424242").status == 200)
        // The subscription's own events (about a second later) are handled before the period ends.
        Thread.sleep(forTimeInterval: 2.5)
        let db = try DynamoDBClient(configuration: api.aws)
        let table = "transcriptor-local-Table"
        let profile: Item = ["pk": .s("USER#\(session.userID)"), "sk": .s("PROFILE")]
        // The period as a renewal finds it: ended an hour ago, 90 minutes (less a few seconds) over.
        let end = Timestamp.now().secondsSinceEpoch - 3600
        let start = end - 30 * 86400
        try db.updateItem(
            table: table, key: profile, update: "SET currentPeriodStart = :s, currentPeriodEnd = :e",
            values: [":s": .number(start), ":e": .number(end)])
        let over = ["pk": AttributeValue.s("USER#\(session.userID)"), "sk": .s("USAGE#P\(start)")]
        try db.putItem(table: table, item: over.merging(["audioSeconds": .n("365370"), "jobs": .number(40)]) { $1 })
        // Past the included minutes, Business takes jobs (Free and Pro refuse them).
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "a.mp3", "contentType": "audio/mpeg", "size": 1000]]])
        #expect(created.status == 201, "\(created)")

        // The renewal: Stripe makes the new period's invoice, a draft, and says so (invoice.created).
        let customer = try customerID(session)
        let subscription = try subscriptionID(customer: customer)
        let renewal = try #require(
            try stripeForm("/v1/invoices", "customer=\(customer)&subscription=\(subscription)")["id"] as? String)
        let record: Item = ["pk": .s("USER#\(session.userID)"), "sk": .s("OVERAGE#P\(start)")]
        var itemID: String?
        for _ in 0..<60 where itemID == nil {
            itemID = try db.getItem(table: table, key: record, consistentRead: true)?["invoiceItemId"]?.stringValue
            if itemID == nil { Thread.sleep(forTimeInterval: 0.25) }
        }
        let item = try stripeAPI(.get, "/v1/invoiceitems/\(try #require(itemID, "no overage charged"))")
        #expect(item["amount"] as? Int == 90 && item["invoice"] as? String == renewal, "\(item)")
        #expect((item["description"] as? String)?.contains("90 minutes beyond the 6000") == true, "\(item)")

        // The same event again, and later events of the period: still the one item.
        let events = try #require(
            (try stripeAPI(.get, "/v1/events?type=invoice.created"))["data"] as? [[String: Any]])
        let event = try #require(
            events.first { (($0["data"] as? [String: Any])?["object"] as? [String: Any])?["id"] as? String == renewal })
        for _ in 0..<2 { #expect(try deliver(event).status == 200) }
        let paid = try stripeForm("/v1/invoices/\(renewal)/pay")
        #expect(paid["status"] as? String == "paid", "\(paid)")
        Thread.sleep(forTimeInterval: 1.5)
        #expect(
            try db.getItem(table: table, key: record, consistentRead: true)?["invoiceItemId"]?.stringValue == itemID)
        let pending = try #require(
            (try stripeAPI(.get, "/v1/invoiceitems?customer=\(customer)"))["data"] as? [[String: Any]])
        #expect(pending.allSatisfy { ($0["metadata"] as? [String: Any])?["overagePeriod"] == nil }, "\(pending)")

        // Deleting the account charges the period so far (30 minutes over) before the customer goes.
        let current = try #require(
            try db.getItem(table: table, key: profile, consistentRead: true)?["currentPeriodStart"]?.numberValue
                .flatMap { Int64($0) })
        try db.putItem(
            table: table,
            item: ["pk": .s("USER#\(session.userID)"), "sk": .s("USAGE#P\(current)"), "audioSeconds": .n("361800")])
        let deleted = try api.call(.delete, "/v1/me", token: session.accessToken, json: ["password": session.password])
        #expect(deleted.status == 204, "\(deleted)")
        // The customer is gone; its item is still Stripe's, found by our metadata.
        let items = try #require((try stripeAPI(.get, "/v1/invoiceitems?limit=100"))["data"] as? [[String: Any]])
        let closing = items.filter {
            let metadata = $0["metadata"] as? [String: Any]
            return metadata?["userId"] as? String == session.userID
                && metadata?["overagePeriod"] as? String == "P\(current)"
        }
        #expect(closing.count == 1 && closing.first?["amount"] as? Int == 30, "\(items)")
        #expect((closing.first?["description"] as? String)?.hasPrefix("Overage: 30 minutes") == true, "\(closing)")
    }

    /// The billing address is kept on the Stripe customer; a bad one is a 400 that names the field,
    /// and nothing is subscribed.
    @Test func theBillingAddressIsKeptOnTheCustomer() throws {
        let session = try api.signup()
        let method = try savedCard(session, number: "4242424242424242")
        for (address, says) in [
            (["country": "USA"], "two-letter"), (["country": "U1"], "two-letter"),
            (["country": "DE", "city": "Berlin\u{0}"], "billingAddress.city"),
            (["country": "DE", "line1": String(repeating: "a", count: 101)], "100 characters"),
        ] {
            let reply = try api.call(
                .post, "/v1/billing/subscription", token: session.accessToken,
                json: ["planId": "pro", "paymentMethodId": method, "billingAddress": address])
            #expect(reply.status == 400 && reply.errorMessage.contains(says), "\(address): \(reply)")
        }
        #expect(try api.call(.get, "/v1/billing", token: session.accessToken).json["plan"] as? String == "free")
        let done = try api.call(
            .post, "/v1/billing/subscription", token: session.accessToken,
            json: [
                "planId": "pro", "paymentMethodId": method,
                "billingAddress": [
                    "country": " us ", "postalCode": "94107", "line1": "1 Market St", "city": "San Francisco",
                ],
            ])
        #expect(done.status == 200, "\(done)")
        let customer = try #require(
            ((try stripeAPI(.get, "/v1/customers?email=\(session.email)"))["data"] as? [[String: Any]])?.first)
        let address = try #require(customer["address"] as? [String: Any], "\(customer)")
        #expect(address["country"] as? String == "US" && address["postal_code"] as? String == "94107", "\(address)")
        #expect(address["city"] as? String == "San Francisco")
    }

    @Test func aDeclinedCardGets402WithStripesReasonAndLeavesNothing() throws {
        let session = try api.signup()
        let declined = try subscribe(session, "pro", card: "4000000000000341")
        #expect(declined.status == 402, "\(declined)")
        #expect(declined.errorCode == "card_declined" && declined.errorMessage.contains("declined"), "\(declined)")
        let billing = try api.call(.get, "/v1/billing", token: session.accessToken)
        #expect(billing.json["plan"] as? String == "free" && billing.json["status"] is NSNull, "\(billing)")
        // Nothing left behind at Stripe: no subscription of the customer that is not cancelled.
        let customers = try stripeAPI(.get, "/v1/customers?email=\(session.email)")
        let customer = try #require((customers["data"] as? [[String: Any]])?.first?["id"] as? String)
        let subscriptions = try stripeAPI(.get, "/v1/subscriptions?customer=\(customer)")
        let live = (subscriptions["data"] as? [[String: Any]] ?? []).filter { $0["status"] as? String != "canceled" }
        #expect(live.isEmpty, "\(subscriptions)")
    }

    @Test func aCardThatNeedsAuthenticationGets202ThenTheWebAppCompletesIt() throws {
        let session = try api.signup()
        let pending = try subscribe(session, "business", card: "4000002500003155")
        #expect(pending.status == 202, "\(pending)")
        #expect(pending.json["requiresAction"] as? Bool == true)
        let secret = try #require(pending.json["clientSecret"] as? String)
        let intent = try #require(secret.components(separatedBy: "_secret_").first)
        // Stripe.js's confirmCardPayment, authenticated.
        _ = try stripeJS(
            "/v1/payment_intents/\(intent)/_authenticate?success=true",
            ["key": Self.publishableKey, "client_secret": secret])
        let billing = try api.call(.get, "/v1/billing", token: session.accessToken)
        #expect(billing.json["plan"] as? String == "business", "\(billing)")
        #expect(billing.json["status"] as? String == "active")
    }

    @Test func cancellingAtThePeriodsEndCanBeUndone() throws {
        let session = try api.signup()
        let none = try api.call(.delete, "/v1/billing/subscription", token: session.accessToken)
        #expect(none.status == 409 && none.errorCode == "no_subscription", "\(none)")
        #expect(try subscribe(session, "pro", card: "4242424242424242").status == 200)
        let cancelled = try api.call(.delete, "/v1/billing/subscription", token: session.accessToken)
        #expect(cancelled.status == 200, "\(cancelled)")
        #expect(cancelled.json["cancelAtPeriodEnd"] as? Bool == true && cancelled.json["plan"] as? String == "pro")
        let resumed = try api.call(.post, "/v1/billing/subscription/resume", token: session.accessToken)
        #expect(resumed.status == 200 && resumed.json["cancelAtPeriodEnd"] as? Bool == false, "\(resumed)")
    }

    @Test func badPlansAndForeignPaymentMethodsAreRefused() throws {
        let session = try api.signup()
        for plan in ["free", "gold", ""] {
            let reply = try api.call(
                .post, "/v1/billing/subscription", token: session.accessToken, json: ["planId": plan])
            #expect(reply.status == 400 && reply.errorCode == "invalid_plan", "\(plan): \(reply)")
        }
        let other = try api.signup()
        let theirs = try savedCard(other, number: "4242424242424242")
        _ = try api.call(
            .post, "/v1/billing/subscription", token: other.accessToken,
            json: ["planId": "pro", "paymentMethodId": theirs])
        let stolen = try api.call(
            .post, "/v1/billing/subscription", token: session.accessToken,
            json: ["planId": "pro", "paymentMethodId": theirs])
        #expect(stolen.status == 400 && stolen.errorCode == "payment_refused", "\(stolen)")
        #expect(try api.call(.get, "/v1/billing", token: session.accessToken).json["plan"] as? String == "free")
        #expect(try api.call(.get, "/v1/billing").status == 401)
    }

    /// A webhook delivery signed as Stripe signs (`t=…,v1=…`, HMAC-SHA-256 of `t.body`).
    func deliver(
        _ event: [String: Any], secret: String = "whsec_local_transcriptor_webhook", at time: Timestamp = .now()
    )
        throws -> APIHarness.Reply
    {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self)
        let header = WebhookSignature.header(secret: secret, body: Array(body.utf8), at: time)
        return try api.call(.post, "/v1/billing/webhook", body: body, headers: [("Stripe-Signature", header)])
    }

    @Test func forgedStaleOrReplayedWebhooksChangeNothing() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "pro", card: "4242424242424242").status == 200)
        let customers = try stripeAPI(.get, "/v1/customers?email=\(session.email)")
        let customer = try #require((customers["data"] as? [[String: Any]])?.first?["id"] as? String)
        let subscription = try subscriptionID(customer: customer)
        // An event that says the subscription was deleted, which Stripe does not say.
        let lie: [String: Any] = [
            "id": "evt_\(UUID().uuidString.prefix(12))", "type": "customer.subscription.deleted",
            "data": ["object": ["id": subscription, "customer": customer, "status": "canceled"]],
        ]
        #expect(try deliver(lie, secret: "whsec_not_the_endpoints").errorCode == "invalid_signature")
        #expect(
            try deliver(lie, at: Timestamp.now().adding(seconds: -600)).errorCode == "invalid_signature")
        let unsigned = try api.call(.post, "/v1/billing/webhook", json: lie)
        #expect(unsigned.status == 400 && unsigned.errorCode == "invalid_signature")
        // Signed, it is read again at Stripe, which still has the subscription active.
        let delivered = try deliver(lie)
        #expect(delivered.status == 200, "\(delivered)")
        #expect(try api.call(.get, "/v1/billing", token: session.accessToken).json["plan"] as? String == "pro")
        let replayed = try deliver(lie)
        #expect(replayed.status == 200 && replayed.json["repeated"] as? Bool == true, "\(replayed)")
    }

    @Test func aCancellationAtStripeEndsThePlanWhenItsEventArrives() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "pro", card: "4242424242424242").status == 200)
        let customers = try stripeAPI(.get, "/v1/customers?email=\(session.email)")
        let customer = try #require((customers["data"] as? [[String: Any]])?.first?["id"] as? String)
        let subscription = try subscriptionID(customer: customer)
        // Cancelled at Stripe (the Dashboard, say): its customer.subscription.deleted reaches the webhook.
        _ = try stripeAPI(.delete, "/v1/subscriptions/\(subscription)")
        var plan: String?
        for _ in 0..<50 {
            plan = try api.call(.get, "/v1/me", token: session.accessToken).json["plan"] as? String
            if plan == "free" { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(plan == "free")
    }

    @Test func aFailedRenewalHoldsThePlanForTheGraceThenFreeUntilPaid() throws {
        let api = try APIHarness(parameters: ["BillingGraceSeconds": "6"], billing: true)
        let billingTests = try BillingTests(api: api)
        let session = try api.signup()
        #expect(try billingTests.subscribe(session, "pro", card: "4242424242424242").status == 200)
        // A card that will decline the renewal becomes the default.
        let failing = try billingTests.savedCard(session, number: "4000008260003178")
        let switched = try api.call(
            .post, "/v1/billing/subscription", token: session.accessToken,
            json: ["planId": "pro", "paymentMethodId": failing])
        #expect(switched.status == 200, "\(switched)")
        let customer = try #require(
            ((try billingTests.stripeAPI(.get, "/v1/customers?email=\(session.email)"))["data"] as? [[String: Any]])?
                .first?["id"] as? String)
        let subscription = try #require(
            ((try billingTests.stripeAPI(.get, "/v1/subscriptions?customer=\(customer)"))["data"] as? [[String: Any]])?
                .first?["id"] as? String)
        // The renewal, as Stripe makes it at the period's end: an invoice, paid with the default card.
        let invoice = try billingTests.stripeForm("/v1/invoices", "customer=\(customer)&subscription=\(subscription)")
        let invoiceID = try #require(invoice["id"] as? String, "\(invoice)")
        let paying = try billingTests.stripeForm("/v1/invoices/\(invoiceID)/pay")
        let intentID = try #require(paying["payment_intent"] as? String, "\(paying)")
        let intent = try billingTests.stripeAPI(.get, "/v1/payment_intents/\(intentID)")
        _ = try billingTests.stripeJS(
            "/v1/payment_intents/\(intentID)/_authenticate?success=true",
            ["key": Self.publishableKey, "client_secret": intent["client_secret"] as? String ?? ""])
        // invoice.payment_failed: past due, the plan held.
        let pastDue = try billingTests.billing(session) { $0["status"] as? String == "past_due" }
        #expect(pastDue["status"] as? String == "past_due" && pastDue["plan"] as? String == "pro", "\(pastDue)")
        #expect(
            try api.mail(to: session.email).contains { ($0["subject"] as? String)?.contains("payment failed") == true })
        // The grace (6 s here) ends: Free, and its limits.
        Thread.sleep(forTimeInterval: 7)
        let me = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect(me.json["plan"] as? String == "free", "\(me)")
        #expect((me.json["limits"] as? [String: Any])?["jobsInFlight"] as? Int == 3)
        // A good card: the open invoice is paid with it at once, and the account is on Pro again.
        let good = try billingTests.savedCard(session, number: "4242424242424242")
        let renewed = try api.call(
            .post, "/v1/billing/subscription", token: session.accessToken,
            json: ["planId": "pro", "paymentMethodId": good])
        #expect(renewed.status == 200, "\(renewed)")
        #expect(try billingTests.stripeAPI(.get, "/v1/invoices/\(invoiceID)")["status"] as? String == "paid")
        let restored = try billingTests.billing(session) {
            $0["status"] as? String == "active" && $0["plan"] as? String == "pro"
        }
        #expect(restored["plan"] as? String == "pro" && restored["status"] as? String == "active", "\(restored)")
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).json["plan"] as? String == "pro")
    }

    @Test func deletingTheAccountCancelsTheSubscriptionAndRemovesTheCustomer() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "pro", card: "4242424242424242").status == 200)
        let customer = try customerID(session)
        let subscription = try subscriptionID(customer: customer)
        let deleted = try api.call(.delete, "/v1/me", token: session.accessToken, json: ["password": session.password])
        #expect(deleted.status == 204, "\(deleted)")
        #expect(try stripeAPI(.get, "/v1/subscriptions/\(subscription)")["status"] as? String == "canceled")
        #expect((try stripeAPI(.get, "/v1/customers/\(customer)"))["id"] == nil)
        // Nothing of ours points at the customer any more: its lookup record went with the account.
        let db = try DynamoDBClient(configuration: api.aws)
        let lookup = try db.getItem(
            table: "transcriptor-local-Table",
            key: ["pk": .s("STRIPE_CUSTOMER#\(customer)"), "sk": .s("STRIPE_CUSTOMER")], consistentRead: true)
        #expect(lookup == nil, "\(lookup ?? [:])")
    }

    @Test func anUpgradeTakesEffectAtOnceAndIsChargedTheDifferenceThen() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "pro", card: "4242424242424242").status == 200)
        let upgraded = try api.call(
            .post, "/v1/billing/subscription", token: session.accessToken, json: ["planId": "business"])
        #expect(upgraded.status == 200, "\(upgraded)")
        #expect(upgraded.json["plan"] as? String == "business")
        #expect(
            (try api.call(.get, "/v1/me", token: session.accessToken).json["limits"] as? [String: Any])?["jobsInFlight"]
                as? Int == 50)
        let invoices = try #require(
            try api.call(.get, "/v1/billing/invoices", token: session.accessToken).json["invoices"] as? [[String: Any]])
        #expect(invoices.count == 2, "\(invoices)")
        // Newest first: the upgrade, at the start of the period the whole difference (6000 − 1500).
        #expect(invoices.first?["status"] as? String == "paid", "\(invoices)")
        #expect(invoices.first?["amountPaidCents"] as? Int == 4500, "\(invoices)")
    }

    /// A move to a cheaper plan waits for the period's end, without credit: the plan paid for holds,
    /// keeping it undoes the move, and when Stripe ends the period's subscription the account
    /// subscribes to the cheaper plan with its card on file, once, whatever the event's repeats.
    @Test func aMoveToACheaperPlanHappensAtThePeriodsEnd() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "business", card: "4242424242424242").status == 200)
        let down = try api.call(.post, "/v1/billing/subscription", token: session.accessToken, json: ["planId": "pro"])
        #expect(down.status == 200, "\(down)")
        #expect(down.json["plan"] as? String == "business" && down.json["scheduledPlan"] as? String == "pro")
        #expect(down.json["cancelAtPeriodEnd"] as? Bool == true)
        // Keeping Business drops the move; choosing Pro again schedules it again.
        let kept = try api.call(.post, "/v1/billing/subscription/resume", token: session.accessToken)
        #expect(kept.status == 200 && kept.json["scheduledPlan"] is NSNull, "\(kept)")
        #expect(kept.json["cancelAtPeriodEnd"] as? Bool == false)
        #expect(
            try api.call(.post, "/v1/billing/subscription", token: session.accessToken, json: ["planId": "pro"])
                .json["scheduledPlan"] as? String == "pro")
        #expect(
            (try api.call(.get, "/v1/me", token: session.accessToken).json["limits"] as? [String: Any])?[
                "monthlyAudioMinutes"] as? Int == 6000, "Business holds until the period's end")

        // The period's end: Stripe ends the subscription (localstripe has no clock; this is its call).
        let customer = try customerID(session)
        let business = try subscriptionID(customer: customer)
        let ended = try HTTPClient().execute(
            HTTPRequest(
                .delete, url: api.emulator.stripe + "/v1/subscriptions/\(business)",
                headers: [("Authorization", "Bearer \(Self.secretKey)")]))
        #expect(ended.status == 200)
        let moved = try billing(session) { $0["plan"] as? String == "pro" && $0["status"] as? String == "active" }
        #expect(moved["plan"] as? String == "pro" && moved["scheduledPlan"] is NSNull, "\(moved)")
        // The event again: nothing more starts.
        let events = try #require(
            (try stripeAPI(.get, "/v1/events?type=customer.subscription.deleted"))["data"] as? [[String: Any]])
        let event = try #require(
            events.first { (($0["data"] as? [String: Any])?["object"] as? [String: Any])?["id"] as? String == business }
        )
        for _ in 0..<2 { #expect(try deliver(event).status == 200) }
        let live = try #require(
            (try stripeAPI(.get, "/v1/subscriptions?customer=\(customer)"))["data"] as? [[String: Any]])
        #expect(live.count == 1 && (live.first?["plan"] as? [String: Any])?["id"] as? String == "pro", "\(live)")
        let invoices = try #require(
            try api.call(.get, "/v1/billing/invoices", token: session.accessToken).json["invoices"] as? [[String: Any]])
        #expect(invoices.first?["amountPaidCents"] as? Int == 1500, "\(invoices)")
        #expect(
            (try api.call(.get, "/v1/me", token: session.accessToken).json["limits"] as? [String: Any])?[
                "monthlyAudioMinutes"] as? Int == 1200)
    }

    @Test func aSecondSubscribeWhileTheFirstAwaitsAuthenticationReplacesIt() throws {
        let session = try api.signup()
        #expect(try subscribe(session, "pro", card: "4000002500003155").status == 202)
        // Abandoned: the next attempt, with a good card, is not stuck on the first.
        let again = try subscribe(session, "pro", card: "4242424242424242")
        #expect(again.status == 200 && again.json["plan"] as? String == "pro", "\(again)")
        let customer = try customerID(session)
        let live = ((try stripeAPI(.get, "/v1/subscriptions?customer=\(customer)"))["data"] as? [[String: Any]] ?? [])
            .filter { $0["status"] as? String != "canceled" }
        #expect(live.count == 1, "\(live)")
    }
}
