import Cloud
import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalS3

/// Browser form uploads (POST Object) authorized by a signed policy.
@Suite struct PostObjectTests {
    static let boundary = "----TranscriptorFormBoundary7MA4YWxkTrZu0gW"

    /// The policy's fields as a browser form carries them, signed with `secret` (the local one by default).
    func signedFields(
        conditions: [String], expiresIn seconds: Int64 = 300, secret: String = "local-secret",
        accessKey: String = "local"
    ) -> [(String, String)] {
        let now = Timestamp.now()
        let credential = "\(accessKey)/\(now.amzDay)/us-east-1/s3/aws4_request"
        let all =
            conditions + [
                #"{"x-amz-algorithm": "AWS4-HMAC-SHA256"}"#, #"{"x-amz-credential": "\#(credential)"}"#,
                #"{"x-amz-date": "\#(now.amzDate)"}"#,
            ]
        let document =
            #"{"expiration": "\#(now.adding(seconds: seconds).iso8601)", "conditions": [\#(all.joined(separator: ", "))]}"#
        let policy = Base64.encode(Array(document.utf8))
        let signer = SigV4(
            credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secret), region: "us-east-1",
            service: "s3")
        let signature = Hex.encode(Digest.hmacSHA256(key: signer.signingKey(day: now.amzDay), data: policy))
        return [
            ("Policy", policy), ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", credential),
            ("X-Amz-Date", now.amzDate), ("X-Amz-Signature", signature),
        ]
    }

    /// A `multipart/form-data` body: the fields, then the file (unless nil), then a field after it.
    func form(_ fields: [(String, String)], file: [UInt8]?, filename: String = "talk.mp3") -> [UInt8] {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                    .utf8)
            body += file + Array("\r\n".utf8)
            body += Array(
                "--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"ignored\"\r\n\r\nafter the file\r\n".utf8)
        }
        return body + Array("--\(Self.boundary)--\r\n".utf8)
    }

    func post(_ s3: S3Fixture, _ body: [UInt8], bucket: String = "media") -> ServiceResponse {
        s3.store.handle(
            ServiceRequest(
                method: "POST", rawPath: "/\(bucket)", query: [],
                headers: [
                    ("content-type", "multipart/form-data; boundary=\(Self.boundary)"), ("host", "127.0.0.1:4566"),
                ],
                body: .bytes(body), accessKeyID: nil))
    }

    static let uploadConditions = [
        #"{"bucket": "media"}"#, #"["starts-with", "$key", "uploads/"]"#, #"["eq", "$Content-Type", "audio/mpeg"]"#,
        #"["starts-with", "$x-amz-meta-job", ""]"#, #"["content-length-range", 1, 4194304]"#,
    ]

    func uploadFields(_ key: String = "uploads/${filename}") -> [(String, String)] {
        [("key", key), ("Content-Type", "audio/mpeg"), ("x-amz-meta-job", "job-1")]
            + signedFields(conditions: Self.uploadConditions)
    }

    @Test func signedFormStoresTheFileWithItsFieldsAndQueuesAPostEvent() throws {
        let s3 = try S3Fixture()
        // Bytes that look like a boundary's start, across the 1 MiB search window, must not cut the file.
        var file = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        file.replaceSubrange(1_048_570..<1_048_580, with: Array("\r\n--\r\n--Tr".utf8))
        let response = post(s3, form(uploadFields(), file: file))
        #expect(response.status == 204, "\(response.text)")
        #expect(response.header("ETag") == "\"\(Hex.encode(MD5.digest(file)))\"")
        #expect(response.header("Location") == "http://127.0.0.1:4566/media/uploads/talk.mp3")

        let object = s3.send("GET", "/media/uploads/talk.mp3")
        #expect(object.bytes == file)
        #expect(object.header("Content-Type") == "audio/mpeg")
        #expect(object.header("x-amz-meta-job") == "job-1")
        let events = try s3.store.pendingNotifications(limit: 10)
        #expect(events.map(\.eventName) == ["ObjectCreated:Post"])
        #expect(events.first?.key == "uploads/talk.mp3")
        #expect(events.first?.size == Int64(file.count))
    }

    @Test func successActionStatus201AnswersAPostResponseDocument() throws {
        let s3 = try S3Fixture()
        let fields =
            [("key", "uploads/a.mp3"), ("Content-Type", "audio/mpeg"), ("success_action_status", "201")]
            + signedFields(
                conditions: Array(Self.uploadConditions.dropLast(2)) + [#"{"success_action_status": "201"}"#])
        let response = post(s3, form(fields, file: Array("abc".utf8)))
        #expect(response.status == 201, "\(response.text)")
        #expect(response.elements("Key") == ["uploads/a.mp3"])
        #expect(response.elements("Bucket") == ["media"])
    }

    @Test func eachPolicyViolationIsRefusedAndStoresNothing() throws {
        let s3 = try S3Fixture()
        let file = Array("audio".utf8)
        var tampered = uploadFields()
        tampered[tampered.count - 1].1 = String(repeating: "0", count: 64)
        let cases: [(String, [UInt8], Int, String)] = [
            ("a wrong signature", form(tampered, file: file), 403, "SignatureDoesNotMatch"),
            (
                "a policy signed with another secret",
                form(
                    [("key", "uploads/a"), ("Content-Type", "audio/mpeg"), ("x-amz-meta-job", "j")]
                        + signedFields(conditions: Self.uploadConditions, secret: "guess"), file: file), 403,
                "SignatureDoesNotMatch"
            ),
            (
                "an unknown access key",
                form(
                    [("key", "uploads/a"), ("Content-Type", "audio/mpeg"), ("x-amz-meta-job", "j")]
                        + signedFields(conditions: Self.uploadConditions, accessKey: "someone"), file: file), 403,
                "InvalidAccessKeyId"
            ),
            (
                "an expired policy",
                form(
                    [("key", "uploads/a"), ("Content-Type", "audio/mpeg"), ("x-amz-meta-job", "j")]
                        + signedFields(conditions: Self.uploadConditions, expiresIn: -1), file: file), 403,
                "AccessDenied"
            ),
            ("a key outside the policy's prefix", form(uploadFields("private/a"), file: file), 403, "AccessDenied"),
            (
                "a content type the policy does not allow",
                form(
                    [("key", "uploads/a"), ("Content-Type", "text/html"), ("x-amz-meta-job", "j")]
                        + signedFields(conditions: Self.uploadConditions), file: file), 403, "AccessDenied"
            ),
            (
                "a field the policy does not name", form(uploadFields() + [("acl", "public-read")], file: file), 403,
                "AccessDenied"
            ),
            (
                "a file over the length range", form(uploadFields(), file: [UInt8](repeating: 1, count: 4_194_305)),
                400, "EntityTooLarge"
            ),
            ("an empty file under the length range", form(uploadFields(), file: []), 400, "EntityTooSmall"),
            ("no file", form(uploadFields(), file: nil), 400, "InvalidArgument"),
            ("no key", form(Array(uploadFields().dropFirst()), file: file), 400, "InvalidArgument"),
            ("no policy (an anonymous upload)", form([("key", "uploads/a")], file: file), 403, "AccessDenied"),
            ("a body that is not multipart", Array("key=uploads/a".utf8), 400, "MalformedPOSTRequest"),
            (
                "fields before the file over 20 KB",
                form([("x-ignore-padding", String(repeating: "p", count: 21 * 1024))] + uploadFields(), file: file),
                400,
                "MaxPostPreDataLengthExceededError"
            ),
        ]
        for (label, body, status, code) in cases {
            let response = post(s3, body)
            #expect(response.status == status, "\(label): \(response.text)")
            #expect(response.errorCode == code, "\(label)")
        }
        #expect(post(s3, form(uploadFields(), file: file), bucket: "nope").errorCode == "NoSuchBucket")
        #expect(s3.send("GET", "/media", query: [("list-type", "2")]).elements("Key").isEmpty)
        #expect(try s3.store.pendingNotifications(limit: 10).isEmpty)
        #expect(s3.objectFiles().isEmpty)
    }

    @Test func policyFailureMessageQuotesTheCondition() throws {
        let s3 = try S3Fixture()
        let response = post(s3, form(uploadFields("private/a"), file: [1]))
        #expect(
            response.elements("Message") == [
                #"Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "uploads/"]"#
            ])
    }

    @Test func redirectCarriesTheBucketKeyAndETag() throws {
        let s3 = try S3Fixture()
        let fields =
            [
                ("key", "uploads/r.mp3"), ("Content-Type", "audio/mpeg"),
                ("success_action_redirect", "http://127.0.0.1:3000/done?from=form"),
            ]
            + signedFields(
                conditions: Array(Self.uploadConditions.dropLast(2)) + [
                    #"["starts-with", "$success_action_redirect", "http://127.0.0.1:3000/"]"#
                ])
        let response = post(s3, form(fields, file: [1, 2, 3]))
        #expect(response.status == 303, "\(response.text)")
        let location = try #require(response.header("Location"))
        #expect(location.hasPrefix("http://127.0.0.1:3000/done?from=form&bucket=media&key=uploads/r.mp3&etag="))
    }

    @Test func dispositionParametersKeepQuotedSemicolons() {
        let parameters = MultipartForm.dispositionParameters(#"form-data; name="file"; filename="a;b \"c\".mp3""#)
        #expect(parameters?["name"] == "file")
        #expect(parameters?["filename"] == #"a;b "c".mp3"#)
        #expect(MultipartForm.dispositionParameters("attachment; name=x") == nil)
        #expect(MultipartForm.boundary(ofContentType: "multipart/form-data; boundary=\"abc\"") == "abc")
        #expect(MultipartForm.boundary(ofContentType: "text/plain; boundary=abc") == nil)
    }
}
