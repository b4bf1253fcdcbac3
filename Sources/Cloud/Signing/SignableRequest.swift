import Runtime

/// An HTTP request as SigV4 sees it: method, the path as sent on the wire (percent-encoded), the
/// raw query string, and the headers in order.
public struct SignableRequest: Sendable {
    public var method: String
    /// The path as it goes on the wire, already percent-encoded where needed.
    public var path: String
    /// The query string without `?`, as it goes on the wire.
    public var query: String
    public var headers: [(name: String, value: String)]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)] = []) {
        self.method = method
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = headers
    }

    /// Splits a request target (`/path?query`) into path and query.
    public init(method: String, target: String, headers: [(name: String, value: String)] = []) {
        if let question = target.firstIndex(of: "?") {
            self.init(
                method: method, path: String(target[..<question]),
                query: String(target[target.index(after: question)...]),
                headers: headers)
        } else {
            self.init(method: method, path: target, headers: headers)
        }
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Replaces every value of a header with one value.
    public mutating func setHeader(_ name: String, _ value: String) {
        let lowered = name.lowercased()
        headers.removeAll { $0.name.lowercased() == lowered }
        headers.append((name, value))
    }

    /// The query's parameters, each name and value percent-decoded (a `+` stays a `+`).
    public var queryParameters: [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (
                PercentEncoding.decode(String(parts[0])),
                parts.count > 1 ? PercentEncoding.decode(String(parts[1])) : ""
            )
        }
    }
}
