import Cloud
import Runtime

/// What billing keeps of an account, on its profile (`plan` and the Stripe ids, status and period),
/// and the records it keeps beside: the customer → account lookup (`STRIPE_CUSTOMER#{id}`) and the
/// Stripe events already handled (`STRIPE_EVENT#{id}`, a month), so a replay changes nothing.
public struct BillingStore {
    let db: DynamoDBClient
    let table: String

    public init(db: DynamoDBClient, table: String) {
        self.db = db
        self.table = table
    }

    public struct Record: Sendable, Equatable {
        public var userID: String
        public var email: String
        public var plan: String
        public var customerID: String?
        public var subscriptionID: String?
        /// Stripe's status of the subscription, as last read from Stripe.
        public var status: String?
        public var currentPeriodStart: Int64?
        public var currentPeriodEnd: Int64?
        public var cancelAtPeriodEnd: Bool
        /// When the subscription's renewal first failed (seconds since the epoch).
        public var pastDueSince: Int64?
        /// Until when the plan holds after that failure.
        public var planHeldUntil: Int64?
        /// A cheaper plan the account moves to when the period ends.
        public var scheduledPlan: String?
    }

    static let attributes = [
        "userId", "email", "plan", "stripeCustomerId", "subscriptionId", "subscriptionStatus", "currentPeriodStart",
        "currentPeriodEnd",
        "cancelAtPeriodEnd", "pastDueSince", "planHeldUntil", "scheduledPlan",
    ]

    public func record(userID: String) throws -> Record? {
        let projection = Projection(Self.attributes)
        guard
            let item = try db.getItem(
                table: table, key: Keys.owned(userID, Keys.profile), consistentRead: true,
                projection: projection.expression, names: projection.names),
            let email = item.string("email")
        else { return nil }
        return Record(
            userID: userID, email: email,
            plan: PlanCatalog.planInForce(stored: item.string("plan"), heldUntil: item.int("planHeldUntil")),
            customerID: item.string("stripeCustomerId"), subscriptionID: item.string("subscriptionId"),
            status: item.string("subscriptionStatus"), currentPeriodStart: item.int("currentPeriodStart"),
            currentPeriodEnd: item.int("currentPeriodEnd"),
            cancelAtPeriodEnd: item.bool("cancelAtPeriodEnd") ?? false, pastDueSince: item.int("pastDueSince"),
            planHeldUntil: item.int("planHeldUntil"), scheduledPlan: item.string("scheduledPlan"))
    }

    static func customerKey(_ customerID: String) -> Item {
        ["pk": .s("STRIPE_CUSTOMER#\(customerID)"), "sk": .s("STRIPE_CUSTOMER")]
    }

    /// Records the account's Stripe customer, once: when two requests made one each at once, the
    /// first recorded wins and is returned (the caller removes its own if it lost).
    public func keepCustomer(userID: String, customerID: String) throws -> String {
        do {
            try db.transactWriteItems([
                .update(
                    table: table, key: Keys.owned(userID, Keys.profile), update: "SET stripeCustomerId = :c",
                    condition: "attribute_exists(pk) AND attribute_not_exists(stripeCustomerId)",
                    values: [":c": .s(customerID)]),
                .put(
                    table: table,
                    item: Self.customerKey(customerID).merging(["userId": .s(userID)]) { $1 },
                    condition: "attribute_not_exists(pk)"),
            ])
            return customerID
        } catch let error as AWSError where error.code == "TransactionCanceledException" {
            guard let kept = try record(userID: userID)?.customerID else { throw error }
            return kept
        }
    }

    /// The account a Stripe customer belongs to (our own record, never the event's word).
    public func userID(customerID: String) throws -> String? {
        try db.getItem(table: table, key: Self.customerKey(customerID), consistentRead: true)?.string("userId")
    }

