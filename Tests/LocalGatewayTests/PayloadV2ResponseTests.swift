import LocalGateway
import Runtime
import Testing

/// The HTTP response a function's result becomes under payload format 2.0.
@Suite struct PayloadV2ResponseTests {
    @Test func structuredResponseSetsStatusHeadersAndBody() {
        let response = GatewayTesting.response(
            #"{"statusCode":201,"headers":{"Content-Type":"application/json","Location":"/v1/jobs/j-1"},"body":"{\"id\":\"j-1\"}"}"#
        )
        #expect(response.status == 201)
        #expect(GatewayTesting.headerLines(response) == ["content-type: application/json", "location: /v1/jobs/j-1"])
        #expect(response.text == #"{"id":"j-1"}"#)
    }

    @Test func eachCookieBecomesASetCookieHeader() {
        let response = GatewayTesting.response(
            #"{"statusCode":200,"cookies":["session=abc; HttpOnly; Secure","theme=dark"],"headers":{"x-a":"1"}}"#)
        #expect(
            GatewayTesting.headerLines(response) == [
                "set-cookie: session=abc; HttpOnly; Secure", "set-cookie: theme=dark", "x-a: 1",
            ])
        #expect(response.body.isEmpty)
    }

    @Test func base64BodyIsDecoded() {
        let response = GatewayTesting.response(
            #"{"statusCode":200,"headers":{"content-type":"audio/mpeg"},"body":"SUQzBAD//g==","isBase64Encoded":true}"#)
        #expect(response.body == [0x49, 0x44, 0x33, 0x04, 0x00, 0xff, 0xfe])
        #expect(response.header("Content-Type") == "audio/mpeg")
    }

    @Test func bodyMarkedNotBase64IsSentAsItIs() {
        let response = GatewayTesting.response(#"{"statusCode":200,"body":"SUQz","isBase64Encoded":false}"#)
        #expect(response.text == "SUQz")
    }

    @Test func bodyWithoutContentTypeIsPlainText() {
        let response = GatewayTesting.response(#"{"statusCode":200,"body":"Hello from Lambda!"}"#)
        #expect(response.header("content-type") == "text/plain; charset=utf-8")
        #expect(response.text == "Hello from Lambda!")
    }

    @Test func responseWithoutBodyGetsNoContentType() {
        let response = GatewayTesting.response(#"{"statusCode":204}"#)
        #expect(response == GatewayResponse(status: 204))
    }

    @Test func runtimeResponsesRoundTrip() throws {
        let json = try APIGatewayV2Response.json(202, ["status": "queued"], headers: ["Retry-After": "5"])
        let response = PayloadV2.response(fromFunctionPayload: try JSON.encode(json))
        #expect(response.status == 202)
        #expect(GatewayTesting.headerLines(response) == ["content-type: application/json", "retry-after: 5"])
        #expect(response.text == #"{"status":"queued"}"#)

        let bytes = APIGatewayV2Response.bytes(200, [0, 1, 2, 255], contentType: "application/octet-stream")
        #expect(PayloadV2.response(fromFunctionPayload: try JSON.encode(bytes)).body == [0, 1, 2, 255])
    }

    @Test func nonStringHeaderScalarsAreWrittenAsText() {
        let response = GatewayTesting.response(
            #"{"statusCode":200,"headers":{"x-count":3,"x-ratio":1.5,"x-flag":true,"x-none":null}}"#)
        #expect(GatewayTesting.headerLines(response) == ["x-count: 3", "x-flag: true", "x-ratio: 1.5"])
    }

    @Test(arguments: [
        #"{"message":"Hello from Lambda!"}"#,
        #"  { "message" : "spaced",  "n": [1, 2] }  "#,
        #""Hello from Lambda!""#,
        "[1,2,3]",
        "42",
        "true",
        "null",
        #"{"status":200,"body":"not a response"}"#,
    ])
    func jsonWithoutStatusCodeIsTheBodyVerbatim(payload: String) {
        let response = GatewayTesting.response(payload)
        #expect(response.status == 200)
        #expect(GatewayTesting.headerLines(response) == ["content-type: application/json"])
        #expect(response.text == payload)
    }

    @Test(arguments: [
        "",
        "Hello from Lambda!",
        #"{"statusCode":200,"#,
        #"{"statusCode":"200"}"#,
        #"{"statusCode":99}"#,
        #"{"statusCode":600}"#,
        #"{"statusCode":200.5}"#,
        #"{"statusCode":null}"#,
        #"{"statusCode":200,"body":"%%%","isBase64Encoded":true}"#,
        #"{"statusCode":200,"body":{"id":1}}"#,
        #"{"statusCode":200,"headers":{"x-a":{"nested":true}}}"#,
        #"{"statusCode":200,"headers":["x-a: 1"]}"#,
        #"{"statusCode":200,"cookies":"a=1"}"#,
        #"{"statusCode":200,"cookies":[1]}"#,
    ])
    func invalidPayloadIsInternalServerError(payload: String) {
        #expect(GatewayTesting.response(payload) == .error(500))
    }

    @Test func invalidUTF8IsInternalServerError() {
        #expect(PayloadV2.response(fromFunctionPayload: [0x22, 0xff, 0x22]) == .error(500))
    }

    @Test func statusCodeBoundsAreAccepted() {
        #expect(GatewayTesting.response(#"{"statusCode":100}"#).status == 100)
        #expect(GatewayTesting.response(#"{"statusCode":599}"#).status == 599)
    }
}
