import Cloud
import Foundation
import LocalStore
import Runtime

/// POST Object: a browser's form upload (`POST /{bucket}`, `multipart/form-data`), authorized by a
/// signed policy instead of a signed request, as AWS documents for signature version 4
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html).
///
/// The policy's signature, expiry and every condition are checked, every form field must be named by
/// a condition, and the file is taken from the body on disk by offset (never read into memory); the
/// object commits with an `ObjectCreated:Post` event.
extension S3Store {
    /// The most bytes of form fields before the file S3 accepts.
    static let formFieldBudget = 20 * 1024

    /// Fields a policy need not name.
    private static let unconditionedFields: Set<String> = ["policy", "x-amz-signature", "file"]

    func postObject(_ request: ServiceRequest, bucket: String) throws -> ServiceResponse {
        try requireBucket(bucket)
        guard let boundary = request.header("content-type").flatMap(MultipartForm.boundary(ofContentType:)) else {
            throw S3Error.malformedPOSTRequest()
        }
        var temporary: String?
        defer { if let temporary { unlink(temporary) } }
        let bodyPath: String
        switch request.body {
        case .file(let path, _): bodyPath = path
        case .bytes(let bytes):
            let path = files.root + "/tmp/" + RandomBytes.uuid()
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw S3Error.internalError(SystemError(operation: "create \(path)", code: errno))
            }
            temporary = path
            bodyPath = path
        }
        let form: MultipartForm
        do {
            form = try MultipartForm(path: bodyPath, boundary: boundary, fieldBudget: Self.formFieldBudget)
        } catch MultipartForm.Failure.fieldsTooLarge {
            throw S3Error.maxPostPreDataLengthExceeded()
        } catch is MultipartForm.Failure {
            throw S3Error.malformedPOSTRequest()
        }
        var fields: [String: String] = [:]
        for (name, value) in form.fields where fields[name] == nil { fields[name] = value }
        guard let file = form.file else {
            throw S3Error.invalidArgument("POST requires exactly one file upload per request.")
        }
        guard var key = fields["key"], !key.isEmpty else {
            throw S3Error.invalidArgument(
                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."
            )
        }
        key = key.replacingOccurrences(of: "${filename}", with: file.filename)
        fields["key"] = key
        guard key.utf8.count <= 1024 else { throw S3Error.keyTooLong() }
        try authorize(fields: fields, bucket: bucket, fileSize: file.length)

        // The object's attributes are the form's fields, as a PUT's are its headers.
        var attributes = request
        attributes.headers = fields.map { ($0.key, $0.value) }
        var object = StoredObject(
            bucket: bucket, key: key, size: file.length, eTag: "", contentType: "", metadata: [:], headers: [:],
            lastModified: .now(), path: try files.newPath(bucket: bucket, key: key))
        object.takeAttributes(from: attributes)
        object.eTag = Hex.encode(
            try files.assemble([.init(path: bodyPath, offset: file.offset, length: file.length)], at: object.path))
        var committing = request
        committing.headers = request.headers.filter { !["if-match", "if-none-match"].contains($0.name) }
        try commit(object, event: "ObjectCreated:Post", request: committing)