    /// Applies what Stripe says of the account's subscription (nil: it has none any more): the plan
    /// it pays for, and after a failed renewal, since when and until when that plan holds.
    public func apply(
        userID: String, subscription: StripeSubscription?, plan: String, pastDueSince: Int64?, heldUntil: Int64?
    ) throws {
        var set: Item = ["plan": .s(plan)]
        var remove: [String] = []
        if let subscription {
            set["subscriptionId"] = .s(subscription.id)
            set["subscriptionStatus"] = .s(subscription.status)
            set["cancelAtPeriodEnd"] = .bool(subscription.cancelAtPeriodEnd)
            if let start = subscription.currentPeriodStart { set["currentPeriodStart"] = .number(start) }
            if let end = subscription.currentPeriodEnd { set["currentPeriodEnd"] = .number(end) }
        } else {
            remove += [
                "subscriptionId", "subscriptionStatus", "cancelAtPeriodEnd", "currentPeriodStart", "currentPeriodEnd",
            ]
        }
        if let pastDueSince, let heldUntil {
            set["pastDueSince"] = .number(pastDueSince)
            set["planHeldUntil"] = .number(heldUntil)
        } else {
            remove += ["pastDueSince", "planHeldUntil"]
        }
        let update = AttributeUpdate(set: set, remove: remove)
        do {
            try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile), update: update.expression,
                condition: "attribute_exists(pk)", names: update.names, values: update.values)
        } catch let error as AWSError where error.isConditionFailure {}
    }

    /// Schedules a move to `plan` at the period's end (nil: drops a scheduled move).
    public func schedule(userID: String, plan: String?) throws {
        let update = plan.map { AttributeUpdate(set: ["scheduledPlan": .s($0)]) }
        try db.updateItem(
            table: table, key: Keys.owned(userID, Keys.profile),
            update: update?.expression ?? "REMOVE scheduledPlan", condition: "attribute_exists(pk)",
            names: update?.names ?? [:], values: update?.values ?? [:])
    }

    /// Takes the scheduled move, once: of two deliveries of the subscription's end, one gets it.
    public func takeScheduledPlan(userID: String) throws -> String? {
        do {
            let old = try db.updateItem(
                table: table, key: Keys.owned(userID, Keys.profile), update: "REMOVE scheduledPlan",
                condition: "attribute_exists(scheduledPlan)", returnValues: .updatedOld)
            return old?.string("scheduledPlan")
        } catch let error as AWSError where error.isConditionFailure {
            return nil
        }
    }

    /// The key of a record that something was done once: `STRIPE_EVENT#{id}`, `STRIPE_RECEIPT#{id}`.
    static func onceKey(_ kind: String, _ id: String) -> Item { ["pk": .s("\(kind)#\(id)"), "sk": .s(kind)] }

    /// Writes `kind`'s record of `id`, kept `lifetime` seconds. False when it was there before.
    func recordOnce(_ kind: String, _ id: String, lifetime: Int64, now: Timestamp) throws -> Bool {
        do {
            try db.putItem(
                table: table,
                item: Self.onceKey(kind, id).merging(["expiresAt": .number(now.secondsSinceEpoch + lifetime)]) { $1 },
                condition: "attribute_not_exists(pk)")
            return true
        } catch let error as AWSError where error.isConditionFailure {
            return false
        }
    }

    /// Records a Stripe event as handled (kept a month). False when it was before (a replay or a retry).
    public func recordEvent(_ eventID: String, now: Timestamp = .now()) throws -> Bool {
        try recordOnce("STRIPE_EVENT", eventID, lifetime: 30 * 24 * 3600, now: now)
    }

    /// Records that an invoice's receipt was mailed; false when it was before ("invoice.paid" and
    /// "invoice.payment_succeeded" both say it was paid).
    public func recordReceipt(_ invoiceID: String, now: Timestamp = .now()) throws -> Bool {
        try recordOnce("STRIPE_RECEIPT", invoiceID, lifetime: 400 * 24 * 3600, now: now)
    }

    /// Whether a Stripe event was handled before.
    public func eventHandled(_ eventID: String) throws -> Bool {
        try db.getItem(table: table, key: Self.onceKey("STRIPE_EVENT", eventID), consistentRead: true) != nil
    }
}
