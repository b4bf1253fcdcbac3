import HTTP
import Runtime

extension S3Client {
    public struct ObjectSummary: Sendable, Equatable {
        public var key: String
        public var size: Int64
        public var eTag: String
        public var lastModified: String
    }

    public struct ListPage: Sendable {
        public var objects: [ObjectSummary]
        public var commonPrefixes: [String]
        public var isTruncated: Bool
        /// Pass as `continuationToken` for the next page.
        public var nextContinuationToken: String?
    }

    /// One page of ListObjectsV2 (up to `maxKeys`, at most 1,000).
    public func listObjects(
        bucket: String, prefix: String? = nil, delimiter: String? = nil, maxKeys: Int? = nil,
        continuationToken: String? = nil, startAfter: String? = nil
    ) throws -> ListPage {
        let (path, host) = address(bucket: bucket)
        var query: [(String, String)] = [("list-type", "2")]
        if let prefix { query.append(("prefix", prefix)) }
        if let delimiter { query.append(("delimiter", delimiter)) }
        if let maxKeys { query.append(("max-keys", String(maxKeys))) }
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        let response = try send(
            AWSCall(method: .get, path: path.isEmpty ? "/" : path, query: query, idempotent: true), host: host)
        let document = try Self.document(response)
        return ListPage(
            objects: document.children("Contents").map {
                ObjectSummary(
                    key: $0["Key"] ?? "", size: Int64($0["Size"] ?? "") ?? 0, eTag: $0["ETag"] ?? "",
                    lastModified: $0["LastModified"] ?? "")
            },
            commonPrefixes: document.children("CommonPrefixes").compactMap { $0["Prefix"] },
            isTruncated: document["IsTruncated"] == "true",
            nextContinuationToken: document["NextContinuationToken"])
    }

    /// Every object under a prefix, following continuation tokens.
    public func listAllObjects(bucket: String, prefix: String) throws -> [ObjectSummary] {
        var all: [ObjectSummary] = []
        var token: String?
        repeat {
            let page = try listObjects(bucket: bucket, prefix: prefix, continuationToken: token)
            all += page.objects
            token = page.isTruncated ? page.nextContinuationToken : nil
        } while token != nil
        return all
    }

    /// Whether an object exists, asked by listing its key (the key as the prefix, one key: the key
    /// itself sorts first among the keys it begins). Unlike `objectExists` (HeadObject), it needs
    /// only `s3:ListBucket` for that prefix: HeadObject needs `s3:GetObject`, and answers a missing
    /// key with 404 rather than 403 only to a caller that may list the whole bucket.
    public func objectListed(bucket: String, key: String) throws -> Bool {
        try listObjects(bucket: bucket, prefix: key, maxKeys: 1).objects.first?.key == key
    }

    public struct DeleteResult: Sendable {
        public var deleted: [String]
        /// Keys S3 could not delete, with its error code and message.
        public var errors: [(key: String, code: String, message: String)]
    }

    /// Deletes up to 1,000 objects in one request; keys that do not exist count as deleted.
    public func deleteObjects(bucket: String, keys: [String]) throws -> DeleteResult {
        precondition(keys.count <= 1000, "DeleteObjects takes at most 1,000 keys")
        if keys.isEmpty { return DeleteResult(deleted: [], errors: []) }
        let (path, host) = address(bucket: bucket)
        let xml =
            "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>false</Quiet>"
            + keys.map { "<Object><Key>\(XMLElement.escape($0))</Key></Object>" }.joined() + "</Delete>"
        let body = Array(xml.utf8)
        let response = try send(
            AWSCall(
                method: .post, path: path.isEmpty ? "/" : path, query: [("delete", "")],
                headers: [("Content-Type", "application/xml"), ("Content-MD5", Base64.encode(Digest.md5(body)))],
                body: .bytes(body), idempotent: true),
            host: host)
        let document = try Self.document(response)
        return DeleteResult(
            deleted: document.children("Deleted").compactMap { $0["Key"] },
            errors: document.children("Error").map { ($0["Key"] ?? "", $0["Code"] ?? "", $0["Message"] ?? "") })
    }

    /// Deletes every object under a prefix (a job's or a user's media), in pages of 1,000.
    /// - Returns: how many objects were deleted.
    @discardableResult
    public func deletePrefix(bucket: String, prefix: String) throws -> Int {
        var count = 0
        while true {
            let page = try listObjects(bucket: bucket, prefix: prefix, maxKeys: 1000)
            if page.objects.isEmpty { return count }
            let result = try deleteObjects(bucket: bucket, keys: page.objects.map(\.key))
            if let failure = result.errors.first {
                throw AWSError(code: failure.code, message: "\(failure.key): \(failure.message)", status: 200)
            }
            count += result.deleted.count
            if !page.isTruncated { return count }
        }
    }

    public func deleteObject(bucket: String, key: String) throws {
        let (path, host) = address(bucket: bucket, key: key)
        _ = try send(AWSCall(method: .delete, path: path, idempotent: true), host: host)
    }

    // MARK: Presigned URLs

    /// A URL anyone can GET the object with until it expires.
    public func presignedGetURL(
        bucket: String, key: String, expires: Int, responseContentType: String? = nil,
        at time: Timestamp = .now()
    ) -> String {
        let (path, host) = address(bucket: bucket, key: key)
        var query: [(String, String)] = []
        if let responseContentType { query.append(("response-content-type", responseContentType)) }
        return transport.presign(
            AWSCall(method: .get, path: path, query: query, idempotent: true), expires: expires, host: host,
            at: time)
    }

    /// A URL to PUT one object: the upload must send exactly `contentType` and `contentLength`
    /// (both are signed), so it cannot be used for other content.
    public func presignedPutURL(
        bucket: String, key: String, expires: Int, contentType: String, contentLength: Int64,
        at time: Timestamp = .now()
    ) -> (url: String, headers: [(name: String, value: String)]) {
        let (path, host) = address(bucket: bucket, key: key)
        let headers: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("Content-Length", String(contentLength)),
        ]
        let url = transport.presign(
            AWSCall(method: .put, path: path, headers: headers, idempotent: true), expires: expires, host: host,
            at: time)
        return (url, headers)
    }

    // MARK: Errors

    static func document(_ response: HTTPResponse) throws -> XMLElement {
        do {
            return try XMLElement.parse(response.body)
        } catch {
            throw AWSError.invalidResponse(
                "S3 answered with malformed XML: \(error)", status: response.status,
                requestID: response.header("x-amz-request-id"))
        }
    }

    /// `<Error><Code>NoSuchKey</Code><Message>…</Message><RequestId>…</RequestId></Error>`; a HEAD
    /// has no body, so its status names the error.
    static func error(_ response: HTTPResponse) -> AWSError { error(response, document: nil) }

    static func error(_ response: HTTPResponse, document: XMLElement?) -> AWSError {
        let document = document ?? (try? XMLElement.parse(response.body))
        let requestID = document?["RequestId"] ?? response.header("x-amz-request-id")
        if let code = document?["Code"] {
            return AWSError(
                code: code, message: document?["Message"] ?? code, status: response.status, requestID: requestID)
        }
        let code: String
        switch response.status {
        case 304: code = "NotModified"
        case 400: code = "BadRequest"
        case 403: code = "AccessDenied"
        case 404: code = "NoSuchKey"
        case 409: code = "Conflict"
        case 412: code = "PreconditionFailed"
        case 416: code = "InvalidRange"
        case 503: code = "SlowDown"
        default: code = "HTTP\(response.status)"
        }
        return AWSError(
            code: code, message: "S3 answered \(response.status)", status: response.status, requestID: requestID)
    }
}
