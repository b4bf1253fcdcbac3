import Foundation
import HTTP
import TestSupport
import Testing

@testable import Runtime

/// The API gateway on its port: routes to functions with payload 2.0 events built as AWS builds
/// them, AWS's response handling and errors, CORS, the web UI fallback and the operator pages.
@Suite(.serialized) struct GatewayTests {
    let emulator: EmulatorHarness

    init() throws { emulator = try EmulatorHarness() }

    /// The echo function answers with the event it got, so the response body is the event.
    func event(_ response: HTTPResponse) throws -> JSONValue {
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        return try JSON.decode(JSONValue.self, from: response.body)
    }

    @Test func getRouteDeliversAPayloadV2Event() throws {
        let event = try event(
            emulator.request(
                .get, "/v1/echo?x=1&x=2&q=a%20b",
                headers: [
                    ("Cookie", "theme=dark; session=abc"), ("User-Agent", "tests/1.0"), ("X-Custom", "one"),
                ]))
        #expect(event["version"] == "2.0")
        #expect(event["routeKey"] == "GET /v1/echo")
        #expect(event["rawPath"] == "/v1/echo")
        #expect(event["rawQueryString"] == "x=1&x=2&q=a%20b")
        #expect(event["queryStringParameters"]?["x"] == "1,2")
        #expect(event["queryStringParameters"]?["q"] == "a b")
        #expect(event["cookies"] == ["theme=dark", "session=abc"])
        #expect(event["headers"]?["x-custom"] == "one")
        #expect(event["headers"]?["cookie"] == nil)
        #expect(event["isBase64Encoded"] == false)
        #expect(event["pathParameters"] == nil)
        let context = try #require(event["requestContext"])
        #expect(context["http"]?["method"] == "GET")
        #expect(context["http"]?["path"] == "/v1/echo")
        #expect(context["http"]?["sourceIp"] == "127.0.0.1")
        #expect(context["http"]?["userAgent"] == "tests/1.0")
        #expect(context["stage"] == "$default")
        #expect(context["routeKey"] == "GET /v1/echo")
        let epoch = try #require(context["timeEpoch"]?.int64Value)
        #expect(abs(epoch - Int64(Date().timeIntervalSince1970 * 1000)) < 10_000)
    }

