import LocalGateway
import Testing

/// The web app's security headers: the CSP names the bucket's origin (from configuration) and
/// nothing a malformed endpoint could smuggle in.
@Suite struct WebSecurityHeadersTests {
    @Test func theBucketOriginIsReducedToItsOriginOrLeftOut() {
        #expect(WebSecurityHeaders(bucketOrigin: "http://127.0.0.1:4566").bucketOrigin == "http://127.0.0.1:4566")
        #expect(
            WebSecurityHeaders(bucketOrigin: "HTTPS://S3.eu-west-1.amazonaws.com/path?q").bucketOrigin
                == "https://s3.eu-west-1.amazonaws.com")
        for bad in [
            "ftp://x", "http://a; script-src *", "http://'unsafe-inline'", "127.0.0.1:4566", "http://", "http://u@h",
        ] {
            #expect(WebSecurityHeaders(bucketOrigin: bad).bucketOrigin == nil, "\(bad)")
        }
        let csp = WebSecurityHeaders(bucketOrigin: "http://127.0.0.1:4566").contentSecurityPolicy
        #expect(csp.contains("connect-src 'self' http://127.0.0.1:4566;"))
        #expect(csp.contains("media-src 'self' http://127.0.0.1:4566;"))
        #expect(WebSecurityHeaders(bucketOrigin: nil).contentSecurityPolicy.contains("connect-src 'self';"))
    }

    @Test func decoratingReplacesHeadersOfTheSameNames() {
        let headers = WebSecurityHeaders(bucketOrigin: nil)
        let response = headers.decorate(
            GatewayResponse(
                status: 200, headers: [("content-security-policy", "default-src *"), ("Content-Type", "text/html")]))
        #expect(response.headers.filter { $0.name.lowercased() == "content-security-policy" }.count == 1)
        #expect(response.header("content-security-policy") == headers.contentSecurityPolicy)
        #expect(response.header("content-type") == "text/html")
        #expect(response.header("x-content-type-options") == "nosniff")
    }
}
