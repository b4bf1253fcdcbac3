import Runtime

/// The billing address kept on the account's Stripe customer (invoices; tax once Stripe Tax is set up).
extension Billing {
    /// A billing address, as the customer gives it: the country (ISO 3166-1 alpha-2) at least.
    public struct Address: Decodable, Sendable, Equatable {
        public var country: String
        public var postalCode: String?
        public var line1: String?
        public var line2: String?
        public var city: String?
        public var state: String?

        /// The address trimmed, the country upper-cased; each field at most 100 characters of
        /// printable text.
        /// - Throws: `InvalidInput` naming the field.
        public func checked() throws -> Address {
            func field(_ value: String?, _ name: String) throws -> String? {
                guard let value = value?.trimmingWhitespace(), !value.isEmpty else { return nil }
                guard value.count <= 100 else {
                    throw InvalidInput("billingAddress.\(name) has at most 100 characters.")
                }
                try DisplayText.check(value, field: "billingAddress.\(name)")
                return value
            }
            let code = country.trimmingWhitespace().uppercased()
            guard code.count == 2, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
                throw InvalidInput(
                    "billingAddress.country must be a two-letter country code (ISO 3166-1), such as US or DE.")
            }
            return Address(
                country: code, postalCode: try field(postalCode, "postalCode"), line1: try field(line1, "line1"),
                line2: try field(line2, "line2"), city: try field(city, "city"), state: try field(state, "state"))
        }
    }

    /// Keeps a billing address on the account's Stripe customer (made now if need be).
    public func keepAddress(_ address: Address, userID: String) throws {
        guard let record = try store.record(userID: userID) else { throw AuthError.unauthorized(nil) }
        let customerID = try customer(for: record)
        var form: [(String, String)] = [("address[country]", address.country)]
        for (name, value) in [
            ("postal_code", address.postalCode), ("line1", address.line1), ("line2", address.line2),
            ("city", address.city), ("state", address.state),
        ] {
            if let value { form.append(("address[\(name)]", value)) }
        }
        _ = try calling { try stripe.call(.post, "/v1/customers/\(customerID)", form) }
    }
}
