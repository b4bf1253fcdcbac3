/// Selects the route for a request, as an HTTP API does.
///
/// The most specific match wins
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
/// 1. a route without a greedy variable whose every segment matches: at the first segment where
///    two such routes differ, a literal beats a `{variable}`;
/// 2. a route ending in a greedy variable (`{proxy+}`), which takes one or more whole segments;
///    the longer literal prefix wins;
/// 3. the `$default` route.
///
/// Among routes whose paths match equally well, one for the request's method beats `ANY`. Paths
/// are case-sensitive and compared segment by segment, so `/v1/jobs/` (a trailing empty segment)
/// matches neither `/v1/jobs` nor `/v1/jobs/{id}`: a variable never matches an empty segment.
/// Methods are compared case-insensitively. A greedy variable anywhere but at the end is not a
/// variable (AWS refuses such a route); it is kept as literal text, which no request has.
public struct RouteTable: Sendable {
    private let compiled: [CompiledRoute]
    private let fallback: Route?

    public init(_ routes: [Route]) {
        self.compiled = routes.filter { !$0.isDefault }.map(CompiledRoute.init)
        self.fallback = routes.first { $0.isDefault }
    }

    /// The route for a request, or nil when none matches (the gateway's 404).
    /// - Parameter path: the decoded request path (`/v1/jobs/a b`, not `/v1/jobs/a%20b`); the
    ///   values of path variables are taken from it as they are.
    public func match(method: String, path: String) -> RouteMatch? {
        let method = method.uppercased()
        let segments = Self.segments(of: path)
        var best: (rank: Rank, match: RouteMatch)?
        for route in compiled where route.accepts(method: method) {
            guard let parameters = route.match(segments) else { continue }
            let rank = route.rank(for: method)
            if best.map({ rank < $0.rank }) ?? true {
                best = (rank, RouteMatch(route: route.route, pathParameters: parameters))
            }
        }
        if let best { return best.match }
        return fallback.map { RouteMatch(route: $0) }
    }

    /// `/v1/jobs/` → `["v1", "jobs", ""]`; nil for a path that does not start with `/`.
    static func segments(of path: String) -> [Substring]? {
        guard path.first == "/" else { return nil }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
    }
}

/// How well a route matches: lower is better. Compared field by field, in declaration order.
private struct Rank: Comparable {
    /// 0 without a greedy variable, 1 with one.
    var greedy: Int
    /// Per segment: 0 literal, 1 variable, 2 greedy variable.
    var segments: [Int]
    /// 0 for the request's own method, 1 for `ANY`.
    var anyMethod: Int

    static func < (lhs: Rank, rhs: Rank) -> Bool {
        if lhs.greedy != rhs.greedy { return lhs.greedy < rhs.greedy }
        if lhs.segments != rhs.segments { return lhs.segments.lexicographicallyPrecedes(rhs.segments) }
        return lhs.anyMethod < rhs.anyMethod
    }
}

/// A route with its path template parsed into segments.
private struct CompiledRoute: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case variable(String)
        case greedy(String)

        var weight: Int {
            switch self {
            case .literal: 0
            case .variable: 1
            case .greedy: 2
            }
        }
    }

    let route: Route
    let method: String
    let segments: [Segment]

    init(_ route: Route) {
        self.route = route
        self.method = route.method.uppercased()
        let parts = RouteTable.segments(of: route.path) ?? [Substring(route.path)]
        self.segments = parts.enumerated().map { index, part in
            guard part.count > 2, part.first == "{", part.last == "}" else { return .literal(String(part)) }
            let name = part.dropFirst().dropLast()
            if name.last == "+" {
                return index == parts.count - 1 ? .greedy(String(name.dropLast())) : .literal(String(part))
            }
            return .variable(String(name))
        }
    }

    func accepts(method requested: String) -> Bool {
        method == "ANY" || method == requested
    }

    func rank(for requested: String) -> Rank {
        let weights = segments.map(\.weight)
        return Rank(greedy: weights.last == 2 ? 1 : 0, segments: weights, anyMethod: method == requested ? 0 : 1)
    }

    /// The path parameters when `requested` matches this template; nil otherwise.
    func match(_ requested: [Substring]?) -> [String: String]? {
        guard let requested else { return nil }
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            switch segment {
            case .literal(let text):
                guard index < requested.count, requested[index] == text else { return nil }
            case .variable(let name):
                guard index < requested.count, !requested[index].isEmpty else { return nil }
                parameters[name] = String(requested[index])
            case .greedy(let name):
                let rest = requested[min(index, requested.count)...].joined(separator: "/")
                guard !rest.isEmpty else { return nil }
                parameters[name] = rest
                return parameters
            }
        }
        return requested.count == segments.count ? parameters : nil
    }
}