    @Test func pathParametersProxyPathsAndBodies() throws {
        let posted = try event(
            emulator.request(
                .post, "/v1/echo/j%2042", headers: [("Content-Type", "application/json")],
                body: #"{"title":"Talk"}"#))
        #expect(posted["routeKey"] == "POST /v1/echo/{id}")
        #expect(posted["pathParameters"]?["id"] == "j 42")
        #expect(posted["body"] == #"{"title":"Talk"}"#)
        #expect(posted["isBase64Encoded"] == false)
        let proxied = try event(emulator.request(.delete, "/v1/proxy/a/b/c"))
        #expect(proxied["routeKey"] == "ANY /v1/proxy/{proxy+}")
        #expect(proxied["pathParameters"]?["proxy"] == "a/b/c")
        let binary = try event(
            emulator.request(
                .post, "/v1/echo/bin", headers: [("Content-Type", "application/octet-stream")],
                body: "\u{01}\u{02}"))
        #expect(binary["isBase64Encoded"] == true)
        #expect(binary["body"] == "AQI=")
    }

    @Test func functionResponsesAreTranslatedAsAWSDoes() throws {
        let respond =
            #"{"respond":{"statusCode":201,"headers":{"location":"/v1/jobs/9","content-type":"text/plain"},"cookies":["s=1; Path=/","t=2"],"body":"created"}}"#
        let created = try emulator.request(
            .post, "/v1/echo/x", headers: [("Content-Type", "application/json")], body: respond)
        #expect(created.status == 201)
        #expect(created.header("Location") == "/v1/jobs/9")
        #expect(created.headers(named: "Set-Cookie") == ["s=1; Path=/", "t=2"])
        #expect(created.bodyText == "created")
        let base64 =
            #"{"respond":{"statusCode":200,"isBase64Encoded":true,"body":"aGVsbG8=","headers":{"content-type":"application/octet-stream"}}}"#
        #expect(
            try emulator.request(.post, "/v1/echo/x", headers: [("Content-Type", "application/json")], body: base64)
                .bodyText == "hello")
    }

    @Test func gatewayErrorsAreAWSMessages() throws {
        let unknown = try emulator.request(.get, "/v1/nowhere")
        #expect(unknown.status == 404)
        #expect(unknown.bodyText == #"{"message":"Not Found"}"#)
        let broken = try emulator.request(.get, "/v1/broken")
        #expect(broken.status == 500)
        #expect(broken.bodyText == #"{"message":"Internal Server Error"}"#)
        let tooBig = try emulator.request(.post, "/v1/echo/x", body: String(repeating: "x", count: 11 * 1024 * 1024))
        #expect(tooBig.status == 413)
        let slow = Thread.detachedResult {
            try emulator.request(
                .post, "/v1/limited", headers: [("Content-Type", "application/json")], body: #"{"sleepMs":1500}"#)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let throttled = try emulator.request(.post, "/v1/limited", body: "{}")
        #expect(throttled.status == 429)
        #expect(throttled.bodyText == #"{"message":"Too Many Requests"}"#)
        #expect(try slow.wait().status == 200)
    }

    @Test func corsFollowsTheTemplate() throws {
        let preflight = try emulator.request(
            .init(rawValue: "OPTIONS"), "/v1/echo",
            headers: [
                ("Origin", "http://app.example"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == "http://app.example")
        #expect(preflight.header("Access-Control-Allow-Methods")?.contains("POST") == true)
        #expect(preflight.header("Access-Control-Max-Age") == "600")
        let simple = try emulator.request(.get, "/v1/echo", headers: [("Origin", "http://app.example")])
        #expect(simple.header("Access-Control-Allow-Origin") == "http://app.example")
        let foreign = try emulator.request(.get, "/v1/echo", headers: [("Origin", "http://evil.example")])
        #expect(foreign.header("Access-Control-Allow-Origin") == nil)
    }

    @Test func webUIAndOperatorPages() throws {
        let root = try emulator.request(.get, "/")
        #expect(root.status == 200)
        #expect(root.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(try emulator.request(.get, "/jobs/123").status == 200, "SPA paths fall back to the UI")
        _ = try emulator.request(.get, "/v1/echo")
        let status = try JSON.decode(JSONValue.self, from: emulator.request(.get, "/_local/status.json").body)
        let functions = try #require(status["functions"]?.arrayValue)
        #expect(Set(functions.compactMap { $0["name"]?.stringValue }) == ["Broken", "Echo", "Limited", "Slow"])
        #expect(status["recentInvocations"]?.arrayValue?.isEmpty == false)
        #expect(try emulator.request(.get, "/_local/").bodyText.contains("Transcriptor local emulator"))
    }

    @Test func embeddedMetricLinesBecomePrometheusSeries() throws {
        for _ in 0..<2 { _ = try emulator.invoke("Echo", payload: #"{"metric":"JobsCompleted"}"#) }
        // The function's metric line is read from its output as it comes, which can be just after
        // the invocation's answer: wait for it (up to 5 s) rather than read at once.
        var metrics = ""
        for _ in 0..<100 {
            metrics = try emulator.request(.get, "/_local/metrics").bodyText
            if metrics.contains(#"emf_JobsCompleted_count{namespace="Transcriptor",function="Echo"} 2"#) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(metrics.contains(#"emf_JobsCompleted_total{namespace="Transcriptor",function="Echo"} 2.0"#))
        #expect(metrics.contains(#"emf_JobsCompleted_count{namespace="Transcriptor",function="Echo"} 2"#))
        #expect(metrics.contains(#"lambda_invocations_total{function="Echo"}"#))
    }
}
