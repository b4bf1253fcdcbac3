import HTTP
import Runtime

/// The rule for every URL the service fetches on a user's behalf (job sources, webhooks): only
/// http and https, no credentials in the URL, and no address that reaches the service's own side
/// of the network (loopback, private, link-local with the cloud metadata service, carrier-grade
/// NAT, multicast, reserved, IPv6 unique-local, or an IPv4-mapped form of those).
///
/// `check` refuses literal addresses in any encoding up front, with a message for the job; the
/// `addressPolicy` is installed on the HTTP client, which applies it to the address each
/// connection actually uses, after DNS and after every redirect, so a name that resolves (or is
/// re-bound) to a forbidden address is refused too.
public struct URLGuard: Sendable {
    /// Local development's opt-in (`ALLOW_LOOPBACK_URLS=true`): loopback only; the other ranges
    /// stay forbidden.
    public var allowLoopback: Bool
    /// When not empty, the only hosts fetched, checked before any name is looked up: a deployment
    /// that fetches from known sources only, and the test suites, which must never send a packet
    /// off this machine (not even a DNS query). An entry `host` admits that host and the names
    /// under it on any port; `host:port` (`[v6]:port`) admits exactly that host on that port, and
    /// when the host is a loopback address it admits that address and port even with
    /// `allowLoopback` off (a test's one local server, while every other loopback port stays
    /// forbidden). No entry admits a private, link-local or other forbidden range.
    public var allowedHosts: [String]

    public init(allowLoopback: Bool = false, allowedHosts: [String] = []) {
        self.allowLoopback = allowLoopback
        self.allowedHosts = allowedHosts.map { $0.lowercased() }
    }

    /// `ALLOW_LOOPBACK_URLS` and `URL_ALLOWED_HOSTS` (comma-separated) from the environment.
    public static func fromEnvironment() -> URLGuard {
        URLGuard(
            allowLoopback: Environment.get("ALLOW_LOOPBACK_URLS")?.lowercased() == "true",
            allowedHosts: (Environment.get("URL_ALLOWED_HOSTS") ?? "").split(separator: ",").map {
                $0.trimmingWhitespace()
            }.filter { !$0.isEmpty })
    }

    /// A URL that passed the checks.
    public struct CheckedURL: Sendable, Equatable {
        public var scheme: String
        public var host: String
        public var port: Int
        /// The host as an address, when the URL names one directly.
        public var literalAddress: SocketAddress?
    }

