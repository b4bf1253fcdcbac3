import Foundation
import LocalStore
import Runtime

extension S3Store {
    /// PutObject: the bytes are hashed in pieces and placed under a new file name, then the row and
    /// its `ObjectCreated:Put` event commit together.
    func putObject(_ request: ServiceRequest, bucket: String, key: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        let relative = try files.newPath(bucket: bucket, key: key)
        let (digest, size) = try storeBody(of: request, at: relative)
        var object = StoredObject(
            bucket: bucket, key: key, size: size, eTag: Hex.encode(digest), contentType: "", metadata: [:],
            headers: [:], lastModified: .now(), path: relative)
        object.takeAttributes(from: request)
        try commit(object, event: "ObjectCreated:Put", request: request)
        return ServiceResponse(status: 200, headers: [("ETag", "\"\(object.eTag)\"")])
    }

    /// Places a PUT's body (PutObject, UploadPart) at `relative`, after checking its `Content-MD5`;
    /// returns its MD5 and size. A body on disk is hashed in pieces and moved, never read whole.
    func storeBody(of request: ServiceRequest, at relative: String) throws -> (digest: [UInt8], size: Int64) {
        let expected = try request.header("content-md5").map { header -> [UInt8] in
            guard let digest = Base64.decode(header), digest.count == 16 else { throw S3Error.invalidDigest() }
            return digest
        }
        switch request.body {
        case .bytes(let bytes):
            let digest = MD5.digest(bytes)
            if let expected, expected != digest { throw S3Error.badDigest() }
            try files.store(bytes, at: relative)
            return (digest, Int64(bytes.count))
        case .file(let path, _):
            let digest = try files.md5(ofFile: path)
            if let expected, expected != digest { throw S3Error.badDigest() }
            let size = try Self.fileSize(path)
            try files.adopt(file: path, as: relative)
            return (digest, size)
        }
    }

    /// CopyObject (`x-amz-copy-source: /bucket/key`, URL-encoded): metadata copied unless
    /// `x-amz-metadata-directive: REPLACE`; the bytes are hard-linked (files are never modified).
    func copyObject(_ request: ServiceRequest, bucket: String, key: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        let original = try copySource(request.header("x-amz-copy-source") ?? "", request: request)
        let (sourceBucket, sourceKey) = (original.bucket, original.key)
        let replace = request.header("x-amz-metadata-directive")?.uppercased() == "REPLACE"
        if sourceBucket == bucket && sourceKey == key && !replace {
            throw S3Error.invalidRequest(
                "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
            )
        }
        var object = original
        object.bucket = bucket
        object.key = key
        object.lastModified = .now()
        object.path = try files.newPath(bucket: bucket, key: key)
        if replace { object.takeAttributes(from: request) }
        do {
            try files.clone(original.path, to: object.path)
        } catch let error as SystemError where error.code == ENOENT {
            throw S3Error.noSuchKey(sourceKey)  // overwritten or deleted since it was read
        }
        try commit(object, event: "ObjectCreated:Copy", request: request)
        var xml = XMLWriter()
        xml.root("CopyObjectResult") {
            $0.element("ETag", "\"\(object.eTag)\"")
            $0.element("LastModified", object.lastModified.iso8601)
        }
        return Self.xmlResponse(xml)
    }

