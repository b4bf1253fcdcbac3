import Runtime

extension CORSConfiguration {
    /// The gateway's own answer to a CORS preflight; nil when `request` is not one.
    ///
    /// A preflight is an `OPTIONS` request with `origin` and `access-control-request-method`
    /// headers; the gateway answers it without calling a function, even without an `OPTIONS`
    /// route. When the origin, the method and every requested header are allowed, the answer is a
    /// 204 with the `access-control-allow-*` headers (and `access-control-max-age` when
    /// configured); otherwise it is a 204 without them, which the browser takes as a refusal.
    public func preflight(_ request: GatewayRequest) -> GatewayResponse? {
        guard request.method.uppercased() == "OPTIONS", let origin = request.header("origin"),
            let method = request.header("access-control-request-method")
        else { return nil }
        let requestedHeaders = Self.list(request.header("access-control-request-headers"))
        guard allows(origin: origin), allows(method: method), allows(headers: requestedHeaders) else {
            return GatewayResponse(status: 204)
        }

        var headers = originHeaders(for: origin)
        let methods =
            allowMethods.contains("*") ? (allowCredentials ? method : "*") : allowMethods.joined(separator: ",")
        headers.append((name: "access-control-allow-methods", value: methods))
        let allowedHeaders =
            allowHeaders.contains("*")
            ? (allowCredentials ? requestedHeaders.joined(separator: ",") : "*")
            : allowHeaders.joined(separator: ",")
        if !allowedHeaders.isEmpty {
            headers.append((name: "access-control-allow-headers", value: allowedHeaders))
        }
        if let maxAge {
            headers.append((name: "access-control-max-age", value: String(maxAge)))
        }
        return GatewayResponse(status: 204, headers: headers)
    }

    /// `response` with the CORS headers an actual (non-preflight) cross-origin request gets.
    ///
    /// As on AWS, `access-control-*` headers from the function are dropped: the configuration is
    /// the only source of them. When the request's `origin` is allowed, the response gets
    /// `access-control-allow-origin`, `access-control-allow-credentials` (when configured),
    /// `access-control-expose-headers` (when any), and `vary: Origin` when the allowed origin
    /// depends on the request. Without an allowed origin nothing is added.
    public func decorate(_ response: GatewayResponse, for request: GatewayRequest) -> GatewayResponse {
        var response = response
        response.headers.removeAll { $0.name.lowercased().hasPrefix("access-control-") }
        guard let origin = request.header("origin"), allows(origin: origin) else { return response }
        let alreadyVaries = response.headers.contains { header in
            header.name.lowercased() == "vary"
                && header.value.split(separator: ",").contains { $0.trimmingWhitespace().lowercased() == "origin" }
        }
        response.headers += originHeaders(for: origin).filter { !(alreadyVaries && $0.name == "vary") }
        if !exposeHeaders.isEmpty {
            response.headers.append(
                (name: "access-control-expose-headers", value: exposeHeaders.joined(separator: ",")))
        }
        return response
    }

    /// `access-control-allow-origin`, `access-control-allow-credentials` and `vary`.
    private func originHeaders(for origin: String) -> [(name: String, value: String)] {
        let value = allowOriginValue(for: origin)
        var headers = [(name: "access-control-allow-origin", value: value)]
        if allowCredentials {
            headers.append((name: "access-control-allow-credentials", value: "true"))
        }
        if value != "*" {
            headers.append((name: "vary", value: "Origin"))
        }
        return headers
    }

    /// `a, b,c` → `["a", "b", "c"]`.
    private static func list(_ header: String?) -> [String] {
        (header ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
