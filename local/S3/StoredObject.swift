import Foundation
import LocalStore
import Runtime

/// An object's metadata row.
struct StoredObject {
    var bucket: String
    var key: String
    var size: Int64
    /// Hex MD5, unquoted.
    var eTag: String
    var contentType: String
    /// `x-amz-meta-*` values by lowercased name without the prefix.
    var metadata: [String: String]
    /// Stored response headers (`Cache-Control`, `Content-Disposition`, ...) by lowercased name.
    var headers: [String: String]
    var lastModified: Timestamp
    /// The file, relative to the store's directory.
    var path: String

    static let defaultContentType = "binary/octet-stream"
    static let storedHeaders = [
        "cache-control", "content-disposition", "content-encoding", "content-language", "expires",
    ]

    static let columns = "bucket, key, size, etag, content_type, metadata, headers, last_modified_ms, path"

    init(
        bucket: String, key: String, size: Int64, eTag: String, contentType: String, metadata: [String: String],
        headers: [String: String], lastModified: Timestamp, path: String
    ) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.eTag = eTag
        self.contentType = contentType
        self.metadata = metadata
        self.headers = headers
        self.lastModified = lastModified
        self.path = path
    }

    init(row: SQLiteDatabase.Row) {
        bucket = row[0].text ?? ""
        key = row[1].text ?? ""
        size = row[2].integer ?? 0
        eTag = row[3].text ?? ""
        contentType = row[4].text ?? Self.defaultContentType
        metadata = Self.decode(row[5].text)
        headers = Self.decode(row[6].text)
        lastModified = Timestamp(millisecondsSinceEpoch: row[7].integer ?? 0)
        path = row[8].text ?? ""
    }

    var values: [SQLiteDatabase.Value] {
        [
            .text(bucket), .text(key), .integer(size), .text(eTag), .text(contentType), .text(Self.encode(metadata)),
            .text(Self.encode(headers)), .integer(lastModified.millisecondsSinceEpoch), .text(path),
        ]
    }

    /// Content type, user metadata and stored headers as a PUT (or a copy with `REPLACE`) declares them.
    mutating func takeAttributes(from request: ServiceRequest) {
        contentType = request.header("content-type") ?? Self.defaultContentType
        metadata = [:]
        headers = [:]
        for (name, value) in request.headers {
            if name.hasPrefix("x-amz-meta-") {
                metadata[String(name.dropFirst("x-amz-meta-".count))] = value
            } else if Self.storedHeaders.contains(name) {
                headers[name] = value
            }
        }
    }

    /// The headers GET and HEAD answer with (but the length).
    var responseHeaders: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = [
            ("Content-Type", contentType), ("ETag", "\"\(eTag)\""), ("Last-Modified", HTTPDate.format(lastModified)),
            ("Accept-Ranges", "bytes"),
        ]
        for name in Self.storedHeaders { if let value = headers[name] { out.append((Self.canonical(name), value)) } }
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { out.append(("x-amz-meta-\(name)", value)) }
        return out
    }

    /// `content-disposition` → `Content-Disposition`.
    static func canonical(_ name: String) -> String {
        name.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
    }

    private static func encode(_ values: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func decode(_ text: String?) -> [String: String] {
        guard let data = text?.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return [:] }
        return object
    }
}

/// ETag lists in `If-Match` / `If-None-Match` (`"a", "b"`, `*`, quoted or not).
enum ETagCondition {
    static func matches(_ header: String, _ eTag: String) -> Bool {
        header.split(separator: ",").contains { item in
            var value = item.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("W/") { value = String(value.dropFirst(2)) }
            if value == "*" { return true }
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == eTag
        }
    }
}
