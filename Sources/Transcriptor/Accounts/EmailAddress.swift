import Runtime

/// An email address as accounts use it: trimmed, checked for a plausible shape, and compared
/// case-insensitively (`normalized` is the lowercase form the uniqueness key is made from).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// As the person typed it (trimmed), for mail.
    public let text: String
    /// Lowercased, for lookups and the uniqueness constraint.
    public let normalized: String

    /// Why an address was refused, in words for the API's 400.
    public struct Invalid: Error, Sendable, Equatable {
        public let message: String
    }

    public init(_ raw: String) throws(Invalid) {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { throw Invalid(message: "Enter an email address.") }
        guard text.utf8.count <= 254 else { throw Invalid(message: "An email address has at most 254 characters.") }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else {
            throw Invalid(message: "\"\(text)\" is not an email address: it needs one @ with a name before it.")
        }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }),
            !domain.hasPrefix("-"), text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f })
        else {
            throw Invalid(
                message: "\"\(text)\" is not an email address: the part after @ must be a domain such as example.com.")
        }
        self.text = text
        self.normalized = text.lowercased()
    }

    public var description: String { text }

    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool { lhs.normalized == rhs.normalized }
    public func hash(into hasher: inout Hasher) { hasher.combine(normalized) }
}
