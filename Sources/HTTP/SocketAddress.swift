#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address and port that the client is about to connect to.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Family: Hashable, Sendable {
        case ipv4
        case ipv6
    }

    public let family: Family
    /// The address in network order: 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]
    public let port: UInt16

    /// An address from its bytes in network order.
    public init(family: Family, bytes: [UInt8], port: UInt16) {
        precondition(
            bytes.count == (family == .ipv4 ? 4 : 16),
            "SocketAddress: an \(family) address has \(family == .ipv4 ? 4 : 16) bytes, not \(bytes.count)")
        self.family = family
        self.bytes = bytes
        self.port = port
    }

    /// An address from its text form ("127.0.0.1", "::1"), or nil when the text is not an IP address.
    public init?(ip: String, port: UInt16) {
        var storage = [UInt8](repeating: 0, count: 16)
        for (family, systemFamily, count) in [(Family.ipv4, AF_INET, 4), (Family.ipv6, AF_INET6, 16)] {
            let parsed = storage.withUnsafeMutableBytes { inet_pton(systemFamily, ip, $0.baseAddress) }
            if parsed == 1 {
                self.init(family: family, bytes: Array(storage[0..<count]), port: port)
                return
            }
        }
        return nil
    }

    /// Reads a `sockaddr_in` or `sockaddr_in6`; nil for any other family or a short length.
    init?(sockaddr pointer: UnsafeRawPointer, length: Int) {
        guard length >= MemoryLayout<sa_family_t>.size else { return nil }
        let family = Int32(pointer.loadUnaligned(as: sa_family_t.self))
        if family == AF_INET, length >= MemoryLayout<sockaddr_in>.size {
            let address = pointer.loadUnaligned(as: sockaddr_in.self)
            let bytes = withUnsafeBytes(of: address.sin_addr) { Array($0) }
            self.init(family: .ipv4, bytes: bytes, port: UInt16(bigEndian: address.sin_port))
        } else if family == AF_INET6, length >= MemoryLayout<sockaddr_in6>.size {
            let address = pointer.loadUnaligned(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
            self.init(family: .ipv6, bytes: bytes, port: UInt16(bigEndian: address.sin6_port))
        } else {
            return nil
        }
    }

    /// The address alone in its usual text form: "127.0.0.1", "::1".
    public var ip: String {
        let systemFamily = family == .ipv4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { source in
            inet_ntop(systemFamily, source.baseAddress, &text, socklen_t(text.count))
        }
        precondition(written != nil, "inet_ntop cannot fail for a well-sized buffer")
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "127.0.0.1:8080" or "[::1]:80".
    public var description: String {
        family == .ipv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
    }
}

/// What an ``AddressPolicy`` says about a connection.
public enum AddressDecision: Equatable, Sendable {
    case allow
    /// Do not connect; `reason` ends up in the thrown ``HTTPClientError/addressRefused`` error.
    case refuse(reason: String)
}

/// Decides whether the client may connect to an address, called for every connection it opens
/// (including those a redirect needs), with the exact address it is about to connect to.
public typealias AddressPolicy = @Sendable (SocketAddress) -> AddressDecision
