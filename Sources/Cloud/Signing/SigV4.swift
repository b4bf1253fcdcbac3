import Runtime

/// AWS Signature Version 4: canonical request, string to sign, signing key and signature, for
/// header-signed requests and presigned URLs.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
public struct SigV4: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// Headers SigV4 never signs, as the AWS SDKs leave them out (proxies may change them).
    static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "expect", "x-amzn-trace-id", "connection",
        "transfer-encoding",
    ]

    public var credentials: AWSCredentials
    public var region: String
    public var service: String
    /// Every service but S3 encodes the (already encoded) path once more and normalises it.
    public var isS3: Bool

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.isS3 = service == "s3"
    }

    // MARK: Pieces (tested against AWS's test suite)

    public func scope(day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    /// The canonical path: S3 uses the wire path as it is; other services normalise it (when
    /// `normalize`) and encode each segment again.
    public func canonicalURI(_ path: String, normalize: Bool? = nil) -> String {
        if isS3 { return path.isEmpty ? "/" : path }
        var path = path.isEmpty ? "/" : path
        if normalize ?? true { path = Self.normalizedPath(path) }
        return PercentEncoding.encode(path, keepSlash: true)
    }

    /// Removes `.` and `..` segments and repeated slashes (RFC 3986 §5.2.4), keeping a trailing slash.
    static func normalizedPath(_ path: String) -> String {
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
                continue
            }
            output.append(segment)
        }
        let trailing = path.count > 1 && (path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/.."))
        let joined = "/" + output.joined(separator: "/")
        return trailing && joined != "/" ? joined + "/" : joined
    }

    /// Parameters sorted by encoded name, then value; each name and value decoded then encoded strictly.
    public static func canonicalQuery(_ parameters: [(name: String, value: String)]) -> String {
        parameters
            .map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// `name:value` lines for the signed headers (lowercased, sorted; values trimmed, inner runs of
    /// spaces folded, repeated headers joined with commas in order), and the `;`-joined names.
    static func canonicalHeaders(
        _ headers: [(name: String, value: String)], signing names: Set<String>
    ) -> (String, String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let lowered = name.lowercased()
            guard names.contains(lowered) else { continue }
            values[lowered, default: []].append(foldSpaces(value))
        }
        let sorted = values.keys.sorted()
        let lines = sorted.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (lines, sorted.joined(separator: ";"))
    }

    static func foldSpaces(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value.trimmingWhitespace() {
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                pendingSpace = true
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }

    /// The names of the headers a request signs: all it carries but `unsignedHeaders`.
    static func headerNamesToSign(_ request: SignableRequest, excluding: Set<String> = []) -> Set<String> {
        Set(request.headers.map { $0.name.lowercased() }).subtracting(unsignedHeaders).subtracting(excluding)
    }

    public func canonicalRequest(
        _ request: SignableRequest, signedHeaderNames: Set<String>, payloadHash: String,
        normalizePath: Bool? = nil
    ) -> (canonical: String, signedHeaders: String) {
        let (headerLines, signed) = Self.canonicalHeaders(request.headers, signing: signedHeaderNames)
        let canonical = [
            request.method,
            canonicalURI(request.path, normalize: normalizePath),
            Self.canonicalQuery(request.queryParameters),
            headerLines,
            signed,
            payloadHash,
        ].joined(separator: "\n")
        return (canonical, signed)
    }

    public func stringToSign(canonicalRequest: String, at time: Timestamp) -> String {
        [Self.algorithm, time.amzDate, scope(day: time.amzDay), Digest.sha256Hex(canonicalRequest)].joined(
            separator: "\n")
    }

    public func signingKey(day: String) -> [UInt8] {
        let dateKey = Digest.hmacSHA256(key: Array("AWS4\(credentials.secretAccessKey)".utf8), data: day)
        let regionKey = Digest.hmacSHA256(key: dateKey, data: region)
        let serviceKey = Digest.hmacSHA256(key: regionKey, data: service)
        return Digest.hmacSHA256(key: serviceKey, data: "aws4_request")
    }

    public func signature(stringToSign: String, at time: Timestamp) -> String {
        Hex.encode(Digest.hmacSHA256(key: signingKey(day: time.amzDay), data: stringToSign))
    }
}
