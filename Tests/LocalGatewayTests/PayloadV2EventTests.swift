import LocalGateway
import Runtime
import Testing

/// The payload format 2.0 event a request becomes.
@Suite struct PayloadV2EventTests {
    /// The request behind AWS's documented 2.0 example, with our own account, API and domain.
    ///
    /// AWS's example also shows `authentication`, `authorizer`, `stageVariables` and
    /// `pathParameters`, which this API (no authorizers, no stage variables, a `$default` route
    /// without variables) never sends; they are left out of the event, as they are on AWS.
    @Test func eventMatchesTheDocumentedExampleFieldByField() throws {
        let request = GatewayTesting.request(
            "POST", "/my/path", query: "parameter1=value1&parameter1=value2&parameter2=value",
            headers: [
                ("Header1", "value1"), ("Header2", "value1"), ("Header2", "value2"), ("Cookie", "cookie1; cookie2"),
                ("User-Agent", "agent"), ("Content-Type", "text/plain"), ("Host", "127.0.0.1:3000"),
            ],
            body: Array("Hello from Lambda".utf8), sourceIP: "IP")
        let event = PayloadV2.event(
            for: request, match: RouteMatch(route: .catchAll(function: "Web")), requestID: "id",
            time: Timestamp(iso8601: "2020-03-12T19:03:58.390Z")!, apiID: "api-id",
            domainName: "id.execute-api.us-east-1.amazonaws.com", accountID: "123456789012")

        let expected = #"""
            {
              "version": "2.0",
              "routeKey": "$default",
              "rawPath": "/my/path",
              "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
              "cookies": ["cookie1", "cookie2"],
              "headers": {
                "header1": "value1",
                "header2": "value1,value2",
                "user-agent": "agent",
                "content-type": "text/plain",
                "host": "127.0.0.1:3000",
                "x-forwarded-for": "IP",
                "x-forwarded-port": "3000",
                "x-forwarded-proto": "http"
              },
              "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
              "requestContext": {
                "accountId": "123456789012",
                "apiId": "api-id",
                "domainName": "id.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "id",
                "http": {"method": "POST", "path": "/my/path", "protocol": "HTTP/1.1", "sourceIp": "IP", "userAgent": "agent"},
                "requestId": "id",
                "routeKey": "$default",
                "stage": "$default",
                "time": "12/Mar/2020:19:03:58 +0000",
                "timeEpoch": 1584039838390
              },
              "body": "Hello from Lambda",
              "isBase64Encoded": false
            }
            """#
        let encoded = try JSON.decode(JSONValue.self, from: try JSON.encode(event))
        let documented = try JSON.decode(JSONValue.self, from: expected)
        for key in documented.objectValue?.keys.sorted() ?? [] {
            #expect(encoded[key] == documented[key], "\(key)")
        }
        #expect(encoded == documented)
    }

    @Test func cookieHeadersBecomeCookiesAndLeaveTheHeaders() {
        let event = GatewayTesting.event(
            GatewayTesting.request(
                "GET", "/", headers: [("Cookie", "a=1; b=2"), ("Accept", "*/*"), ("cookie", "c=3;d=4; ")]))
        #expect(event.cookies == ["a=1", "b=2", "c=3", "d=4"])
        #expect(event.headers["cookie"] == nil)
        #expect(event.cookie("c") == "3")
        // At the byte `;` only: not at U+037E (which Swift's Characters take for `;`), and also
        // where a combining mark follows it.
        let tricky = GatewayTesting.event(
            GatewayTesting.request("GET", "/", headers: [("Cookie", "a=1\u{037E}refresh=x; b=2;\u{0301}c=3")]))
        #expect(tricky.cookies == ["a=1\u{037E}refresh=x", "b=2", "\u{0301}c=3"])
        #expect(GatewayTesting.event(GatewayTesting.request("GET", "/")).cookies == nil)
    }

    @Test func headerNamesAreLowercasedAndRepeatsJoinedWithCommas() {
        let event = GatewayTesting.event(
            GatewayTesting.request(
                "GET", "/",
                headers: [("Accept", "text/html"), ("X-Trace", "a"), ("accept", "application/json"), ("X-TRACE", "b")]))
        #expect(event.headers["accept"] == "text/html,application/json")
        #expect(event.headers["x-trace"] == "a,b")
        #expect(event.headers["Accept"] == nil)
    }

    @Test func forwardingHeadersAppendTheSourceAddress() {
        let proxied = GatewayTesting.event(
            GatewayTesting.request("GET", "/", headers: [("X-Forwarded-For", "203.0.113.9")], sourceIP: "10.0.0.2"))
        #expect(proxied.headers["x-forwarded-for"] == "203.0.113.9, 10.0.0.2")
        #expect(proxied.headers["x-forwarded-port"] == "80")
        #expect(proxied.headers["x-forwarded-proto"] == "http")
        #expect(proxied.requestContext.http.sourceIp == "10.0.0.2")
    }

    @Test func queryParametersAreDecodedWithRepeatsJoined() {
        let event = GatewayTesting.event(
            GatewayTesting.request("GET", "/v1/jobs", query: "q=a%20b&q=c+d&limit=10&flag&%C3%A9t%C3%A9=%E2%9C%93"))
        #expect(event.rawQueryString == "q=a%20b&q=c+d&limit=10&flag&%C3%A9t%C3%A9=%E2%9C%93")
        #expect(event.queryStringParameters == ["q": "a b,c d", "limit": "10", "flag": "", "été": "✓"])
    }

    @Test func noQueryMeansNoQueryParameters() {
        let event = GatewayTesting.event(GatewayTesting.request("GET", "/v1/jobs"))
        #expect(event.rawQueryString == "")
        #expect(event.queryStringParameters == nil)
    }

    @Test func pathParametersComeFromTheMatchAndAreAbsentWhenEmpty() throws {
        let route = Route(method: "GET", path: "/v1/jobs/{id}", function: "GetJob")
        let request = GatewayTesting.request("GET", "/v1/jobs/%C3%A9t%C3%A9%20%F0%9F%8E%99")
        let match = try #require(RouteTable([route]).match(method: request.method, path: request.path))
        let event = GatewayTesting.event(request, match: match)
        #expect(event.pathParameters == ["id": "été 🎙"])
        #expect(event.rawPath == "/v1/jobs/%C3%A9t%C3%A9%20%F0%9F%8E%99")
        #expect(event.requestContext.http.path == "/v1/jobs/été 🎙")
        #expect(event.routeKey == "GET /v1/jobs/{id}")
        #expect(event.requestContext.routeKey == "GET /v1/jobs/{id}")
        #expect(GatewayTesting.event(GatewayTesting.request("GET", "/x")).pathParameters == nil)
    }

    @Test(arguments: [
        "application/json", "application/json; charset=utf-8", "Text/HTML", "text/csv", "application/xml",
        "application/javascript", "application/x-www-form-urlencoded", "application/vnd.api+json",
        "application/atom+xml",
    ])
    func textualBodyIsPassedAsText(contentType: String) throws {
        let event = GatewayTesting.event(
            GatewayTesting.request(
                "POST", "/", headers: [("Content-Type", contentType)], body: Array(#"{"title":"Réunion"}"#.utf8)))
        #expect(event.body == #"{"title":"Réunion"}"#)
        #expect(event.isBase64Encoded == false)
        #expect(try event.bodyBytes() == Array(#"{"title":"Réunion"}"#.utf8))
    }

    @Test(arguments: [nil, "application/octet-stream", "audio/mpeg", "multipart/form-data; boundary=x", "image/png"])
    func otherBodiesArePassedAsBase64(contentType: String?) throws {
        let bytes: [UInt8] = [0x49, 0x44, 0x33, 0x04, 0x00, 0xff, 0xfe]
        let headers = contentType.map { [("Content-Type", $0)] } ?? []
        let event = GatewayTesting.event(GatewayTesting.request("POST", "/", headers: headers, body: bytes))
        #expect(event.body == "SUQzBAD//g==")
        #expect(event.isBase64Encoded)
        #expect(try event.bodyBytes() == bytes)
    }

    @Test func textualBodyThatIsNotUTF8IsPassedAsBase64() {
        let event = GatewayTesting.event(
            GatewayTesting.request(
                "POST", "/", headers: [("Content-Type", "text/plain")], body: [0x63, 0x61, 0x66, 0xe9]))
        #expect(event.body == "Y2Fm6Q==")
        #expect(event.isBase64Encoded)
    }

    @Test func emptyBodyIsAbsent() {
        let event = GatewayTesting.event(GatewayTesting.request("GET", "/", headers: [("Content-Type", "text/plain")]))
        #expect(event.body == nil)
        #expect(event.isBase64Encoded == false)
    }

    @Test func requestContextDescribesTheRequest() {
        let event = GatewayTesting.event(GatewayTesting.request("DELETE", "/v1/jobs/j-1"))
        let context = event.requestContext
        #expect(context.accountId == "000000000000")
        #expect(context.apiId == "local")
        #expect(context.domainName == "127.0.0.1")
        #expect(context.domainPrefix == "127")
        #expect(context.stage == "$default")
        #expect(context.requestId == "req-1")
        #expect(context.http.method == "DELETE")
        #expect(context.http.protocol == "HTTP/1.1")
        #expect(context.http.userAgent == "")
        #expect(context.timeEpoch == 1_584_039_838_390)
        #expect(event.stageVariables == nil)
    }

    @Test(arguments: [
        ("2026-01-05T03:04:05.999Z", "05/Jan/2026:03:04:05 +0000"),
        ("2024-02-29T23:59:59Z", "29/Feb/2024:23:59:59 +0000"),
        ("2025-12-31T00:00:00Z", "31/Dec/2025:00:00:00 +0000"),
        ("2020-03-12T19:03:58.390Z", "12/Mar/2020:19:03:58 +0000"),
    ])
    func requestTimeUsesEnglishMonthAbbreviations(iso8601: String, expected: String) throws {
        #expect(try #require(Timestamp(iso8601: iso8601)).requestTime == expected)
    }
}
