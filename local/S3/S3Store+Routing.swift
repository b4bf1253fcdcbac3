import LocalStore
import Runtime

extension S3Store {
    /// Answers one S3 REST request (path-style; `request.rawPath` percent-encoded). Errors are S3's
    /// XML error bodies; every response carries `x-amz-request-id`, and CORS headers when the request
    /// has an `Origin` a rule of the bucket allows.
    public func handle(_ request: ServiceRequest) -> ServiceResponse {
        let requestID = Hex.encode(RandomBytes.generate(count: 8)).uppercased()
        let target = Target(rawPath: request.rawPath)
        var response: ServiceResponse
        do {
            response = try route(request, target, requestID: requestID)
        } catch {
            let failure = error as? S3Error ?? S3Error.internalError(error)
            response = failure.response(
                requestID: requestID, resource: request.rawPath, withBody: request.method != "HEAD")
        }
        if !response.headers.contains(where: { $0.name == "x-amz-request-id" }) {
            response.headers.append(("x-amz-request-id", requestID))
        }
        if request.method != "OPTIONS", let bucket = target.bucket {
            response.headers += corsHeaders(for: request, bucket: bucket)
        }
        return response
    }

    /// The bucket and key a path names.
    struct Target {
        var bucket: String?
        var key: String?

        init(rawPath: String) {
            var path = Substring(
                rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            while path.hasPrefix("/") { path = path.dropFirst() }
            guard !path.isEmpty else { return }
            let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            bucket = PercentEncoding.decode(String(parts[0]))
            if parts.count > 1, !parts[1].isEmpty { key = PercentEncoding.decode(String(parts[1])) }
        }
    }

    private func route(_ request: ServiceRequest, _ target: Target, requestID: String) throws -> ServiceResponse {
        guard let bucket = target.bucket else {
            guard request.method == "GET" else { throw S3Error.methodNotAllowed(request.method) }
            return try listBuckets()
        }
        guard let key = target.key else {
            switch request.method {
            case "PUT": return try createBucket(bucket)
            case "HEAD": return try headBucket(bucket)
            case "DELETE": return try deleteBucket(bucket)
            case "GET":
                if request.hasQuery("location") { return try bucketLocation(bucket) }
                if request.hasQuery("uploads") { return try listMultipartUploads(request, bucket: bucket) }
                return try listObjects(request, bucket: bucket)
            case "POST" where request.hasQuery("delete"): return try deleteObjects(request, bucket: bucket)
            case "POST" where request.header("content-type")?.lowercased().hasPrefix("multipart/form-data") == true:
                return try postObject(request, bucket: bucket)
            case "OPTIONS": return try preflight(request, bucket: bucket, isObject: false)
            default: throw S3Error.methodNotAllowed(request.method)
            }
        }
        guard key.utf8.count <= 1024 else { throw S3Error.keyTooLong() }
        if request.hasQuery("uploads") || request.hasQuery("uploadId") {
            return try routeMultipart(request, bucket: bucket, key: key)
        }
        switch request.method {
        case "PUT" where request.header("x-amz-copy-source") != nil:
            return try copyObject(request, bucket: bucket, key: key)
        case "PUT": return try putObject(request, bucket: bucket, key: key)
        case "GET": return try getObject(request, bucket: bucket, key: key, includeBody: true)
        case "HEAD": return try getObject(request, bucket: bucket, key: key, includeBody: false)
        case "DELETE": return try deleteObject(request, bucket: bucket, key: key)
        case "OPTIONS": return try preflight(request, bucket: bucket, isObject: true)
        default: throw S3Error.methodNotAllowed(request.method)
        }
    }

    /// Throws `NoSuchBucket` unless the bucket exists.
    func requireBucket(_ bucket: String) throws {
        guard try bucketExists(bucket) else { throw S3Error.noSuchBucket(bucket) }
    }

    func bucketExists(_ bucket: String) throws -> Bool {
        try !database.query("SELECT 1 FROM s3_buckets WHERE name = ?", [.text(bucket)]).isEmpty
    }

    /// An XML answer.
    static func xmlResponse(_ writer: XMLWriter) -> ServiceResponse {
        ServiceResponse(status: 200, headers: [("Content-Type", "application/xml")], body: .bytes(writer.bytes))
    }
}
