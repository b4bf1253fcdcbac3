import HTTP
import Testing

/// The UI lives at the template's `WebOrigin` (http://127.0.0.1:3000 locally), the one origin the
/// bucket's CORS rules let upload: the gateway sends a page opened as `localhost` there.
@Suite struct WebOriginTests {
    @Test func aPageOpenedAsLocalhostIsRedirectedToTheWebOriginWithItsPathAndQuery() throws {
        let api = try APIHarness()
        let page = try api.emulator.request(.get, "/jobs/job_1?tab=words", headers: [("Host", "localhost:3000")])
        #expect(page.status == 308)
        #expect(page.header("location") == "http://127.0.0.1:3000/jobs/job_1?tab=words")
        // The API is answered as it is, whatever the host, and another port is left alone.
        let route = try api.emulator.request(.get, "/v1/me", headers: [("Host", "localhost:3000")])
        #expect(route.status == 401)
        let otherPort = try api.emulator.request(.get, "/jobs/job_1", headers: [("Host", "localhost:3001")])
        #expect(otherPort.status != 308)
        let canonical = try api.emulator.request(.get, "/jobs/job_1", headers: [("Host", "127.0.0.1:3000")])
        #expect(canonical.status != 308)
    }
}
