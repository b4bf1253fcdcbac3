import LocalGateway
import Testing

/// The gateway's own responses.
@Suite struct GatewayResponseTests {
    @Test(arguments: [
        (404, "Not Found"), (413, "Request Entity Too Large"), (429, "Too Many Requests"),
        (500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable"), (504, "Gateway Timeout"),
    ])
    func gatewayErrorsAreAWSMessageObjects(status: Int, message: String) {
        let response = GatewayResponse.error(status)
        #expect(response.status == status)
        #expect(response.text == #"{"message":"\#(message)"}"#)
        #expect(GatewayTesting.headerLines(response) == ["content-type: application/json"])
    }

    @Test func equalityIgnoresHeaderOrderAndNameCase() {
        let a = GatewayResponse(status: 200, headers: [("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("X-A", "1")])
        let b = GatewayResponse(status: 200, headers: [("x-a", "1"), ("set-cookie", "b=2"), ("SET-COOKIE", "a=1")])
        #expect(a == b)
    }

    @Test func equalityComparesStatusBodyAndHeaderValues() {
        let base = GatewayResponse(status: 200, headers: [("x-a", "1")], body: [1])
        #expect(base != GatewayResponse(status: 201, headers: [("x-a", "1")], body: [1]))
        #expect(base != GatewayResponse(status: 200, headers: [("x-a", "2")], body: [1]))
        #expect(base != GatewayResponse(status: 200, headers: [("x-a", "1"), ("x-a", "1")], body: [1]))
        #expect(base != GatewayResponse(status: 200, headers: [("x-a", "1")], body: [2]))
    }

    @Test func requestHeadersAreLookedUpCaseInsensitively() {
        let request = GatewayTesting.request("GET", "/", headers: [("Accept", "a"), ("ACCEPT", "b")])
        #expect(request.values(of: "accept") == ["a", "b"])
        #expect(request.header("Accept") == "a,b")
        #expect(request.header("origin") == nil)
    }
}
