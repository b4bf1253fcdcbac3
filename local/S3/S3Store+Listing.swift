import Cloud
import LocalStore
import Runtime

extension S3Store {
    /// One page of a listing: objects and common prefixes in key order (UTF-8 byte order, as S3).
    struct Listing {
        var contents: [StoredObject] = []
        var commonPrefixes: [String] = []
        var isTruncated = false
        /// The last key or common prefix returned, where the next page starts.
        var last: Position?
    }

    /// A place in a listing; encoded as an opaque continuation token.
    enum Position: Equatable {
        case key(String)
        case commonPrefix(String)

        var token: String {
            switch self {
            case .key(let key): Base64.encode(Array(("k:" + key).utf8), urlSafe: true)
            case .commonPrefix(let prefix): Base64.encode(Array(("p:" + prefix).utf8), urlSafe: true)
            }
        }

        init?(token: String) {
            guard let bytes = Base64.decode(token) else { return nil }
            let text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("k:") {
                self = .key(String(text.dropFirst(2)))
            } else if text.hasPrefix("p:") {
                self = .commonPrefix(String(text.dropFirst(2)))
            } else {
                return nil
            }
        }
    }

    /// Lists up to `maxKeys` entries after `position`, grouping keys that contain `delimiter` after
    /// `prefix` into common prefixes (each counts as one entry).
    func list(
        bucket: String, prefix: String, delimiter: String?, after position: Position?, maxKeys: Int
    ) throws
        -> Listing
    {
        var listing = Listing()
        var cursor: String
        var lastPrefix: String?
        switch position {
        case .key(let key): cursor = key
        case .commonPrefix(let group):
            cursor = group
            lastPrefix = group
        case nil: cursor = ""
        }
        let prefixBytes = Array(prefix.utf8)
        let delimiterBytes = delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let batch = 1000
        while true {
            let rows = try database.query(
                """
                SELECT \(StoredObject.columns) FROM s3_objects WHERE bucket = ? AND key > ? AND key >= ?
                ORDER BY key LIMIT ?
                """, [.text(bucket), .text(cursor), .text(prefix), .integer(Int64(batch))])
            for row in rows {
                let object = StoredObject(row: row)
                cursor = object.key
                let keyBytes = Array(object.key.utf8)
                guard keyBytes.starts(with: prefixBytes) else { return listing }  // past the prefix's range
                var entry = Position.key(object.key)
                if let delimiterBytes,
                    let end = Self.firstRange(of: delimiterBytes, in: keyBytes, from: prefixBytes.count)
                {
                    let group = String(decoding: keyBytes[..<end], as: UTF8.self)
                    if group == lastPrefix { continue }
                    entry = .commonPrefix(group)
                }
                guard listing.contents.count + listing.commonPrefixes.count < maxKeys else {
                    listing.isTruncated = true
                    return listing
                }
                switch entry {
                case .key: listing.contents.append(object)
                case .commonPrefix(let group):
                    listing.commonPrefixes.append(group)
                    lastPrefix = group
                }
                listing.last = entry
            }
            if rows.count < batch { return listing }
        }
    }

