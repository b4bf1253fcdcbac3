import LocalStore
import Testing

@testable import LocalS3

@Suite struct BucketTests {
    @Test func templateBucketsExistFromTheStartAndAreListed() throws {
        let s3 = try S3Fixture()
        let response = s3.send("GET", "/")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/xml")
        #expect(response.elements("Name") == ["media"])
        #expect(s3.send("HEAD", "/media").status == 200)
    }

    @Test func createdBucketCanBeHeadedListedAndDeleted() throws {
        let s3 = try S3Fixture()
        #expect(s3.send("PUT", "/scratch").status == 200)
        #expect(s3.send("PUT", "/scratch").status == 200)  // us-east-1: re-creating one's own bucket is fine
        #expect(s3.send("GET", "/").elements("Name") == ["media", "scratch"])
        #expect(s3.send("DELETE", "/scratch").status == 204)
        let head = s3.send("HEAD", "/scratch")
        #expect(head.status == 404)
        #expect(head.bytes.isEmpty)
    }

    @Test func invalidBucketNameIsRefused() throws {
        let s3 = try S3Fixture()
        let response = s3.send("PUT", "/No_Such")
        #expect(response.status == 400)
        #expect(response.errorCode == "InvalidBucketName")
    }

    @Test func deletingABucketWithObjectsAnswersBucketNotEmpty() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a.txt", "a")
        let response = s3.send("DELETE", "/media")
        #expect(response.status == 409)
        #expect(response.errorCode == "BucketNotEmpty")
    }

    @Test func unknownBucketAnswersNoSuchBucketWithRequestID() throws {
        let s3 = try S3Fixture()
        let response = s3.send("GET", "/nope/key")
        #expect(response.status == 404)
        #expect(response.errorCode == "NoSuchBucket")
        #expect(response.header("Content-Type") == "application/xml")
        let requestID = try #require(response.header("x-amz-request-id"))
        #expect(response.elements("RequestId") == [requestID])
        #expect(s3.put("/nope/key", "x").errorCode == "NoSuchBucket")
    }
}
