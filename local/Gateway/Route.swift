/// One route of an HTTP API: a method and a path template, integrated with a function.
///
/// `method` is an HTTP method or `ANY`; `path` is a template such as `/v1/jobs/{id}` or
/// `/v1/{proxy+}`, or `$default` for the catch-all route (whose method does not matter).
public struct Route: Sendable, Equatable {
    public var method: String
    public var path: String
    /// The function's logical ID in `template.yaml`.
    public var function: String

    public init(method: String, path: String, function: String) {
        self.method = method
        self.path = path
        self.function = function
    }

    /// The catch-all route, selected when no other route matches.
    public static func catchAll(function: String) -> Route {
        Route(method: "ANY", path: defaultPath, function: function)
    }

    /// `GET /v1/jobs/{id}`, or `$default` for the catch-all route, as the event's `routeKey` says.
    public var routeKey: String {
        isDefault ? Self.defaultPath : "\(method.uppercased()) \(path)"
    }

    /// Whether this is the `$default` route.
    public var isDefault: Bool { path == Self.defaultPath }

    static let defaultPath = "$default"
}

/// The route a request selected, with the values of the route's path variables.
public struct RouteMatch: Sendable, Equatable {
    public var route: Route
    /// Variable name to value (`{id}` → `id`, `{proxy+}` → `proxy`); empty when the route has none.
    public var pathParameters: [String: String]

    public init(route: Route, pathParameters: [String: String] = [:]) {
        self.route = route
        self.pathParameters = pathParameters
    }
}
