import Runtime

/// Checks SigV4 signatures of incoming requests (the local emulator's AWS endpoints), header-signed
/// or presigned, with the same canonicalisation the clients sign with.
public struct SigV4Verifier: Sendable {
    /// What a valid signature tells about the request.
    public struct Verified: Sendable, Equatable {
        public var accessKeyID: String
        public var region: String
        public var service: String
        public var signedHeaders: [String]
        public var isPresigned: Bool
    }

    /// The largest difference between a header-signed request's time and now that AWS accepts.
    public var allowedSkewSeconds: Int64 = 15 * 60
    /// Looks up the secret of an access key id; nil for an unknown key.
    public var secret: @Sendable (String) -> String?
    /// Looks up the session token temporary credentials must send with their access key
    /// (`X-Amz-Security-Token`, as a header or, presigned, in the query); nil for a long-term key.
    public var sessionToken: @Sendable (String) -> String?

    public init(
        secret: @escaping @Sendable (String) -> String?,
        sessionToken: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        self.secret = secret
        self.sessionToken = sessionToken
    }

    /// - Parameter payloadHash: the hex SHA-256 of the body as received. For S3 the verifier uses the
    ///   `x-amz-content-sha256` header (or `UNSIGNED-PAYLOAD` for presigned URLs) instead.
    /// - Throws: `SignatureError` saying what is wrong, in the terms AWS uses.
    public func verify(
        _ request: SignableRequest, payloadHash: @autoclosure () -> String, now: Timestamp = .now()
    ) throws
        -> Verified
    {
        let parameters = request.queryParameters
        if let authorization = request.header("authorization") {
            return try verifyHeader(request, authorization: authorization, payloadHash: payloadHash, now: now)
        }
        if parameters.contains(where: { $0.name == "X-Amz-Signature" }) {
            return try verifyPresigned(request, parameters: parameters, payloadHash: payloadHash, now: now)
        }
        throw SignatureError.missing
    }

    private func verifyHeader(
        _ request: SignableRequest, authorization: String, payloadHash: () -> String, now: Timestamp
    )
        throws -> Verified
    {
        guard authorization.hasPrefix(SigV4.algorithm + " ") else {
            throw SignatureError.malformed("unsupported algorithm")
        }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingWhitespace().split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let credential = fields["Credential"], let signedHeaders = fields["SignedHeaders"],
            let signature = fields["Signature"]
        else {
            throw SignatureError.malformed("the Authorization header needs Credential, SignedHeaders and Signature")
        }
        guard let dateText = request.header("x-amz-date") ?? request.header("date"),
            let time = Timestamp(amzDate: dateText)
        else { throw SignatureError.malformed("X-Amz-Date is missing or not yyyyMMddTHHmmssZ") }
        if abs(now.secondsSinceEpoch - time.secondsSinceEpoch) > allowedSkewSeconds {
            throw SignatureError.skewed(requestTime: time, now: now)
        }
        let scope = try parseCredential(credential, day: time.amzDay)
        try checkSessionToken(of: scope.credentials.accessKeyID, sent: request.header("x-amz-security-token"))
        let signer = SigV4(credentials: scope.credentials, region: scope.region, service: scope.service)
        let hash = signer.isS3 ? (request.header("x-amz-content-sha256") ?? payloadHash()) : payloadHash()
        if signer.isS3, let declared = request.header("x-amz-content-sha256"), declared != SigV4.unsignedPayload,
            !declared.hasPrefix("STREAMING-"), declared != payloadHash()
        {
            throw SignatureError.contentMismatch
        }
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard names.contains("host") else { throw SignatureError.malformed("the host header must be signed") }
        let (canonical, _) = signer.canonicalRequest(request, signedHeaderNames: Set(names), payloadHash: hash)
        return try Self.check(
            signature, of: canonical, signer: signer, at: time, signedHeaders: names, isPresigned: false)
    }

    /// Compares `signature` with the one `signer` makes of `canonical` at `time`, in constant time.
    private static func check(
        _ signature: String, of canonical: String, signer: SigV4, at time: Timestamp, signedHeaders: [String],
        isPresigned: Bool
    ) throws -> Verified {
        let expected = signer.signature(
            stringToSign: signer.stringToSign(canonicalRequest: canonical, at: time), at: time)
        guard constantTimeEquals(expected, signature) else {
            throw SignatureError.mismatch(canonicalRequest: canonical)
        }
        return Verified(
            accessKeyID: signer.credentials.accessKeyID, region: signer.region, service: signer.service,
            signedHeaders: signedHeaders, isPresigned: isPresigned)
    }

