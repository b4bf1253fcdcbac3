import Runtime

/// The head of a request to the fetch stage's egress proxy (`EgressProxy`), as yt-dlp sends it: a
/// `CONNECT host:port` tunnel or a plain-HTTP request in absolute form (`GET http://host/path`).
///
/// The parser is strict on purpose, since what it reads decides which address a connection goes
/// to: lines end in CRLF only, no header is folded, no control byte appears anywhere, the target
/// carries no user name, fragment or zone, and a body's framing is never ambiguous (both
/// `Content-Length` and `Transfer-Encoding`, or two lengths, are refused), so no second request can
/// hide in the first one's framing. A forwarded request goes upstream rewritten: origin form, the
/// target's `Host`, no proxy or hop-by-hop headers, and `Connection: close`.
public struct ProxyRequestHead: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public enum Target: Sendable, Equatable {
        /// `CONNECT host:port`: a tunnel, for https.
        case tunnel(host: String, port: Int)
        /// An absolute-form http request: the upstream host, port, and the path with its query.
        case forward(host: String, port: Int, path: String)
    }

    public var method: String
    public var target: Target
    public var headers: [Header]

    /// The longest head accepted (request line and headers).
    public static let maxHeadBytes = 16 * 1024
    static let maxHeaders = 100

    /// The target's host ("example.com", "127.0.0.1", "::1" without brackets).
    public var host: String {
        switch target {
        case .tunnel(let host, _), .forward(let host, _, _): host
        }
    }

    public var port: Int {
        switch target {
        case .tunnel(_, let port), .forward(_, let port, _): port
        }
    }

    /// The target as a URL the URL guard checks: `http://host:port/`.
    public var guardURL: String {
        "http://\(authority)/"
    }

    /// "host:port", with an IPv6 address in brackets.
    public var authority: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The first value of a header (names compare without case).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Parses a head: the bytes up to and including the blank line that ends it.
    /// - Throws: `ProxyRequestError` with the status to answer (400, 405, 431, 505).
    public static func parse(_ bytes: [UInt8]) throws(ProxyRequestError) -> ProxyRequestHead {
        guard bytes.count <= maxHeadBytes else { throw .init(431, "the request head is too large") }
        guard bytes.count >= 4, bytes.suffix(4) == [13, 10, 13, 10] else {
            throw .init(400, "the request head does not end with a blank line")
        }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        let body = bytes.count - 2  // the final CRLF ends the empty last line
        while index < body {
            let byte = bytes[index]
            if byte == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { throw .init(400, "a bare CR") }
                lines.append(bytes[start..<index])
                index += 2
                start = index
                continue
            }
            // Control bytes (a bare LF, NUL, …) have no place in a head; tab only inside values.
            guard byte >= 0x20 && byte != 0x7F || byte == 9 else { throw .init(400, "a control byte in the head") }
            index += 1
        }
        guard start == body, let requestLine = lines.first else { throw .init(400, "a malformed head") }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .init(400, "the request line is not METHOD TARGET VERSION") }
        let method = String(decoding: parts[0], as: UTF8.self)
        guard (1...20).contains(method.utf8.count), method.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw .init(400, "the method is not a method")
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw .init(505, "only HTTP/1.x is proxied") }
        let rawTarget = String(decoding: parts[1], as: UTF8.self)
        guard !rawTarget.isEmpty, rawTarget.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .init(400, "the request target holds a byte a URL cannot have")
        }

        var headers: [Header] = []
        for line in lines.dropFirst() {
            guard headers.count < maxHeaders else { throw .init(431, "too many headers") }
            guard let first = line.first, first != 0x20, first != 9 else {
                throw .init(400, "a folded or empty header line")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw .init(400, "a header without a colon")
            }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                throw .init(400, "a header name that is not a token")
            }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 0x20 || first == 9 { value = value.dropFirst() }
            while let last = value.last, last == 0x20 || last == 9 { value = value.dropLast() }
            headers.append(
                Header(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
        }
        try checkFraming(headers)

        let target: Target
        if method == "CONNECT" {
            let (host, port) = try authority(Substring(rawTarget), defaultPort: nil)
            target = .tunnel(host: host, port: port)
        } else {
            guard rawTarget.lowercased().hasPrefix("http://") else {
                // ftp://, file://, https:// in absolute form: a scheme this proxy never fetches.
                if rawTarget.contains("://") { throw .init(403, "only http:// is fetched in absolute form") }
                throw .init(400, "a plain request needs an absolute http:// target (https goes through CONNECT)")
            }
            let rest = rawTarget.dropFirst("http://".count)
            guard !rest.contains("#") else { throw .init(400, "the target has a fragment") }
            let end = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let (host, port) = try authority(rest[..<end], defaultPort: 80)
            var path = String(rest[end...])
            if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
            target = .forward(host: host, port: port, path: path)
        }
        return ProxyRequestHead(method: method, target: target, headers: headers)
    }

    /// `host[:port]` (an IPv6 address in brackets): no user name, no zone, no empty host, a port
    /// of 1 to 65535 in plain digits.
    static func authority(_ text: Substring, defaultPort: Int?) throws(ProxyRequestError) -> (String, Int) {
        guard !text.contains("@") else { throw .init(400, "the target names a user") }
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .init(400, "an IPv6 address without its ]") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw .init(400, "text after the IPv6 address")
            }
            guard !host.isEmpty,
                host.utf8.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { throw .init(400, "the IPv6 address is not one") }
        } else {
            if let colon = text.lastIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
            }
            guard (1...253).contains(host.utf8.count),
                host.utf8.allSatisfy({
                    isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")
                })
            else { throw .init(400, "the host is not a host name or address") }
        }
        let port: Int
        if let portText {
            guard (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy({ (48...57).contains($0) }),
                let number = Int(portText), (1...65535).contains(number)
            else { throw .init(400, "the port is not 1 to 65535") }
            port = number
        } else if let defaultPort {
            port = defaultPort
        } else {
            throw .init(400, "CONNECT needs host:port")
        }
        return (String(host).lowercased(), port)
    }

    /// One way to frame a body, or none.
    static func checkFraming(_ headers: [Header]) throws(ProxyRequestError) {
        let lengths = headers.filter { $0.name.lowercased() == "content-length" }
        let encodings = headers.filter { $0.name.lowercased() == "transfer-encoding" }
        if !encodings.isEmpty {
            guard lengths.isEmpty else { throw .init(400, "both Content-Length and Transfer-Encoding") }
            guard encodings.count == 1, encodings[0].value.lowercased() == "chunked" else {
                throw .init(400, "a Transfer-Encoding other than chunked")
            }
        }
        guard lengths.count <= 1 else { throw .init(400, "more than one Content-Length") }
        if let length = lengths.first {
            guard (1...18).contains(length.value.utf8.count), length.value.utf8.allSatisfy({ (48...57).contains($0) })
            else { throw .init(400, "a Content-Length that is not a number") }
        }
    }

    /// Headers that concern the hop to the proxy, never sent on.
    static let hopByHop: Set<String> = [
        "host", "connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "proxy-connection", "te",
        "trailer", "upgrade",
    ]

    /// The head a forwarded request is sent upstream with: origin form, the target's Host, no
    /// proxy or hop-by-hop headers (nor any the Connection header names), and `Connection: close`
    /// so the upstream connection carries this one request.
    public func upstreamHead() -> [UInt8] {
        guard case .forward(_, let port, let path) = target else { return [] }
        let named = Set(
            (header("connection") ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() })
        let hostValue = host.contains(":") ? "[\(host)]" : host
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(hostValue)\(port == 80 ? "" : ":\(port)")\r\n"
        for header in headers {
            let lowered = header.name.lowercased()
            if Self.hopByHop.contains(lowered) || named.contains(lowered) { continue }
            text += "\(header.name): \(header.value)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }
}

/// Why the proxy does not take a request: the status it answers, and a reason for the log.
public struct ProxyRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let reason: String
    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }
    public var description: String { "\(status): \(reason)" }
}
