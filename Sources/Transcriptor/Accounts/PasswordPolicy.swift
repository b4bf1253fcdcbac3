/// The rules a new password must meet, with the message a person reads when it does not.
///
/// Following NIST SP 800-63B and OWASP: length matters, composition rules do not; very common and
/// context-derived passwords are refused.
public struct PasswordPolicy: Sendable {
    public var minimumLength = 10
    public var maximumLength = 128

    public init() {}

    public struct Weak: Error, Sendable, Equatable {
        public let message: String
    }

    /// - Throws: `Weak` with a sentence saying which rule failed and what to do.
    public func check(_ password: String, email: EmailAddress? = nil) throws(Weak) {
        let length = password.count
        guard length >= minimumLength else {
            throw Weak(message: "Use at least \(minimumLength) characters for your password (this one has \(length)).")
        }
        guard length <= maximumLength else {
            throw Weak(message: "Use at most \(maximumLength) characters for your password.")
        }
        guard Set(password).count >= 4 else {
            throw Weak(message: "Your password repeats too few different characters; use a longer phrase.")
        }
        let lowered = password.lowercased()
        if Self.common.contains(lowered) {
            throw Weak(message: "That password is one of the most common ones; choose another.")
        }
        if let email,
            lowered.contains(email.normalized.split(separator: "@")[0])
                && email.normalized.split(separator: "@")[0].count >= 4
        {
            throw Weak(message: "Your password must not contain your email address.")
        }
    }

    /// Passwords of 10+ characters from the most common lists, refused outright.
    static let common: Set<String> = [
        "1234567890", "12345678910", "123456789a", "1q2w3e4r5t", "qwertyuiop", "password12", "password123",
        "password1234",
        "iloveyou12", "abcdefghij", "0987654321", "1111111111", "0000000000", "qwerty1234", "passw0rd12", "letmein123",
        "welcome123", "football12", "baseball12", "administrator", "changeme123", "transcriptor", "transcriptor1",
    ]
}