    /// The end (exclusive) of the first `needle` in `haystack` at or after `start`.
    private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && Array(haystack[index..<index + needle.count]) == needle {
                return index + needle.count
            }
            index += 1
        }
        return nil
    }

    /// ListObjectsV2 (`list-type=2`), or ListObjects (v1, `marker`) without it.
    func listObjects(_ request: ServiceRequest, bucket: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        let isVersion2 = request.queryValue("list-type") == "2"
        let prefix = request.queryValue("prefix") ?? ""
        let delimiter = request.queryValue("delimiter").flatMap { $0.isEmpty ? nil : $0 }
        var maxKeys = 1000
        if let text = request.queryValue("max-keys") {
            guard let value = Int(text), value >= 0 else {
                throw S3Error.invalidArgument("Provided max-keys not an integer or within integer range")
            }
            maxKeys = min(value, 1000)
        }
        let urlEncoded: Bool
        switch request.queryValue("encoding-type") {
        case nil: urlEncoded = false
        case "url": urlEncoded = true
        default: throw S3Error.invalidArgument("Invalid Encoding Method specified in Request")
        }
        let token = isVersion2 ? request.queryValue("continuation-token") : nil
        let startAfter = request.queryValue(isVersion2 ? "start-after" : "marker")
        var position: Position? = startAfter.flatMap { $0.isEmpty ? nil : .key($0) }
        if let token {
            guard let decoded = Position(token: token) else {
                throw S3Error.invalidArgument("The continuation token provided is incorrect")
            }
            position = decoded
        }
        let listing = try list(bucket: bucket, prefix: prefix, delimiter: delimiter, after: position, maxKeys: maxKeys)
        let encode: (String) -> String = { urlEncoded ? PercentEncoding.encode($0, keepSlash: true) : $0 }

        var xml = XMLWriter()
        xml.root("ListBucketResult") {
            $0.element("Name", bucket)
            $0.element("Prefix", encode(prefix))
            if isVersion2 {
                if let token { $0.element("ContinuationToken", token) }
                if let startAfter { $0.element("StartAfter", encode(startAfter)) }
                $0.element("KeyCount", String(listing.contents.count + listing.commonPrefixes.count))
            } else {
                $0.element("Marker", encode(startAfter ?? ""))
            }
            $0.element("MaxKeys", String(maxKeys))
            if let delimiter { $0.element("Delimiter", encode(delimiter)) }
            if urlEncoded { $0.element("EncodingType", "url") }
            $0.element("IsTruncated", listing.isTruncated ? "true" : "false")
            if listing.isTruncated, let last = listing.last {
                if isVersion2 {
                    $0.element("NextContinuationToken", last.token)
                } else if delimiter != nil {
                    switch last {
                    case .key(let key), .commonPrefix(let key): $0.element("NextMarker", encode(key))
                    }
                }
            }
            for object in listing.contents {
                $0.element("Contents") {
                    $0.element("Key", encode(object.key))
                    $0.element("LastModified", object.lastModified.iso8601)
                    $0.element("ETag", "\"\(object.eTag)\"")
                    $0.element("Size", String(object.size))
                    $0.element("StorageClass", "STANDARD")
                }
            }
            for group in listing.commonPrefixes {
                $0.element("CommonPrefixes") { $0.element("Prefix", encode(group)) }
            }
        }
        return Self.xmlResponse(xml)
    }

    /// DeleteObjects (`POST /bucket?delete`): up to 1,000 keys, each deleted on its own; a key whose
    /// `<ETag>` condition fails is reported as an `<Error>` while the others go ahead.
    func deleteObjects(_ request: ServiceRequest, bucket: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        let body = try request.bodyBytes()
        if let header = request.header("content-md5") {
            guard let digest = Base64.decode(header), digest.count == 16 else { throw S3Error.invalidDigest() }
            guard digest == MD5.digest(body) else { throw S3Error.badDigest() }
        }
        guard let document = try? XMLElement.parse(body), document.name == "Delete" else {
            throw S3Error.malformedXML()
        }
        let objects = document.children("Object")
        guard (1...1000).contains(objects.count) else { throw S3Error.malformedXML() }
        let quiet = document.child("Quiet")?.text.trimmingCharacters(in: .whitespaces).lowercased() == "true"
        var targets: [(key: String, eTag: String?)] = []
        for object in objects {
            guard let key = object.child("Key")?.text else { throw S3Error.malformedXML() }
            targets.append((key, object.child("ETag")?.text))
        }
        var xml = XMLWriter()
        xml.root("DeleteResult") { result in
            for (key, eTag) in targets {
                do {
                    guard !key.isEmpty else { throw S3Error.invalidArgument("The key must not be empty.") }
                    guard key.utf8.count <= 1024 else { throw S3Error.keyTooLong() }
                    try removeObject(bucket: bucket, key: key, ifMatch: eTag)
                    if !quiet { result.element("Deleted") { $0.element("Key", key) } }
                } catch {
                    let failure = error as? S3Error ?? S3Error.internalError(error)
                    result.element("Error") {
                        $0.element("Key", key)
                        $0.element("Code", failure.codeName)
                        $0.element("Message", failure.message)
                    }
                }
            }
        }
        return Self.xmlResponse(xml)
    }
}