    /// - Throws: `URLRefusal` with a reason a person can read.
    public func check(_ url: String) throws(URLRefusal) -> CheckedURL {
        guard url.utf8.count <= 4096 else { throw .init("The URL is longer than 4096 characters.") }
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw .init("\"\(url)\" is not a URL: it needs http:// or https://.")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw .init("Only http and https URLs can be fetched, not \(scheme).")
        }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { throw .init("URLs with a user name or password are not accepted.") }
        guard !authority.contains(where: { $0 == "\\" || $0.isWhitespace }) else {
            throw .init("The URL's host part contains characters a host cannot have.")
        }
        var host = String(authority)
        var port = scheme == "https" ? 443 : 80
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw .init("The URL's IPv6 address is missing its ].") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else {
                    throw .init("The URL's port is not valid.")
                }
                port = number
            } else if !after.isEmpty {
                throw .init("The URL's host part is not valid.")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65535).contains(number) else {
                throw .init("The URL's port is not valid.")
            }
            port = number
            host = String(host[..<colon])
        }
        host = PercentEncoding.decode(host).lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { throw .init("The URL has no host.") }
        let literal = SocketAddress(ip: host, port: UInt16(port)) ?? Self.ipv4(anyEncoding: host, port: UInt16(port))
        if let literal, case .refuse(let reason) = decide(literal) { throw .init(reason) }
        if literal == nil && (host == "localhost" || host.hasSuffix(".localhost")) && !allowLoopback {
            throw .init("URLs that point at this service's own machine (\(host)) are not fetched.")
        }
        if !allowedHosts.isEmpty, !allowedHosts.contains(where: { Self.entry($0, admits: host, port: port) }) {
            throw .init(
                "This service only fetches from \(allowedHosts.joined(separator: ", ")); \(host) is not one of them.")
        }
        return CheckedURL(scheme: scheme, host: host, port: port, literalAddress: literal)
    }

    /// The decision for one address, as the HTTP client asks before each connection.
    public func decide(_ address: SocketAddress) -> AddressDecision {
        if address.isLoopback {
            return allowLoopback || admitsExactly(address)
                ? .allow : .refuse(reason: "\(address.ip) is this machine (loopback), which is never fetched.")
        }
        if address.isLinkLocal {
            return .refuse(
                reason:
                    "\(address.ip) is a link-local address (the cloud metadata service lives there); it is never fetched."
            )
        }
        if address.isPrivate {
            return .refuse(reason: "\(address.ip) is a private network address, which is never fetched.")
        }
        if address.isUnspecified {
            return .refuse(reason: "\(address.ip) is an unspecified address, which is never fetched.")
        }
        if address.isMulticast {
            return .refuse(reason: "\(address.ip) is a multicast address, which is never fetched.")
        }
        if !address.isPubliclyRoutable {
            return .refuse(reason: "\(address.ip) is a reserved address, which is never fetched.")
        }
        return .allow
    }

    /// An allow-list entry split into its host and, when it names one, its port.
    static func parseEntry(_ entry: String) -> (host: String, port: Int?) {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let host = String(entry[entry.index(after: entry.startIndex)..<close])
            let after = entry[entry.index(after: close)...]
            return (host, after.hasPrefix(":") ? Int(after.dropFirst()) : nil)
        }
        let colons = entry.filter { $0 == ":" }.count
        if colons == 1, let colon = entry.firstIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]) {
            return (String(entry[..<colon]), port)
        }
        return (entry, nil)
    }

    /// Whether an allow-list entry admits `host` on `port`.
    static func entry(_ entry: String, admits host: String, port: Int) -> Bool {
        let (allowed, allowedPort) = parseEntry(entry)
        if let allowedPort { return host == allowed && port == allowedPort }
        return host == allowed || host.hasSuffix(".\(allowed)")
    }

    /// Whether an entry `address:port` names exactly this address and port.
    func admitsExactly(_ address: SocketAddress) -> Bool {
        allowedHosts.contains { entry in
            let (host, port) = Self.parseEntry(entry)
            guard let port, port == Int(address.port), let listed = SocketAddress(ip: host, port: address.port) else {
                return false
            }
            return listed == address
        }
    }

    /// The policy for `HTTPClient.addressPolicy`.
    public var addressPolicy: AddressPolicy {
        let copy = self
        return { address in copy.decide(address) }
    }

    /// IPv4 in the forms `inet_aton` (and so curl and the resolver) accept: one to four parts,
    /// each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes
    /// (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`, `0x7f.1`).
    static func ipv4(anyEncoding text: String, port: UInt16) -> SocketAddress? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            let lowered = part.lowercased()
            let value: UInt64?
            if lowered.hasPrefix("0x") {
                value = lowered.count == 2 ? 0 : UInt64(lowered.dropFirst(2), radix: 16)
            } else if lowered.hasPrefix("0") && lowered.count > 1 {
                value = UInt64(lowered.dropFirst(), radix: 8)
            } else {
                value = UInt64(lowered, radix: 10)
            }
            guard let value else { return nil }
            values.append(value)
        }
        let lastBytes = 5 - values.count
        guard values.dropLast().allSatisfy({ $0 <= 255 }), values.last! < (UInt64(1) << UInt64(8 * lastBytes)) else {
            return nil
        }
        var number: UInt64 = 0
        for value in values.dropLast() { number = number << 8 | value }
        number = number << UInt64(8 * lastBytes) | values.last!
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: number >> UInt64(8 * (3 - $0))) }
        return SocketAddress(family: .ipv4, bytes: bytes, port: port)
    }
}

/// Why a URL is not fetched; the message goes onto the job for its owner to read.
public struct URLRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
