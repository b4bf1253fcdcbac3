import Cloud
import Runtime

/// Random bearer secrets that are stored only as hashes: refresh tokens (`rt_…`), API keys
/// (`tsk_…`), email-verification and password-reset tokens. The text handed out is the prefix
/// and 32 random bytes; the store keeps SHA-256 of it, so a leaked table yields no usable secret.
/// (SHA-256 suffices here: the secrets have 256 bits of entropy, unlike passwords.)
public struct OpaqueToken: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case refresh = "rt"
        case apiKey = "tsk"
        case emailVerification = "ev"
        case passwordReset = "pr"
        /// A read-only link to a transcript (`/s/{token}`).
        case share = "sh"
    }

    /// What the client gets, once.
    public let text: String
    public let kind: Kind

    /// A new random token of this kind.
    public init(kind: Kind) {
        self.kind = kind
        self.text = "\(kind.rawValue)_\(Base64.encode(RandomBytes.generate(count: 32), urlSafe: true))"
    }

    /// Reads a token a client presented; nil when it is not of this kind or not well-formed.
    public init?(presented text: String, kind: Kind) {
        let prefix = "\(kind.rawValue)_"
        guard text.hasPrefix(prefix), let secret = Base64.decode(String(text.dropFirst(prefix.count))),
            secret.count == 32,
            Base64.encode(secret, urlSafe: true) == text.dropFirst(prefix.count)
        else { return nil }
        self.kind = kind
        self.text = text
    }

    /// The hex SHA-256 the store keeps and looks tokens up by.
    public var hash: String { Digest.sha256Hex(text) }

    /// The first characters, shown beside an API key in lists so a person can tell keys apart.
    public var visiblePrefix: String { String(text.prefix(kind.rawValue.count + 1 + 8)) }
}
