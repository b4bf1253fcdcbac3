import HTTP
import Runtime

/// Amazon S3 over its REST API: objects streamed from and to files, listing, copies, conditional
/// writes, deletes and presigned URLs. Path-style addressing when an endpoint is configured
/// (emulator, moto), virtual-hosted style on AWS.
public final class S3Client {
    let transport: AWSTransport

    public init(configuration: AWSConfiguration, http: HTTPClient? = nil) throws {
        transport = try AWSTransport(service: .s3, configuration: configuration, http: http)
    }

    /// Where an object's requests go: path and host.
    func address(bucket: String, key: String? = nil) -> (path: String, host: String?) {
        let encodedKey = key.map { PercentEncoding.encode($0, keepSlash: true) }
        if transport.isCustomEndpoint || bucket.contains(".") {
            return ("/\(bucket)" + (encodedKey.map { "/" + $0 } ?? ""), nil)
        }
        return ("/" + (encodedKey ?? ""), "\(bucket).\(transport.endpoint.hostHeader)")
    }

    func send(_ call: AWSCall, host: String?) throws -> HTTPResponse {
        let response = try transport.send(call, host: host, errorParser: Self.error)
        guard response.status < 300 else { throw Self.error(response) }
        return response
    }

    /// Metadata of a stored object.
    public struct ObjectInfo: Sendable, Equatable {
        public var eTag: String
        public var size: Int64
        public var contentType: String?
        public var lastModified: String?
        public var metadata: [String: String]
    }

    // MARK: Writing

    /// Stores an object.
    /// - Parameters:
    ///   - ifNoneMatch: only if no object has the key (`If-None-Match: *`), else `PreconditionFailed`.
    ///   - ifMatch: only if the current object's ETag is this, else `PreconditionFailed`.
    /// - Returns: the new object's ETag.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: HTTPBody, contentType: String? = nil, ifNoneMatch: Bool = false,
        ifMatch: String? = nil, metadata: [String: String] = [:]
    ) throws -> String {
        let (path, host) = address(bucket: bucket, key: key)
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if ifNoneMatch { headers.append(("If-None-Match", "*")) }
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            headers.append(("x-amz-meta-\(name.lowercased())", value))
        }
        if case .none = body { headers.append(("Content-Length", "0")) }
        let response = try send(
            AWSCall(method: .put, path: path, headers: headers, body: body, idempotent: true), host: host)
        return response.header("ETag") ?? ""
    }

    public func putObject(
        bucket: String, key: String, bytes: [UInt8], contentType: String? = nil, ifNoneMatch: Bool = false,
        ifMatch: String? = nil
    ) throws -> String {
        try putObject(
            bucket: bucket, key: key, body: .bytes(bytes), contentType: contentType, ifNoneMatch: ifNoneMatch,
            ifMatch: ifMatch)
    }

    /// Copies an object within S3 (no bytes pass through this process).
    @discardableResult
    public func copyObject(
        from sourceBucket: String, key sourceKey: String, to bucket: String, key: String,
        ifNoneMatch: Bool = false
    ) throws -> String {
        let (path, host) = address(bucket: bucket, key: key)
        var headers: [(name: String, value: String)] = [
            ("x-amz-copy-source", "/\(sourceBucket)/\(PercentEncoding.encode(sourceKey, keepSlash: true))"),
            ("Content-Length", "0"),
        ]
        if ifNoneMatch { headers.append(("If-None-Match", "*")) }
        let response = try send(AWSCall(method: .put, path: path, headers: headers, idempotent: true), host: host)
        // S3 may answer 200 and still fail the copy: the error is then the body.
        let document = try? XMLElement.parse(response.body)
        if document?.name == "Error" { throw Self.error(response, document: document) }
        return document?["ETag"] ?? ""
    }

    // MARK: Reading

    /// Reads an object into memory (small objects: transcripts, JSON).
    public func getObject(
        bucket: String, key: String, range: ClosedRange<Int64>? = nil, limit: Int = 64 << 20
    ) throws
        -> (info: ObjectInfo, body: [UInt8])
    {
        let response = try get(bucket: bucket, key: key, range: range, destination: .memory(limit: limit))
        return (Self.info(response), response.body)
    }

    /// Streams an object into a file (media: never whole in memory).
    @discardableResult
    public func getObject(
        bucket: String, key: String, toFile path: String, range: ClosedRange<Int64>? = nil
    ) throws -> ObjectInfo {
        Self.info(try get(bucket: bucket, key: key, range: range, destination: .file(path: path)))
    }

    private func get(
        bucket: String, key: String, range: ClosedRange<Int64>?, destination: ResponseBodyDestination
    ) throws
        -> HTTPResponse
    {
        let (path, host) = address(bucket: bucket, key: key)
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        return try send(
            AWSCall(method: .get, path: path, headers: headers, destination: destination, idempotent: true), host: host)
    }

    /// An object's metadata. - Throws: `AWSError` with code `NoSuchKey` when there is none.
    public func headObject(bucket: String, key: String) throws -> ObjectInfo {
        let (path, host) = address(bucket: bucket, key: key)
        return Self.info(try send(AWSCall(method: .head, path: path, idempotent: true), host: host))
    }

    /// Whether an object exists.
    public func objectExists(bucket: String, key: String) throws -> Bool {
        do {
            _ = try headObject(bucket: bucket, key: key)
            return true
        } catch let error as AWSError where error.code == "NoSuchKey" {
            return false
        }
    }

    static func info(_ response: HTTPResponse) -> ObjectInfo {
        var metadata: [String: String] = [:]
        for (name, value) in response.headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        let size =
            response.header("Content-Range").flatMap { $0.split(separator: "/").last.flatMap { Int64($0) } }
            ?? response.header("Content-Length").flatMap(Int64.init) ?? Int64(response.body.count)
        return ObjectInfo(
            eTag: response.header("ETag") ?? "", size: size, contentType: response.header("Content-Type"),
            lastModified: response.header("Last-Modified"), metadata: metadata)
    }

    // MARK: Buckets (tests and local set-up; deployments make the bucket from the template)

    public func createBucket(_ bucket: String) throws {
        let (path, host) = address(bucket: bucket)
        var body: HTTPBody = .none
        if transport.configuration.region != "us-east-1" {
            body = .bytes(
                Array(
                    "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(transport.configuration.region)</LocationConstraint></CreateBucketConfiguration>"
                        .utf8))
        }
        _ = try send(
            AWSCall(
                method: .put, path: path, headers: body.isEmpty ? [("Content-Length", "0")] : [], body: body,
                idempotent: true), host: host)
    }

    public func deleteBucket(_ bucket: String) throws {
        let (path, host) = address(bucket: bucket)
        _ = try send(AWSCall(method: .delete, path: path, idempotent: true), host: host)
    }
}

extension HTTPBody {
    var isEmpty: Bool { if case .none = self { true } else { false } }
}
