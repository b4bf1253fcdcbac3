/// The `Host` header values the emulator answers: loopback names only. Its servers listen on
/// 127.0.0.1, but a page of any site the developer opens can reach them by DNS rebinding (its own
/// name made to resolve to 127.0.0.1), and its requests then carry that site's name as `Host`. A name
/// that can only ever mean this machine cannot be rebound, so only those are served.
public enum LoopbackHost {
    /// Whether `host` (a `Host` header: a name or address, with an optional `:port`) names this
    /// machine: `localhost`, a `*.localhost` name (RFC 6761: always loopback), any `127.x.y.z` in
    /// dotted decimal, or `[::1]`. A missing or empty header is refused.
    public static func accepts(_ host: String?) -> Bool {
        guard let host, !host.isEmpty else { return false }
        let name: Substring
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            name = host[host.index(after: host.startIndex)..<close]
            guard isPort(host[host.index(after: close)...]) else { return false }
            return isIPv6Loopback(name)
        }
        if let colon = host.lastIndex(of: ":") {
            guard isPort(host[colon...]) else { return false }
            name = host[..<colon]
        } else {
            name = host[...]
        }
        let lowered = name.lowercased()
        if lowered == "localhost" { return true }
        if lowered.hasSuffix(".localhost") {
            let labels = lowered.dropLast(".localhost".count).split(separator: ".", omittingEmptySubsequences: false)
            return labels.allSatisfy(isLabel)
        }
        return isIPv4Loopback(lowered)
    }

    /// Empty, or `:` and 1 to 5 digits of a port number.
    private static func isPort(_ text: Substring) -> Bool {
        if text.isEmpty { return true }
        let digits = text.dropFirst()
        guard text.first == ":", (1...5).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return false }
        return Int(digits).map { $0 <= 65535 } ?? false
    }

    /// A DNS label: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen.
    private static func isLabel(_ label: Substring) -> Bool {
        (1...63).contains(label.count) && label.first != "-" && label.last != "-"
            && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    /// Four dotted decimal octets (no leading zeros, 0 to 255), the first 127.
    private static func isIPv4Loopback(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return false }
        for octet in octets {
            guard (1...3).contains(octet.count), octet.allSatisfy({ $0.isASCII && $0.isNumber }),
                octet == "0" || octet.first != "0", let value = Int(octet), value <= 255
            else { return false }
        }
        return octets[0] == "127"
    }

    /// `::1` in any of its spellings (`0:0:0:0:0:0:0:1`, `::0001`): seven zero groups, then 1.
    private static func isIPv6Loopback(_ text: Substring) -> Bool {
        let lowered = text.lowercased()
        var halves: [String] = []
        if let range = lowered.firstRange(of: "::") {
            halves = [String(lowered[..<range.lowerBound]), String(lowered[range.upperBound...])]
            if halves[1].contains("::") { return false }
        } else {
            halves = [lowered]
        }
        func groups(_ part: String) -> [Substring]? {
            if part.isEmpty { return [] }
            let groups = part.split(separator: ":", omittingEmptySubsequences: false)
            return groups.allSatisfy { (1...4).contains($0.count) && $0.allSatisfy(\.isHexDigit) } ? groups : nil
        }
        let all: [Substring]
        switch halves.count {
        case 1:
            guard let only = groups(halves[0]), only.count == 8 else { return false }
            all = only
        case 2:
            guard let head = groups(halves[0]), let tail = groups(halves[1]), head.count + tail.count < 8 else {
                return false
            }
            all = head + Array(repeating: "0", count: 8 - head.count - tail.count) + tail
        default:
            return false
        }
        return all.dropLast().allSatisfy { Int($0, radix: 16) == 0 } && Int(all[7], radix: 16) == 1
    }
}
