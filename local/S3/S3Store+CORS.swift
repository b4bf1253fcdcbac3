import LocalStore

extension S3Store {
    /// A CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`), answered from the
    /// bucket's rules: the first rule allowing the origin, method and every requested header wins.
    func preflight(_ request: ServiceRequest, bucket: String, isObject: Bool) throws -> ServiceResponse {
        guard let origin = request.header("origin"), let method = request.header("access-control-request-method")
        else { throw S3Error.corsInsufficient() }
        try requireBucket(bucket)
        guard let rules = cors[bucket], !rules.isEmpty else { throw S3Error.corsNotEnabled() }
        let requested = (request.header("access-control-request-headers") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        guard let rule = rules.first(where: { $0.allows(origin: origin, method: method, headers: requested) }) else {
            throw S3Error.corsNotAllowed(method: method, resource: isObject ? "OBJECT" : "BUCKET")
        }
        var headers = rule.originHeaders(origin)
        headers.append(("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", ")))
        if !requested.isEmpty { headers.append(("Access-Control-Allow-Headers", requested.joined(separator: ", "))) }
        if let maxAge = rule.maxAge { headers.append(("Access-Control-Max-Age", String(maxAge))) }
        headers.append(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"))
        return ServiceResponse(status: 200, headers: headers)
    }

    /// Whether a page of `origin` may send `method` to the bucket `rawPath` names: a rule of the
    /// bucket's CORS configuration allows it. False for a path that names no bucket with rules.
    public func allowsBrowser(origin: String, method: String, rawPath: String) -> Bool {
        guard let bucket = Target(rawPath: rawPath).bucket, let rules = cors[bucket] else { return false }
        return rules.contains { $0.allows(origin: origin, method: method, headers: []) }
    }

    /// The CORS headers of an actual (non-preflight) response: none unless a rule allows its origin and method.
    func corsHeaders(for request: ServiceRequest, bucket: String) -> [(name: String, value: String)] {
        guard let origin = request.header("origin"), let rules = cors[bucket],
            let rule = rules.first(where: { $0.allows(origin: origin, method: request.method, headers: []) })
        else { return [] }
        var headers = rule.originHeaders(origin)
        headers.append(("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", ")))
        if let maxAge = rule.maxAge { headers.append(("Access-Control-Max-Age", String(maxAge))) }
        headers.append(("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"))
        return headers
    }
}

extension BucketConfig.CORSRule {
    func allows(origin: String, method: String, headers: [String]) -> Bool {
        allowedMethods.contains(method.uppercased())
            && allowedOrigins.contains { Self.wildcardMatch($0, origin) }
            && headers.allSatisfy { header in allowedHeaders.contains { Self.wildcardMatch($0.lowercased(), header) } }
    }

    /// `Access-Control-Allow-Origin` (`*` for a rule open to every origin, else the origin with
    /// credentials allowed, as S3 answers) and `Access-Control-Expose-Headers`.
    func originHeaders(_ origin: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] =
            allowedOrigins.contains("*")
            ? [("Access-Control-Allow-Origin", "*")]
            : [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Credentials", "true")]
        if !exposedHeaders.isEmpty {
            headers.append(("Access-Control-Expose-Headers", exposedHeaders.joined(separator: ", ")))
        }
        return headers
    }

    /// A pattern with at most one `*` standing for any run of characters.
    static func wildcardMatch(_ pattern: String, _ value: String) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == value }
        let head = Array(pattern[..<star].utf8)
        let tail = Array(pattern[pattern.index(after: star)...].utf8)
        let bytes = Array(value.utf8)
        return bytes.count >= head.count + tail.count && bytes.starts(with: head)
            && Array(bytes.suffix(tail.count)) == tail
    }
}
