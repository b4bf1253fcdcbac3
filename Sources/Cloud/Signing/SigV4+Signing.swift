import Runtime

extension SigV4 {
    /// The intermediate values of a signature, for diagnostics and the test suite.
    public struct Signature: Sendable {
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String
        /// For presigned URLs: the whole query string, `X-Amz-Signature` included.
        public var query: String?
    }

    /// Signs a request in place with an `Authorization` header: adds `X-Amz-Date`, the session
    /// token (`X-Amz-Security-Token`, signed unless `signSessionToken` is false) and, where asked
    /// (S3 always), `x-amz-content-sha256`.
    ///
    /// - Parameters:
    ///   - payloadHash: hex SHA-256 of the body, or `SigV4.unsignedPayload`.
    ///   - addContentSHA256Header: adds `x-amz-content-sha256: <payloadHash>` (S3 requires it).
    @discardableResult
    public func sign(
        _ request: inout SignableRequest, payloadHash: String, at time: Timestamp,
        addContentSHA256Header: Bool? = nil, signSessionToken: Bool = true, normalizePath: Bool? = nil
    )
        -> Signature
    {
        request.setHeader("X-Amz-Date", time.amzDate)
        if let token = credentials.sessionToken { request.setHeader("X-Amz-Security-Token", token) }
        if addContentSHA256Header ?? isS3 { request.setHeader("x-amz-content-sha256", payloadHash) }
        let names = Self.headerNamesToSign(request, excluding: signSessionToken ? [] : ["x-amz-security-token"])
        let (canonical, signedHeaders) = canonicalRequest(
            request, signedHeaderNames: names, payloadHash: payloadHash,
            normalizePath: normalizePath)
        let toSign = stringToSign(canonicalRequest: canonical, at: time)
        let signature = signature(stringToSign: toSign, at: time)
        request.setHeader(
            "Authorization",
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(day: time.amzDay)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        )
        return Signature(canonicalRequest: canonical, stringToSign: toSign, signature: signature, query: nil)
    }

    /// The query string of a presigned URL for `request` (its own query parameters first, then the
    /// `X-Amz-*` ones), valid for `expires` seconds from `time`. The request's headers are all
    /// signed (with `host` always among them), so a client must send exactly those values: a
    /// presigned upload that signs `content-type` and `content-length` accepts only a body of that
    /// type and length.
    public func presignedQuery(
        _ request: SignableRequest, expires: Int, at time: Timestamp,
        payloadHash: String = SigV4.unsignedPayload, signSessionToken: Bool = true,
        normalizePath: Bool? = nil
    ) -> String {
        presign(
            request, expires: expires, at: time, payloadHash: payloadHash, signSessionToken: signSessionToken,
            normalizePath: normalizePath
        ).query!
    }

    /// `presignedQuery` with the intermediate values.
    public func presign(
        _ request: SignableRequest, expires: Int, at time: Timestamp,
        payloadHash: String = SigV4.unsignedPayload, signSessionToken: Bool = true,
        normalizePath: Bool? = nil
    ) -> Signature {
        precondition((1...604_800).contains(expires), "presigned URLs last 1 second to 7 days")
        var names = Self.headerNamesToSign(request)
        names.insert("host")
        let (_, signedHeaders) = Self.canonicalHeaders(request.headers, signing: names)
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(day: time.amzDay))"),
            ("X-Amz-Date", time.amzDate),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken, signSessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        var signable = request
        let own = request.query.isEmpty ? "" : request.query + "&"
        signable.query =
            own
            + parameters.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(
                separator: "&")
        let (canonical, _) = canonicalRequest(
            signable, signedHeaderNames: names, payloadHash: payloadHash,
            normalizePath: normalizePath)
        let toSign = stringToSign(canonicalRequest: canonical, at: time)
        let signature = signature(stringToSign: toSign, at: time)
        var query = signable.query + "&X-Amz-Signature=\(signature)"
        if let token = credentials.sessionToken, !signSessionToken {
            query += "&X-Amz-Security-Token=\(PercentEncoding.encode(token))"
        }
        return Signature(canonicalRequest: canonical, stringToSign: toSign, signature: signature, query: query)
    }
}
