import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A synchronous HTTP(S) client over one libcurl easy handle.
///
/// The handle, and with it libcurl's connection cache, is reused for every request, so requests
/// to the same server share a kept-alive connection. One owner uses a client at a time (it is not
/// `Sendable`); a Lambda function keeps one for its lifetime.
public final class HTTPClient {
    /// Vets every connection the client opens, redirects included, against the exact address
    /// libcurl will connect to, so DNS cannot change between the check and the connection. A
    /// connection still open from an earlier request to the same host is reused without a new check.
    public var addressPolicy: AddressPolicy?
    /// The PEM file of trusted certificate authorities; found among the usual places (or
    /// `SSL_CERT_FILE`) at creation, since Lambda's system keeps it elsewhere than Debian's libcurl
    /// expects. Nil leaves libcurl's built-in default.
    public var caBundlePath: String?
    let handle: EasyHandle

    /// - Throws: ``HTTPClientError`` when libcurl cannot be initialised (out of memory).
    public init(addressPolicy: AddressPolicy? = nil) throws {
        handle = try EasyHandle()
        self.addressPolicy = addressPolicy
        caBundlePath = Self.defaultCABundlePath()
    }

    /// Sends the request and waits for the whole response.
    ///
    /// A response with any status is returned; only failing to get one throws.
    /// - Throws: ``HTTPClientError``; ``HTTPClientError/isTransient`` says whether to retry.
    public func execute(_ request: HTTPRequest) throws -> HTTPResponse {
        do {
            try Self.validate(request)
            let context = try TransferContext(request: request, policy: addressPolicy)
            do {
                let response = try transfer(request, context: context)
                try context.finish()
                return response
            } catch {
                context.abandon()
                throw error
            }
        } catch var error as HTTPClientError {
            if error.url.isEmpty { error.url = request.url }
            throw error
        }
    }

    private func transfer(_ request: HTTPRequest, context: TransferContext) throws -> HTTPResponse {
        // The reset drops every pointer the options hold into `context` and `headers`.
        defer { handle.reset() }
        let headers = try HeaderList(lines: Self.headerLines(for: request))
        try configure(for: request, headers: headers, context: context)
        let failure = withExtendedLifetime((context, headers)) { handle.perform() }
        if let failure { throw context.error(for: failure) }
        return HTTPResponse(
            status: try handle.info(CURLINFO_RESPONSE_CODE),
            headers: context.head.headers,
            body: context.body,
            effectiveURL: try handle.info(CURLINFO_EFFECTIVE_URL),
            redirectCount: try handle.info(CURLINFO_REDIRECT_COUNT),
            bytesReceived: context.bytesReceived,
            primaryIP: try handle.info(CURLINFO_PRIMARY_IP),
            primaryPort: try handle.info(CURLINFO_PRIMARY_PORT))
    }

    /// Where Debian, Amazon Linux and others keep the CA bundle, `SSL_CERT_FILE` first.
    static func defaultCABundlePath() -> String? {
        if let configured = getenv("SSL_CERT_FILE") { return String(cString: configured) }
        let candidates = [
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
            "/etc/ssl/cert.pem",
        ]
        return candidates.first { access($0, R_OK) == 0 }
    }
}
