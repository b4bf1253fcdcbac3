/// An HTTP API's CORS configuration (`CorsConfiguration` in the template).
///
/// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
public struct CORSConfiguration: Sendable, Equatable {
    /// Allowed origins: exact (`https://app.example.com`), `*` for any, or a scheme wildcard
    /// (`https://*`, `http://*`) for any origin that starts with it.
    public var allowOrigins: [String]
    /// Allowed methods, or `*` for any.
    public var allowMethods: [String]
    /// Allowed request headers, or `*` for any.
    public var allowHeaders: [String]
    /// Response headers the browser may show to scripts.
    public var exposeHeaders: [String]
    /// Seconds a browser may cache a preflight answer; nil sends no `access-control-max-age`.
    public var maxAge: Int?
    public var allowCredentials: Bool

    public init(
        allowOrigins: [String] = [], allowMethods: [String] = [], allowHeaders: [String] = [],
        exposeHeaders: [String] = [], maxAge: Int? = nil, allowCredentials: Bool = false
    ) {
        self.allowOrigins = allowOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }

    /// Whether requests from `origin` are allowed (origins compared case-insensitively).
    public func allows(origin: String) -> Bool {
        let origin = origin.lowercased()
        return allowOrigins.contains { allowed in
            let allowed = allowed.lowercased()
            if allowed == "*" || allowed == origin { return true }
            return allowed.hasSuffix("*") && origin.hasPrefix(allowed.dropLast()) && origin.count >= allowed.count
        }
    }

    /// Whether a preflight may announce `method` (compared case-insensitively).
    func allows(method: String) -> Bool {
        allowMethods.contains { $0 == "*" || $0.uppercased() == method.uppercased() }
    }

    /// Whether a preflight may announce every one of `headers` (names compared case-insensitively).
    func allows(headers: [String]) -> Bool {
        let allowed = Set(allowHeaders.map { $0.lowercased() })
        return allowed.contains("*") || headers.allSatisfy { allowed.contains($0.lowercased()) }
    }

    /// The `access-control-allow-origin` value for an allowed origin: `*` when any origin is
    /// allowed without credentials, else the origin itself (browsers refuse `*` with credentials).
    func allowOriginValue(for origin: String) -> String {
        allowOrigins.contains("*") && !allowCredentials ? "*" : origin
    }
}
