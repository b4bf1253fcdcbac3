import Runtime

/// Region, credentials and endpoints, read the way the AWS SDKs read them.
public struct AWSConfiguration: Sendable {
    public var region: String
    public var credentials: AWSCredentials
    /// Endpoint overrides by service (`http://127.0.0.1:4566`); a service without one uses AWS's.
    public var endpoints: [AWSService: Endpoint]
    /// How many attempts a retryable request gets in all (`AWS_MAX_ATTEMPTS`, default 3).
    public var maxAttempts: Int

    public init(
        region: String, credentials: AWSCredentials, endpoints: [AWSService: Endpoint] = [:], maxAttempts: Int = 3
    ) {
        self.region = region
        self.credentials = credentials
        self.endpoints = endpoints
        self.maxAttempts = max(1, maxAttempts)
    }

    /// `AWS_REGION` / `AWS_DEFAULT_REGION`, the credential variables, `AWS_ENDPOINT_URL` and the
    /// per-service `AWS_ENDPOINT_URL_<SERVICE>` (which wins), `AWS_MAX_ATTEMPTS`.
    /// - Throws: `RuntimeError.missingSetting` for a missing region or credential; `AWSError` for an
    ///   endpoint that is not an http(s) URL.
    public static func fromEnvironment() throws -> AWSConfiguration {
        guard let region = Environment.get("AWS_REGION") ?? Environment.get("AWS_DEFAULT_REGION"), !region.isEmpty
        else {
            throw RuntimeError.missingSetting("AWS_REGION")
        }
        var endpoints: [AWSService: Endpoint] = [:]
        let shared = Environment.get("AWS_ENDPOINT_URL").flatMap { $0.isEmpty ? nil : $0 }
        for service in AWSService.allCases {
            if let url = Environment.get("AWS_ENDPOINT_URL_\(service.environmentSuffix)").flatMap({
                $0.isEmpty ? nil : $0
            }) ?? shared {
                endpoints[service] = try Endpoint(url: url)
            }
        }
        return AWSConfiguration(
            region: region, credentials: try .fromEnvironment(), endpoints: endpoints,
            maxAttempts: Environment.get("AWS_MAX_ATTEMPTS").flatMap(Int.init) ?? 3)
    }

    /// Where a service's requests go; `isCustom` is true for an override (S3 then uses path-style).
    public func endpoint(for service: AWSService) -> (endpoint: Endpoint, isCustom: Bool) {
        if let custom = endpoints[service] { return (custom, true) }
        return (Endpoint(scheme: "https", host: service.defaultHost(region: region), port: nil), false)
    }
}

/// A service endpoint: scheme, host and optional port (and a base path, rarely).
public struct Endpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int?
    public var basePath: String

    public init(scheme: String, host: String, port: Int?, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses `http(s)://host[:port][/base]`.
    /// - Throws: `AWSError` with code `InvalidEndpoint`.
    public init(url: String) throws {
        let parts = url.split(separator: "://", maxSplits: 1)
        guard parts.count == 2 else { throw AWSError.invalidEndpoint(url) }
        let scheme = parts[0].lowercased()
        guard scheme == "http" || scheme == "https" else { throw AWSError.invalidEndpoint(url) }
        let rest = parts[1]
        let authority = rest.prefix { $0 != "/" }
        var base = String(rest.dropFirst(authority.count))
        while base.hasSuffix("/") { base.removeLast() }
        var host = String(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw AWSError.invalidEndpoint(url)
            }
            port = number
            host = String(authority[..<colon])
        }
        guard !host.isEmpty else { throw AWSError.invalidEndpoint(url) }
        self.init(scheme: scheme, host: host, port: port, basePath: base)
    }

    /// The `Host` header's value: the host, with the port when it is not the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) else { return host }
        return "\(host):\(port)"
    }

    public var baseURL: String { "\(scheme)://\(hostHeader)\(basePath)" }
}
