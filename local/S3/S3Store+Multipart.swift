import Cloud
import Foundation
import LocalStore
import Runtime

/// Multipart uploads, as the AWS CLI and SDKs use them for large objects: CreateMultipartUpload,
/// UploadPart (and UploadPartCopy), ListParts, CompleteMultipartUpload, AbortMultipartUpload and
/// ListMultipartUploads.
///
/// Each part is an immutable file like an object's, named by a row of `s3_parts`; completing writes
/// the parts, in order, into a new object file and commits the object, its
/// `ObjectCreated:CompleteMultipartUpload` event and the removal of the upload in one transaction. A
/// crash at any point leaves the upload as it was (and orphaned files for the start-up sweep), or the
/// object with its event and no upload.
extension S3Store {
    static let multipartSchema = """
        CREATE TABLE IF NOT EXISTS s3_uploads (
            upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, content_type TEXT NOT NULL,
            metadata TEXT NOT NULL, headers TEXT NOT NULL, initiated_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS s3_uploads_by_key ON s3_uploads (bucket, key, initiated_ms);
        CREATE TABLE IF NOT EXISTS s3_parts (
            upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
            last_modified_ms INTEGER NOT NULL, path TEXT NOT NULL,
            PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;
        """

    /// The smallest part but the last that CompleteMultipartUpload accepts, as on AWS.
    static let minimumPartSize: Int64 = 5 * 1024 * 1024
    static let maximumPartNumber = 10_000

    /// Routes a request that names an upload (`?uploads`, `?uploadId=`) on an object key.
    func routeMultipart(_ request: ServiceRequest, bucket: String, key: String) throws -> ServiceResponse {
        if request.hasQuery("uploads") {
            guard request.method == "POST" else { throw S3Error.methodNotAllowed(request.method) }
            return try createMultipartUpload(request, bucket: bucket, key: key)
        }
        let uploadID = request.queryValue("uploadId") ?? ""
        switch request.method {
        case "PUT": return try uploadPart(request, bucket: bucket, key: key, uploadID: uploadID)
        case "POST": return try completeMultipartUpload(request, bucket: bucket, key: key, uploadID: uploadID)
        case "DELETE": return try abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
        case "GET": return try listParts(request, bucket: bucket, key: key, uploadID: uploadID)
        default: throw S3Error.methodNotAllowed(request.method)
        }
    }

