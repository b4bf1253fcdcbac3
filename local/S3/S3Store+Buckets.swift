import LocalStore
import Runtime

extension S3Store {
    func listBuckets() throws -> ServiceResponse {
        let rows = try database.query("SELECT name, created_ms FROM s3_buckets ORDER BY name")
        var xml = XMLWriter()
        xml.root("ListAllMyBucketsResult") {
            $0.element("Owner") {
                $0.element("ID", "local")
                $0.element("DisplayName", "local")
            }
            $0.element("Buckets") { buckets in
                for row in rows {
                    buckets.element("Bucket") {
                        $0.element("Name", row[0].text ?? "")
                        $0.element("CreationDate", Timestamp(millisecondsSinceEpoch: row[1].integer ?? 0).iso8601)
                    }
                }
            }
        }
        return Self.xmlResponse(xml)
    }

    /// Creates a bucket; re-creating one that exists answers 200, as us-east-1 does.
    func createBucket(_ bucket: String) throws -> ServiceResponse {
        guard Self.isValidBucketName(bucket) else { throw S3Error.invalidBucketName(bucket) }
        try database.query(
            "INSERT OR IGNORE INTO s3_buckets (name, created_ms) VALUES (?, ?)",
            [.text(bucket), .integer(Timestamp.now().millisecondsSinceEpoch)])
        return ServiceResponse(status: 200, headers: [("Location", "/\(bucket)")])
    }

    func headBucket(_ bucket: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        return ServiceResponse(status: 200, headers: [("x-amz-bucket-region", "us-east-1")])
    }

    func bucketLocation(_ bucket: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        var xml = XMLWriter()
        xml.root("LocationConstraint") { _ in }
        return Self.xmlResponse(xml)
    }

    func deleteBucket(_ bucket: String) throws -> ServiceResponse {
        try database.transaction {
            try requireBucket(bucket)
            guard try database.query("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1", [.text(bucket)]).isEmpty
            else { throw S3Error.bucketNotEmpty(bucket) }
            try database.query("DELETE FROM s3_buckets WHERE name = ?", [.text(bucket)])
        }
        return ServiceResponse(status: 204)
    }

    /// S3's rules: 3–63 characters of lowercase letters, digits, `.` and `-`, starting and ending with
    /// a letter or digit, and not shaped like an IP address.
    static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard isAlphanumeric(bytes.first!), isAlphanumeric(bytes.last!) else { return false }
        guard bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            return false
        }
        guard !name.contains("..") else { return false }
        let octets = name.split(separator: ".")
        return !(octets.count == 4 && octets.allSatisfy { UInt8($0) != nil })
    }
}
