import Runtime

/// The customer's invoices as the billing page lists them.
extension Billing {
    public struct Invoice: Encodable, Sendable {
        public var id: String
        public var number: String?
        public var status: String
        public var amountDueCents: Int
        public var amountPaidCents: Int
        public var currency: String
        public var periodStart: String?
        public var periodEnd: String?
        public var createdAt: String?
        public var hostedUrl: String?
        public var lines: [Line]

        public struct Line: Encodable, Sendable {
            public var description: String
            public var amountCents: Int
        }

        enum CodingKeys: String, CodingKey {
            case id, number, status, amountDueCents, amountPaidCents, currency, periodStart, periodEnd, createdAt,
                hostedUrl, lines
        }

        /// Every field, absent ones as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try number.map { try c.encode($0, forKey: .number) } ?? c.encodeNil(forKey: .number)
            try c.encode(status, forKey: .status)
            try c.encode(amountDueCents, forKey: .amountDueCents)
            try c.encode(amountPaidCents, forKey: .amountPaidCents)
            try c.encode(currency, forKey: .currency)
            try periodStart.map { try c.encode($0, forKey: .periodStart) } ?? c.encodeNil(forKey: .periodStart)
            try periodEnd.map { try c.encode($0, forKey: .periodEnd) } ?? c.encodeNil(forKey: .periodEnd)
            try createdAt.map { try c.encode($0, forKey: .createdAt) } ?? c.encodeNil(forKey: .createdAt)
            try hostedUrl.map { try c.encode($0, forKey: .hostedUrl) } ?? c.encodeNil(forKey: .hostedUrl)
            try c.encode(lines, forKey: .lines)
        }
    }

    /// The customer's invoices, newest first (at most 24).
    public func invoices(customerID: String) throws -> [Invoice] {
        let list = try calling { try stripe.call(.get, "/v1/invoices", [("customer", customerID), ("limit", "24")]) }
        func time(_ value: JSONValue?) -> String? { value?.int64Value.map { Timestamp(secondsSinceEpoch: $0).iso8601 } }
        return (list["data"]?.arrayValue ?? []).compactMap { invoice in
            guard let id = invoice["id"]?.stringValue else { return nil }
            return Invoice(
                id: id, number: invoice["number"]?.stringValue, status: invoice["status"]?.stringValue ?? "draft",
                amountDueCents: invoice["amount_due"]?.intValue ?? 0,
                amountPaidCents: invoice["amount_paid"]?.intValue ?? 0,
                currency: invoice["currency"]?.stringValue ?? "usd", periodStart: time(invoice["period_start"]),
                periodEnd: time(invoice["period_end"]), createdAt: time(invoice["created"]),
                hostedUrl: invoice["hosted_invoice_url"]?.stringValue,
                lines: (invoice["lines"]?["data"]?.arrayValue ?? []).map {
                    Invoice.Line(
                        description: $0["description"]?.stringValue ?? "", amountCents: $0["amount"]?.intValue ?? 0)
                })
        }
    }
}