        let location = Self.location(request, bucket: bucket, key: key)
        let eTag = "\"\(object.eTag)\""
        if let redirect = fields["success_action_redirect"], let target = URLComponents(string: redirect),
            target.scheme == "http" || target.scheme == "https"
        {
            var items = target.queryItems ?? []
            items += [
                URLQueryItem(name: "bucket", value: bucket), URLQueryItem(name: "key", value: key),
                URLQueryItem(name: "etag", value: eTag),
            ]
            var answer = target
            answer.queryItems = items
            return ServiceResponse(
                status: 303, headers: [("Location", answer.string ?? redirect), ("ETag", eTag)])
        }
        switch fields["success_action_status"] {
        case "200": return ServiceResponse(status: 200, headers: [("ETag", eTag), ("Location", location)])
        case "201":
            var xml = XMLWriter()
            xml.root("PostResponse") {
                $0.element("Location", location)
                $0.element("Bucket", bucket)
                $0.element("Key", key)
                $0.element("ETag", eTag)
            }
            var response = Self.xmlResponse(xml)
            response.status = 201
            response.headers += [("ETag", eTag), ("Location", location)]
            return response
        default: return ServiceResponse(status: 204, headers: [("ETag", eTag), ("Location", location)])
        }
    }

    /// Checks the form's signed policy: the signature, the expiry, each condition, and that no field
    /// goes unnamed by a condition. A form without a policy is an anonymous upload, which no bucket here allows.
    private func authorize(fields: [String: String], bucket: String, fileSize: Int64) throws {
        guard let policy = fields["policy"] else { throw S3Error.accessDenied() }
        for name in ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"] where fields[name] == nil {
            throw S3Error.invalidArgument(
                "Bucket POST must contain a field named '\(name)'.  If it is specified, please check the order of the fields."
            )
        }
        guard fields["x-amz-algorithm"] == SigV4.algorithm else {
            throw S3Error.invalidArgument("Only AWS4-HMAC-SHA256 is supported for x-amz-algorithm.")
        }
        guard let verifier = formVerifier else { throw S3Error.accessDenied() }
        do {
            let verified = try verifier.verifyPolicy(
                policy, credential: fields["x-amz-credential"] ?? "", amzDate: fields["x-amz-date"] ?? "",
                signature: fields["x-amz-signature"] ?? "", sessionToken: fields["x-amz-security-token"])
            guard verified.service == "s3" else { throw S3Error.signatureDoesNotMatch() }
        } catch let failure as SignatureError {
            switch failure.kind {
            case .mismatch: throw S3Error.signatureDoesNotMatch()
            case .unknownAccessKey: throw S3Error.invalidAccessKeyID()
            default: throw S3Error.invalidArgument(failure.message)
            }
        }
        let document = try PostPolicy(base64: policy)
        guard Timestamp.now().millisecondsSinceEpoch < document.expiration.millisecondsSinceEpoch else {
            throw S3Error.accessDenied("Invalid according to Policy: Policy expired.")
        }
        var named: Set<String> = []
        for condition in document.conditions {
            switch condition {
            case .equals(let field, let value), .startsWith(let field, let value):
                named.insert(field)
                let actual = field == "bucket" ? bucket : fields[field]
                let holds: Bool
                if case .equals = condition {
                    holds = actual == value
                } else if field == "content-type" {
                    // Content-Type may list several values, each of which must match.
                    holds =
                        actual.map {
                            $0.split(separator: ",").allSatisfy {
                                $0.trimmingCharacters(in: .whitespaces).hasPrefix(value)
                            }
                        } ?? false
                } else {
                    holds = actual?.hasPrefix(value) ?? false
                }
                guard holds else {
                    throw S3Error.accessDenied("Invalid according to Policy: Policy Condition failed: \(condition)")
                }
            case .contentLengthRange(let minimum, let maximum):
                if fileSize > maximum { throw S3Error.entityTooLarge(size: fileSize, maximum: maximum) }
                if fileSize < minimum { throw S3Error.entityTooSmall(size: fileSize, minimum: minimum) }
            }
        }
        let extra = fields.keys.filter {
            !Self.unconditionedFields.contains($0) && !$0.hasPrefix("x-ignore-") && !named.contains($0)
        }.sorted()
        guard extra.isEmpty else {
            throw S3Error.accessDenied(
                "Invalid according to Policy: Extra input fields: \(extra.joined(separator: ", "))")
        }
    }
}

/// A POST policy document: `{"expiration": "…Z", "conditions": [...]}`.
struct PostPolicy {
    enum Condition: CustomStringConvertible {
        case equals(String, String)
        case startsWith(String, String)
        case contentLengthRange(Int64, Int64)

        /// As AWS quotes a failed condition: `["eq", "$key", "uploads/a.mp3"]`.
        var description: String {
            switch self {
            case .equals(let field, let value): "[\"eq\", \"$\(field)\", \"\(value)\"]"
            case .startsWith(let field, let value): "[\"starts-with\", \"$\(field)\", \"\(value)\"]"
            case .contentLengthRange(let low, let high): "[\"content-length-range\", \(low), \(high)]"
            }
        }
    }

    var expiration: Timestamp
    var conditions: [Condition]

    init(base64 text: String) throws {
        guard let bytes = Base64.decode(text), let document = try? JSON.decode(JSONValue.self, from: bytes) else {
            throw S3Error.invalidPolicyDocument("the policy is not base64-encoded JSON")
        }
        guard let expiry = document["expiration"]?.stringValue, let time = Timestamp(iso8601: expiry) else {
            throw S3Error.invalidPolicyDocument("Policy missing expiration or it is not an ISO 8601 time")
        }
        guard let list = document["conditions"]?.arrayValue else {
            throw S3Error.invalidPolicyDocument("Policy missing conditions")
        }
        expiration = time
        conditions = try list.flatMap { try Self.conditions($0) }
    }

    private static func conditions(_ value: JSONValue) throws -> [Condition] {
        if case .object(let members) = value {
            // {"field": "value"}: an exact match of each member.
            return try members.map { name, member in
                guard let text = member.stringValue else {
                    throw S3Error.invalidPolicyDocument("condition \(name) must be a string")
                }
                return .equals(name.lowercased(), text)
            }
        }
        guard let items = value.arrayValue, let operation = items.first?.stringValue?.lowercased() else {
            throw S3Error.invalidPolicyDocument("a condition must be an object or an array")
        }
        if operation == "content-length-range" {
            guard items.count == 3, let low = Self.integer(items[1]), let high = Self.integer(items[2]), low <= high
            else { throw S3Error.invalidPolicyDocument("content-length-range takes two integers, low then high") }
            return [.contentLengthRange(low, high)]
        }
        guard items.count == 3, let field = items[1].stringValue, field.hasPrefix("$"), let text = items[2].stringValue
        else { throw S3Error.invalidPolicyDocument("\(operation) takes a $field and a string") }
        let name = String(field.dropFirst()).lowercased()
        switch operation {
        case "eq": return [.equals(name, text)]
        case "starts-with": return [.startsWith(name, text)]
        default: throw S3Error.invalidPolicyDocument("unknown condition \(operation)")
        }
    }

    private static func integer(_ value: JSONValue) -> Int64? {
        if let text = value.stringValue { return Int64(text) }
        return value.int64Value
    }
}
