extension SocketAddress {
    /// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::a.b.c.d`)
    /// IPv6 address, which connects to that IPv4 host; nil otherwise.
    public var embeddedIPv4: SocketAddress? {
        guard family == .ipv6 else { return nil }
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
        let nat64: [UInt8] = [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]
        let prefix = Array(bytes[0..<12])
        guard prefix == mapped || prefix == nat64 else { return nil }
        return SocketAddress(family: .ipv4, bytes: Array(bytes[12..<16]), port: port)
    }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        if let embeddedIPv4 { return embeddedIPv4.isLoopback }
        return family == .ipv4 ? bytes[0] == 127 : bytes == Self.ipv6Loopback
    }

    /// 10/8, 172.16/12, 192.168/16, or the IPv6 unique local range fc00::/7.
    public var isPrivate: Bool {
        if let embeddedIPv4 { return embeddedIPv4.isPrivate }
        guard family == .ipv4 else { return bytes[0] & 0xfe == 0xfc }
        return bytes[0] == 10 || (bytes[0] == 172 && bytes[1] & 0xf0 == 16) || (bytes[0] == 192 && bytes[1] == 168)
    }

    /// 169.254/16 (cloud metadata services live there) or fe80::/10.
    public var isLinkLocal: Bool {
        if let embeddedIPv4 { return embeddedIPv4.isLinkLocal }
        return family == .ipv4 ? bytes[0] == 169 && bytes[1] == 254 : bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80
    }

    /// 0.0.0.0/8 or ::, which Linux connects to the local host.
    public var isUnspecified: Bool {
        if let embeddedIPv4 { return embeddedIPv4.isUnspecified }
        return family == .ipv4 ? bytes[0] == 0 : bytes.allSatisfy { $0 == 0 }
    }

    /// 224/4 or ff00::/8.
    public var isMulticast: Bool {
        if let embeddedIPv4 { return embeddedIPv4.isMulticast }
        return family == .ipv4 ? bytes[0] & 0xf0 == 224 : bytes[0] == 0xff
    }

    /// Whether the address belongs to the public internet: none of the ranges above, nor shared
    /// (100.64/10), benchmarking (198.18/15), IETF (192.0.0/24), documentation or reserved space.
    /// A policy that allows only these keeps requests away from the function's own network.
    public var isPubliclyRoutable: Bool {
        if let embeddedIPv4 { return embeddedIPv4.isPubliclyRoutable }
        if isLoopback || isPrivate || isLinkLocal || isUnspecified || isMulticast { return false }
        switch family {
        case .ipv4:
            let (a, b, c) = (bytes[0], bytes[1], bytes[2])
            let special =
                (a == 100 && b & 0xc0 == 64)
                || (a == 198 && b & 0xfe == 18)
                || (a == 192 && b == 0 && (c == 0 || c == 2))
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113)
                || a >= 240
            return !special
        case .ipv6:
            let documentation = bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8
            let ipv4Compatible = bytes[0..<12].allSatisfy { $0 == 0 }
            return !documentation && !ipv4Compatible
        }
    }

    private static let ipv6Loopback: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
}
