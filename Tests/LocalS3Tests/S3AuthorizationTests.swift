import LocalIAM
import LocalS3
import LocalStore
import Testing

/// Each S3 request's IAM action, resource and condition keys, as the Service Authorization
/// Reference defines them (what the emulator asks a function's role before serving it).
@Suite struct S3AuthorizationTests {
    func needs(
        _ method: String, _ path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: String = ""
    ) -> [String] {
        S3Store.authorizationRequests(
            for: ServiceRequest(
                method: method, rawPath: path, query: query, headers: headers, body: .bytes(Array(body.utf8)),
                accessKeyID: "ASIA")
        )
        .map { request in
            let keys = request.context.sorted.map { "\($0.key)=\($0.value.values.joined(separator: ","))" }
            return ([request.action, request.resource] + keys).joined(separator: " ")
        }
    }

    @Test func listingIsListBucketOnTheBucketWithItsPrefix() {
        #expect(
            needs("GET", "/media", query: [("list-type", "2"), ("prefix", "audio/u/"), ("max-keys", "1000")])
                == ["s3:ListBucket arn:aws:s3:::media s3:max-keys=1000 s3:prefix=audio/u/"])
        #expect(needs("GET", "/media") == ["s3:ListBucket arn:aws:s3:::media"])
        #expect(needs("HEAD", "/media") == ["s3:ListBucket arn:aws:s3:::media"])
        #expect(needs("GET", "/") == ["s3:ListAllMyBuckets *"])
        #expect(
            needs("GET", "/media", query: [("uploads", "")]) == ["s3:ListBucketMultipartUploads arn:aws:s3:::media"])
    }

    @Test func objectReadsAndWritesAreOnTheObjectsARN() {
        #expect(needs("GET", "/media/uploads/u/j/a%20b.mp3") == ["s3:GetObject arn:aws:s3:::media/uploads/u/j/a b.mp3"])
        #expect(needs("HEAD", "/media/k") == ["s3:GetObject arn:aws:s3:::media/k"])
        #expect(needs("PUT", "/media/k") == ["s3:PutObject arn:aws:s3:::media/k"])
        #expect(needs("DELETE", "/media/k") == ["s3:DeleteObject arn:aws:s3:::media/k"])
        #expect(
            needs("PUT", "/media/copy", headers: [("x-amz-copy-source", "/media/orig%2Bnal?versionId=1")])
                == ["s3:GetObject arn:aws:s3:::media/orig+nal", "s3:PutObject arn:aws:s3:::media/copy"])
    }

    @Test func multipartUploadsArePutObjectButAbortAndListParts() {
        #expect(needs("POST", "/media/k", query: [("uploads", "")]) == ["s3:PutObject arn:aws:s3:::media/k"])
        let part: [(name: String, value: String)] = [("partNumber", "1"), ("uploadId", "u")]
        #expect(needs("PUT", "/media/k", query: part) == ["s3:PutObject arn:aws:s3:::media/k"])
        #expect(needs("POST", "/media/k", query: [("uploadId", "u")]) == ["s3:PutObject arn:aws:s3:::media/k"])
        #expect(
            needs("DELETE", "/media/k", query: [("uploadId", "u")]) == ["s3:AbortMultipartUpload arn:aws:s3:::media/k"])
        #expect(
            needs("GET", "/media/k", query: [("uploadId", "u")]) == ["s3:ListMultipartUploadParts arn:aws:s3:::media/k"]
        )
    }

    @Test func deleteObjectsNeedsDeleteObjectOfEveryKey() {
        let body = "<Delete><Object><Key>audio/a</Key></Object><Object><Key>segments/b&amp;c</Key></Object></Delete>"
        #expect(
            needs("POST", "/media", query: [("delete", "")], body: body)
                == ["s3:DeleteObject arn:aws:s3:::media/audio/a", "s3:DeleteObject arn:aws:s3:::media/segments/b&c"])
    }
}