    /// The object `x-amz-copy-source` names (`/bucket/key`, URL-encoded), after its
    /// `x-amz-copy-source-if-match` / `-if-none-match` conditions (CopyObject and UploadPartCopy).
    func copySource(_ header: String, request: ServiceRequest) throws -> StoredObject {
        var source = PercentEncoding.decode(header)
        if let query = source.firstIndex(of: "?") { source = String(source[..<query]) }
        while source.hasPrefix("/") { source.removeFirst() }
        let parts = source.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else {
            throw S3Error.invalidArgument(
                "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
        }
        let (sourceBucket, sourceKey) = (String(parts[0]), String(parts[1]))
        try requireBucket(sourceBucket)
        guard let original = try fetch(bucket: sourceBucket, key: sourceKey) else {
            throw S3Error.noSuchKey(sourceKey)
        }
        if let condition = request.header("x-amz-copy-source-if-match"),
            !ETagCondition.matches(condition, original.eTag)
        {
            throw S3Error.preconditionFailed("x-amz-copy-source-If-Match")
        }
        if let condition = request.header("x-amz-copy-source-if-none-match"),
            ETagCondition.matches(condition, original.eTag)
        {
            throw S3Error.preconditionFailed("x-amz-copy-source-If-None-Match")
        }
        return original
    }

    /// GetObject and HeadObject: conditional headers, one byte range, `response-*` overrides.
    func getObject(
        _ request: ServiceRequest, bucket: String, key: String, includeBody: Bool
    ) throws
        -> ServiceResponse
    {
        try requireBucket(bucket)
        guard let object = try fetch(bucket: bucket, key: key) else { throw S3Error.noSuchKey(key) }
        var headers = object.responseHeaders
        if try !Self.passesReadConditions(request, object) {
            return ServiceResponse(
                status: 304, headers: headers.filter { $0.name == "ETag" || $0.name == "Last-Modified" })
        }
        if includeBody {
            for name in ["content-type"] + StoredObject.storedHeaders {
                guard let value = request.queryValue("response-\(name)") else { continue }
                let canonical = StoredObject.canonical(name)
                headers.removeAll { $0.name == canonical }
                headers.append((canonical, value))
            }
        }
        var status = 200
        var offset: Int64 = 0
        var length = object.size
        if let header = request.header("range"), let range = ByteRange(header: header) {
            guard let resolved = range.resolve(size: object.size) else { throw S3Error.invalidRange(size: object.size) }
            (offset, length) = resolved
            status = 206
            headers.append(("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(object.size)"))
        }
        headers.append(("Content-Length", String(length)))
        let body: ServiceResponse.Body =
            includeBody ? .file(path: files.absolute(object.path), offset: offset, length: length) : .bytes([])
        return ServiceResponse(status: status, headers: headers, body: body)
    }

    /// DeleteObject: 204 whether or not the key existed; `If-Match` makes it conditional.
    func deleteObject(_ request: ServiceRequest, bucket: String, key: String) throws -> ServiceResponse {
        try removeObject(bucket: bucket, key: key, ifMatch: request.header("if-match"))
        return ServiceResponse(status: 204)
    }

    /// Deletes one object's row, then retires its file.
    func removeObject(bucket: String, key: String, ifMatch: String?) throws {
        let path: String? = try database.transaction {
            try requireBucket(bucket)
            let current = try fetch(bucket: bucket, key: key)
            if let ifMatch {
                guard let current else { throw S3Error.noSuchKey(key) }
                guard ETagCondition.matches(ifMatch, current.eTag) else { throw S3Error.preconditionFailed("If-Match") }
            }
            guard let current else { return nil }
            try database.query("DELETE FROM s3_objects WHERE bucket = ? AND key = ?", [.text(bucket), .text(key)])
            return current.path
        }
        if let path { retire(path) }
    }

    func fetch(bucket: String, key: String) throws -> StoredObject? {
        try database.query(
            "SELECT \(StoredObject.columns) FROM s3_objects WHERE bucket = ? AND key = ?", [.text(bucket), .text(key)]
        ).first.map(StoredObject.init(row:))
    }

    /// Checks the write's conditions against the current row and commits the new row and its event in
    /// one transaction, with `alsoInTransaction`'s writes; the file it names is already in place. On
    /// failure the new file is removed.
    func commit(
        _ object: StoredObject, event: String, request: ServiceRequest, alsoInTransaction: () throws -> Void = {}
    ) throws {
        let sourceIP =
            request.header("x-forwarded-for")?.split(separator: ",").first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? "127.0.0.1"
        let replaced: String?
        do {
            replaced = try database.transaction {
                guard try bucketExists(object.bucket) else { throw S3Error.noSuchBucket(object.bucket) }
                let current = try fetch(bucket: object.bucket, key: object.key)
                if let condition = request.header("if-none-match"), let current,
                    ETagCondition.matches(condition, current.eTag)
                {
                    throw S3Error.preconditionFailed("If-None-Match")
                }
                if let condition = request.header("if-match") {
                    guard let current else { throw S3Error.noSuchKey(object.key) }
                    guard ETagCondition.matches(condition, current.eTag) else {
                        throw S3Error.preconditionFailed("If-Match")
                    }
                }
                try database.query(
                    "INSERT OR REPLACE INTO s3_objects (\(StoredObject.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    object.values)
                try database.query(
                    """
                    INSERT INTO s3_notifications (bucket, key, event_name, size, etag, time_ms, source_ip)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(object.bucket), .text(object.key), .text(event), .integer(object.size),
                        .text(object.eTag), .integer(object.lastModified.millisecondsSinceEpoch), .text(sourceIP),
                    ])
                try alsoInTransaction()
                return current?.path
            }
        } catch {
            files.remove(object.path)
            throw error
        }
        if let replaced { retire(replaced) }
        notifyWriters()
    }

    /// Whether a read goes ahead (false: 304 Not Modified); throws `PreconditionFailed` (412).
    private static func passesReadConditions(_ request: ServiceRequest, _ object: StoredObject) throws -> Bool {
        let modifiedSecond = object.lastModified.secondsSinceEpoch
        if let condition = request.header("if-match") {
            guard ETagCondition.matches(condition, object.eTag) else { throw S3Error.preconditionFailed("If-Match") }
        } else if let header = request.header("if-unmodified-since"), let date = HTTPDate.parse(header),
            modifiedSecond > date.secondsSinceEpoch
        {
            throw S3Error.preconditionFailed("If-Unmodified-Since")
        }
        if let condition = request.header("if-none-match") {
            return !ETagCondition.matches(condition, object.eTag)
        }
        if let header = request.header("if-modified-since"), let date = HTTPDate.parse(header) {
            return modifiedSecond > date.secondsSinceEpoch
        }
        return true
    }

    static func fileSize(_ path: String) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// One `Range: bytes=…` range; several ranges, or a malformed header, are ignored (the whole object).
struct ByteRange: Equatable {
    enum Form: Equatable {
        case from(Int64, through: Int64?)
        case suffix(Int64)
    }

    var form: Form

    init?(header: String) {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let count = Int64(parts[1]) else { return nil }
            form = .suffix(count)
        } else {
            guard let first = Int64(parts[0]) else { return nil }
            if parts[1].isEmpty {
                form = .from(first, through: nil)
            } else {
                guard let last = Int64(parts[1]), last >= first else { return nil }
                form = .from(first, through: last)
            }
        }
    }

    /// The offset and length within an object of `size` bytes; nil when unsatisfiable (416).
    func resolve(size: Int64) -> (offset: Int64, length: Int64)? {
        switch form {
        case .from(let first, let last):
            guard first < size else { return nil }
            let end = min(last ?? size - 1, size - 1)
            return (first, end - first + 1)
        case .suffix(let count):
            guard count > 0, size > 0 else { return nil }
            let length = min(count, size)
            return (size - length, length)
        }
    }
}