    private func verifyPresigned(
        _ request: SignableRequest, parameters: [(name: String, value: String)], payloadHash: () -> String,
        now: Timestamp
    )
        throws -> Verified
    {
        func value(_ name: String) -> String? { parameters.first { $0.name == name }?.value }
        guard value("X-Amz-Algorithm") == SigV4.algorithm else {
            throw SignatureError.malformed("X-Amz-Algorithm must be \(SigV4.algorithm)")
        }
        guard let credential = value("X-Amz-Credential"), let dateText = value("X-Amz-Date"),
            let expiresText = value("X-Amz-Expires"), let signedHeaders = value("X-Amz-SignedHeaders"),
            let signature = value("X-Amz-Signature")
        else {
            throw SignatureError.malformed(
                "a presigned URL needs X-Amz-Credential, -Date, -Expires, -SignedHeaders and -Signature")
        }
        guard let time = Timestamp(amzDate: dateText) else {
            throw SignatureError.malformed("X-Amz-Date is not yyyyMMddTHHmmssZ")
        }
        guard let expires = Int64(expiresText), (1...604_800).contains(expires) else {
            throw SignatureError.malformed("X-Amz-Expires must be 1 to 604800 seconds")
        }
        if now.secondsSinceEpoch > time.secondsSinceEpoch + expires {
            throw SignatureError.expired(at: time.adding(seconds: expires))
        }
        if time.secondsSinceEpoch > now.secondsSinceEpoch + allowedSkewSeconds {
            throw SignatureError.skewed(requestTime: time, now: now)
        }
        let scope = try parseCredential(credential, day: time.amzDay)
        try checkSessionToken(
            of: scope.credentials.accessKeyID,
            sent: value("X-Amz-Security-Token") ?? request.header("x-amz-security-token"))
        let signer = SigV4(credentials: scope.credentials, region: scope.region, service: scope.service)
        var unsigned = request
        unsigned.query = request.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Signature=") }.joined(
            separator: "&")
        let names = signedHeaders.split(separator: ";").map(String.init)
        guard names.contains("host") else { throw SignatureError.malformed("the host header must be signed") }
        for name in names where request.header(name) == nil {
            throw SignatureError.malformed("the signed header \(name) is missing from the request")
        }
        // S3 signs UNSIGNED-PAYLOAD; other services sign the body's hash (empty for a GET), so a
        // presigned request cannot be replayed with another body.
        let hash = signer.isS3 ? SigV4.unsignedPayload : payloadHash()
        let (canonical, _) = signer.canonicalRequest(unsigned, signedHeaderNames: Set(names), payloadHash: hash)
        return try Self.check(
            signature, of: canonical, signer: signer, at: time, signedHeaders: names, isPresigned: true)
    }

    /// Checks the signature of a browser form upload's policy (S3 POST Object, signature version 4):
    /// the hex HMAC-SHA256 of the base64 policy document under the signing key of `credential`'s
    /// scope, whose day must be `amzDate`'s. The policy's own expiration and conditions are the
    /// caller's to check.
    /// - Throws: `SignatureError` (`malformed`, `unknownAccessKey` or `mismatch`).
    public func verifyPolicy(
        _ policy: String, credential: String, amzDate: String, signature: String, sessionToken: String? = nil
    ) throws -> Verified {
        guard let time = Timestamp(amzDate: amzDate) else {
            throw SignatureError.malformed("x-amz-date is not yyyyMMddTHHmmssZ")
        }
        let scope = try parseCredential(credential, day: time.amzDay)
        try checkSessionToken(of: scope.credentials.accessKeyID, sent: sessionToken)
        let signer = SigV4(credentials: scope.credentials, region: scope.region, service: scope.service)
        let expected = Hex.encode(Digest.hmacSHA256(key: signer.signingKey(day: time.amzDay), data: policy))
        guard constantTimeEquals(expected, signature.lowercased()) else {
            throw SignatureError.mismatch(canonicalRequest: policy)
        }
        return Verified(
            accessKeyID: scope.credentials.accessKeyID, region: scope.region, service: scope.service,
            signedHeaders: [], isPresigned: true)
    }

    /// Temporary credentials are valid only with their session token.
    private func checkSessionToken(of accessKeyID: String, sent: String?) throws {
        guard let required = sessionToken(accessKeyID) else { return }
        guard let sent, constantTimeEquals(sent, required) else { throw SignatureError.invalidToken }
    }

    private func parseCredential(
        _ credential: String, day: String
    ) throws -> (credentials: AWSCredentials, region: String, service: String) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[4] == "aws4_request" else {
            throw SignatureError.malformed("Credential must be KEY/DATE/REGION/SERVICE/aws4_request")
        }
        guard parts[1] == day else {
            throw SignatureError.malformed("the credential's date \(parts[1]) is not the request's \(day)")
        }
        guard let secret = secret(parts[0]) else { throw SignatureError.unknownAccessKey(parts[0]) }
        return (AWSCredentials(accessKeyID: parts[0], secretAccessKey: secret), parts[2], parts[3])
    }
}

/// Why a request's signature was refused.
public struct SignatureError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case missing, malformed, unknownAccessKey, invalidToken, expired, skewed, mismatch, contentMismatch
    }

    public let kind: Kind
    public let message: String
    /// For a mismatch, the canonical request the verifier computed (AWS returns it to help debugging).
    public let canonicalRequest: String?

    public var description: String { message }

    static let missing = SignatureError(
        kind: .missing, message: "Request is missing Authentication Token", canonicalRequest: nil)
    static func malformed(_ why: String) -> SignatureError {
        SignatureError(kind: .malformed, message: "Authorization is malformed: \(why)", canonicalRequest: nil)
    }
    static func unknownAccessKey(_ key: String) -> SignatureError {
        SignatureError(
            kind: .unknownAccessKey, message: "The AWS Access Key Id you provided does not exist in our records.",
            canonicalRequest: nil)
    }
    static let invalidToken = SignatureError(
        kind: .invalidToken, message: "The security token included in the request is invalid.", canonicalRequest: nil)
    static func expired(at: Timestamp) -> SignatureError {
        SignatureError(kind: .expired, message: "Request has expired (at \(at.iso8601Seconds))", canonicalRequest: nil)
    }
    static func skewed(requestTime: Timestamp, now: Timestamp) -> SignatureError {
        SignatureError(
            kind: .skewed,
            message:
                "The difference between the request time (\(requestTime.iso8601Seconds)) and the current time (\(now.iso8601Seconds)) is too large.",
            canonicalRequest: nil)
    }
    static func mismatch(canonicalRequest: String) -> SignatureError {
        SignatureError(
            kind: .mismatch,
            message:
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            canonicalRequest: canonicalRequest)
    }
    static let contentMismatch = SignatureError(
        kind: .contentMismatch,
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
        canonicalRequest: nil)
}
