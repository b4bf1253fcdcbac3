import LocalStore
import Testing

@testable import LocalS3

@Suite struct CORSTests {
    @Test func preflightFromTheWebOriginIsAllowed() throws {
        let s3 = try S3Fixture()
        let response = s3.send(
            "OPTIONS", "/media/uploads/u/j/source",
            headers: [
                ("origin", S3Fixture.webOrigin), ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "Content-Type, X-Amz-Date"),
            ])
        #expect(response.status == 200)
        #expect(response.header("Access-Control-Allow-Origin") == S3Fixture.webOrigin)
        #expect(response.header("Access-Control-Allow-Methods") == "PUT, GET")
        #expect(response.header("Access-Control-Allow-Headers") == "content-type, x-amz-date")
        #expect(response.header("Access-Control-Expose-Headers") == "ETag")
        #expect(response.header("Access-Control-Max-Age") == "600")
        #expect(response.header("Vary")?.contains("Origin") == true)
    }

    @Test func preflightFromAnotherOriginOrMethodOrHeaderIsRefused() throws {
        let s3 = try S3Fixture()
        let refusals: [[(name: String, value: String)]] = [
            [("origin", "https://evil.example"), ("access-control-request-method", "PUT")],
            [("origin", S3Fixture.webOrigin), ("access-control-request-method", "DELETE")],
            [
                ("origin", S3Fixture.webOrigin), ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "authorization"),
            ],
        ]
        for headers in refusals {
            let response = s3.send("OPTIONS", "/media/k", headers: headers)
            #expect(response.status == 403)
            #expect(response.errorCode == "CORSResponse")
            #expect(response.elements("Message").first?.hasPrefix("This CORS request is not allowed") == true)
            #expect(response.header("Access-Control-Allow-Origin") == nil)
        }
    }

    @Test func preflightOnABucketWithoutRulesSaysCORSIsNotEnabled() throws {
        let s3 = try S3Fixture()
        s3.send("PUT", "/plain")
        let response = s3.send(
            "OPTIONS", "/plain/k", headers: [("origin", S3Fixture.webOrigin), ("access-control-request-method", "GET")])
        #expect(response.status == 403)
        #expect(response.elements("Message") == ["CORS is not enabled for this bucket."])
    }

    @Test func matchingOriginGetsCORSHeadersOnNormalResponses() throws {
        let s3 = try S3Fixture()
        let put = s3.put("/media/r", "x", headers: [("origin", S3Fixture.webOrigin)])
        #expect(put.header("Access-Control-Allow-Origin") == S3Fixture.webOrigin)
        #expect(put.header("Access-Control-Expose-Headers") == "ETag")
        #expect(put.header("Vary") != nil)
        let other = s3.send("GET", "/media/r", headers: [("origin", "https://evil.example")])
        #expect(other.status == 200)
        #expect(other.header("Access-Control-Allow-Origin") == nil)
    }

    @Test func wildcardsMatchOneRunOfCharacters() {
        #expect(BucketConfig.CORSRule.wildcardMatch("*", "https://a.example"))
        #expect(BucketConfig.CORSRule.wildcardMatch("https://*.example.com", "https://app.example.com"))
        #expect(!BucketConfig.CORSRule.wildcardMatch("https://*.example.com", "https://example.org"))
        #expect(BucketConfig.CORSRule.wildcardMatch("x-amz-*", "x-amz-date"))
    }
}