    private func createMultipartUpload(_ request: ServiceRequest, bucket: String, key: String) throws -> ServiceResponse
    {
        try requireBucket(bucket)
        var attributes = StoredObject(
            bucket: bucket, key: key, size: 0, eTag: "", contentType: "", metadata: [:], headers: [:],
            lastModified: .now(), path: "")
        attributes.takeAttributes(from: request)
        let uploadID = Hex.encode(RandomBytes.generate(count: 24))
        let values = attributes.values
        try database.query(
            """
            INSERT INTO s3_uploads (upload_id, bucket, key, content_type, metadata, headers, initiated_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(uploadID), .text(bucket), .text(key), values[4], values[5], values[6], values[7]])
        var xml = XMLWriter()
        xml.root("InitiateMultipartUploadResult") {
            $0.element("Bucket", bucket)
            $0.element("Key", key)
            $0.element("UploadId", uploadID)
        }
        return Self.xmlResponse(xml)
    }

    /// The upload's row as an object with no bytes yet; throws `NoSuchUpload` unless it exists for this key.
    private func upload(_ uploadID: String, bucket: String, key: String) throws -> StoredObject {
        try requireBucket(bucket)
        guard
            let row = try database.query(
                """
                SELECT bucket, key, 0, '', content_type, metadata, headers, initiated_ms, '' FROM s3_uploads
                WHERE upload_id = ? AND bucket = ? AND key = ?
                """, [.text(uploadID), .text(bucket), .text(key)]
            ).first
        else { throw S3Error.noSuchUpload(uploadID) }
        return StoredObject(row: row)
    }

    private func uploadPart(
        _ request: ServiceRequest, bucket: String, key: String, uploadID: String
    ) throws -> ServiceResponse {
        guard let text = request.queryValue("partNumber"), let partNumber = Int(text),
            (1...Self.maximumPartNumber).contains(partNumber)
        else {
            throw S3Error.invalidArgument("Part number must be an integer between 1 and 10000, inclusive")
        }
        _ = try upload(uploadID, bucket: bucket, key: key)
        let relative = try files.newPath(bucket: bucket, key: key)
        let digest: [UInt8]
        let size: Int64
        var copied: StoredObject?
        if let source = request.header("x-amz-copy-source") {
            let original = try copySource(source, request: request)
            var piece = ObjectFiles.Piece(path: files.absolute(original.path), offset: 0, length: original.size)
            if let header = request.header("x-amz-copy-source-range") {
                // A copied range is exact: both ends given, and inside the source.
                guard let range = ByteRange(header: header),
                    case .from(let first, through: .some(let last)) = range.form,
                    last < original.size
                else {
                    throw S3Error.invalidArgument(
                        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy, inside the source object of \(original.size) bytes"
                    )
                }
                let (offset, length) = (first, last - first + 1)
                piece.offset = offset
                piece.length = length
            }
            do {
                digest = try files.assemble([piece], at: relative)
            } catch let error as SystemError where error.code == ENOENT || error.code == EIO {
                throw S3Error.noSuchKey(original.key)  // replaced or deleted since it was read
            }
            size = piece.length ?? original.size
            copied = original
        } else {
            (digest, size) = try storeBody(of: request, at: relative)
        }
        let eTag = Hex.encode(digest)
        let now = Timestamp.now()
        let replaced: String?
        do {
            replaced = try database.transaction {
                // The upload may have been completed or aborted while the bytes were written.
                _ = try upload(uploadID, bucket: bucket, key: key)
                let previous = try database.query(
                    "SELECT path FROM s3_parts WHERE upload_id = ? AND part_number = ?",
                    [.text(uploadID), .integer(Int64(partNumber))]
                ).first?[0].text
                try database.query(
                    """
                    INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, last_modified_ms, path)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        .text(uploadID), .integer(Int64(partNumber)), .integer(size), .text(eTag),
                        .integer(now.millisecondsSinceEpoch), .text(relative),
                    ])
                return previous
            }
        } catch {
            files.remove(relative)
            throw error
        }
        if let replaced { retire(replaced) }
        guard copied != nil else { return ServiceResponse(status: 200, headers: [("ETag", "\"\(eTag)\"")]) }
        var xml = XMLWriter()
        xml.root("CopyPartResult") {
            $0.element("ETag", "\"\(eTag)\"")
            $0.element("LastModified", now.iso8601)
        }
        return Self.xmlResponse(xml)
    }

    private struct Part {
        var number: Int
        var size: Int64
        var eTag: String
        var lastModified: Timestamp
        var path: String

        init(row: SQLiteDatabase.Row) {
            number = Int(row[0].integer ?? 0)
            size = row[1].integer ?? 0
            eTag = row[2].text ?? ""
            lastModified = Timestamp(millisecondsSinceEpoch: row[3].integer ?? 0)
            path = row[4].text ?? ""
        }
    }

    private func parts(_ uploadID: String, after marker: Int = 0, limit: Int = Int(Int32.max)) throws -> [Part] {
        try database.query(
            """
            SELECT part_number, size, etag, last_modified_ms, path FROM s3_parts
            WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?
            """, [.text(uploadID), .integer(Int64(marker)), .integer(Int64(limit))]
        ).map(Part.init(row:))
    }

    private func completeMultipartUpload(
        _ request: ServiceRequest, bucket: String, key: String, uploadID: String
    ) throws -> ServiceResponse {
        var object = try upload(uploadID, bucket: bucket, key: key)
        guard let document = try? Cloud.XMLElement.parse(request.bodyBytes()),
            document.name == "CompleteMultipartUpload"
        else { throw S3Error.malformedXML() }
        var listed: [(number: Int, eTag: String)] = []
        for element in document.children("Part") {
            guard
                let number = element.child("PartNumber").flatMap({ Int($0.text.trimmingCharacters(in: .whitespaces)) }),
                let eTag = element.child("ETag")?.text
            else { throw S3Error.malformedXML() }
            if let last = listed.last, number <= last.number { throw S3Error.invalidPartOrder() }
            listed.append((number, eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\" \n\t"))))
        }
        guard !listed.isEmpty else {
            throw S3Error.malformedXML()
        }
        let stored = Dictionary(uniqueKeysWithValues: try parts(uploadID).map { ($0.number, $0) })
        var chosen: [Part] = []
        for (index, entry) in listed.enumerated() {
            guard let part = stored[entry.number], part.eTag == entry.eTag else {
                throw S3Error.invalidPart(entry.number, eTag: entry.eTag)
            }
            if index < listed.count - 1, part.size < Self.minimumPartSize {
                throw S3Error.entityTooSmall(size: part.size, minimum: Self.minimumPartSize)
            }
            chosen.append(part)
        }
        object.path = try files.newPath(bucket: bucket, key: key)
        do {
            _ = try files.assemble(
                chosen.map { .init(path: files.absolute($0.path), offset: 0, length: $0.size) }, at: object.path)
        } catch let error as SystemError where error.code == ENOENT || error.code == EIO {
            files.remove(object.path)
            throw S3Error.noSuchUpload(uploadID)  // aborted or completed meanwhile: its part files are gone
        }
        var digests: [UInt8] = []
        for part in chosen { digests += Hex.decode(part.eTag) ?? [] }
        object.eTag = "\(Hex.encode(MD5.digest(digests)))-\(chosen.count)"
        object.size = chosen.reduce(0) { $0 + $1.size }
        object.lastModified = .now()
        var partFiles: [String] = []
        try commit(object, event: "ObjectCreated:CompleteMultipartUpload", request: request) {
            partFiles = try database.query("SELECT path FROM s3_parts WHERE upload_id = ?", [.text(uploadID)])
                .compactMap { $0[0].text }
            try database.query("DELETE FROM s3_parts WHERE upload_id = ?", [.text(uploadID)])
            try database.query("DELETE FROM s3_uploads WHERE upload_id = ?", [.text(uploadID)])
            guard database.changes > 0 else { throw S3Error.noSuchUpload(uploadID) }
        }
        for path in partFiles { retire(path) }
        var xml = XMLWriter()
        xml.root("CompleteMultipartUploadResult") {
            $0.element("Location", Self.location(request, bucket: bucket, key: key))
            $0.element("Bucket", bucket)
            $0.element("Key", key)
            $0.element("ETag", "\"\(object.eTag)\"")
        }
        return Self.xmlResponse(xml)
    }

    private func abortMultipartUpload(bucket: String, key: String, uploadID: String) throws -> ServiceResponse {
        let paths: [String] = try database.transaction {
            _ = try upload(uploadID, bucket: bucket, key: key)
            let paths = try database.query("SELECT path FROM s3_parts WHERE upload_id = ?", [.text(uploadID)])
                .compactMap { $0[0].text }
            try database.query("DELETE FROM s3_parts WHERE upload_id = ?", [.text(uploadID)])
            try database.query("DELETE FROM s3_uploads WHERE upload_id = ?", [.text(uploadID)])
            return paths
        }
        for path in paths { retire(path) }
        return ServiceResponse(status: 204)
    }

    private func listParts(
        _ request: ServiceRequest, bucket: String, key: String, uploadID: String
    ) throws -> ServiceResponse {
        _ = try upload(uploadID, bucket: bucket, key: key)
        let maxParts = try Self.limit(request, "max-parts")
        let marker =
            try request.queryValue("part-number-marker").map { text -> Int in
                guard let value = Int(text), value >= 0 else {
                    throw S3Error.invalidArgument("Provided part-number-marker not an integer or within integer range")
                }
                return value
            } ?? 0
        var found = try parts(uploadID, after: marker, limit: maxParts + 1)
        let truncated = found.count > maxParts
        if truncated { found.removeLast() }
        var xml = XMLWriter()
        xml.root("ListPartsResult") {
            $0.element("Bucket", bucket)
            $0.element("Key", key)
            $0.element("UploadId", uploadID)
            $0.element("StorageClass", "STANDARD")
            $0.element("PartNumberMarker", String(marker))
            if let last = found.last { $0.element("NextPartNumberMarker", String(last.number)) }
            $0.element("MaxParts", String(maxParts))
            $0.element("IsTruncated", truncated ? "true" : "false")
            for part in found {
                $0.element("Part") {
                    $0.element("PartNumber", String(part.number))
                    $0.element("LastModified", part.lastModified.iso8601)
                    $0.element("ETag", "\"\(part.eTag)\"")
                    $0.element("Size", String(part.size))
                }
            }
        }
        return Self.xmlResponse(xml)
    }

    /// ListMultipartUploads (`GET /{bucket}?uploads`): uploads in progress by key, then by initiation,
    /// with `prefix`, `key-marker`/`upload-id-marker` and `max-uploads`.
    func listMultipartUploads(_ request: ServiceRequest, bucket: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        let prefix = request.queryValue("prefix") ?? ""
        let keyMarker = request.queryValue("key-marker") ?? ""
        let uploadMarker = request.queryValue("upload-id-marker") ?? ""
        let maxUploads = try Self.limit(request, "max-uploads")
        var rows = try database.query(
            """
            SELECT key, upload_id, initiated_ms FROM s3_uploads
            WHERE bucket = ? AND substr(key, 1, length(?)) = ? AND (key > ? OR (key = ? AND upload_id > ?))
            ORDER BY key, upload_id LIMIT ?
            """,
            [
                .text(bucket), .text(prefix), .text(prefix), .text(keyMarker), .text(keyMarker),
                .text(uploadMarker.isEmpty ? "\u{10FFFF}" : uploadMarker), .integer(Int64(maxUploads + 1)),
            ])
        let truncated = rows.count > maxUploads
        if truncated { rows.removeLast() }
        var xml = XMLWriter()
        xml.root("ListMultipartUploadsResult") {
            $0.element("Bucket", bucket)
            $0.element("KeyMarker", keyMarker)
            $0.element("UploadIdMarker", uploadMarker)
            if truncated, let last = rows.last {
                $0.element("NextKeyMarker", last[0].text ?? "")
                $0.element("NextUploadIdMarker", last[1].text ?? "")
            }
            if !prefix.isEmpty { $0.element("Prefix", prefix) }
            $0.element("MaxUploads", String(maxUploads))
            $0.element("IsTruncated", truncated ? "true" : "false")
            for row in rows {
                $0.element("Upload") {
                    $0.element("Key", row[0].text ?? "")
                    $0.element("UploadId", row[1].text ?? "")
                    $0.element("StorageClass", "STANDARD")
                    $0.element("Initiated", Timestamp(millisecondsSinceEpoch: row[2].integer ?? 0).iso8601)
                }
            }
        }
        return Self.xmlResponse(xml)
    }

    /// A `max-…` query parameter: 0 to 1000, default 1000.
    private static func limit(_ request: ServiceRequest, _ name: String) throws -> Int {
        guard let text = request.queryValue(name) else { return 1000 }
        guard let value = Int(text), value >= 0 else {
            throw S3Error.invalidArgument("Provided \(name) not an integer or within integer range")
        }
        return min(value, 1000)
    }

    /// The object's URL as S3 answers it in `Location`, from the request's `Host`.
    static func location(_ request: ServiceRequest, bucket: String, key: String) -> String {
        let host = request.header("host") ?? "127.0.0.1"
        return "http://\(host)/\(PercentEncoding.encode(bucket))/\(PercentEncoding.encode(key, keepSlash: true))"
    }
}
