import LocalGateway
import Testing

/// CORS as an HTTP API with a CORS configuration answers it.
@Suite struct CORSConfigurationTests {
    static let app = "http://localhost:5173"

    static let webApp = CORSConfiguration(
        allowOrigins: [app], allowMethods: ["GET", "POST", "DELETE"], allowHeaders: ["authorization", "content-type"],
        exposeHeaders: ["retry-after", "x-request-id"], maxAge: 300)

    static func preflight(origin: String = app, method: String = "POST", headers: String? = nil) -> GatewayRequest {
        var fields = [("Origin", origin), ("Access-Control-Request-Method", method)]
        if let headers { fields.append(("Access-Control-Request-Headers", headers)) }
        return GatewayTesting.request("OPTIONS", "/v1/jobs", headers: fields)
    }

    @Test func allowedPreflightIsAnsweredWithTheAllowHeaders() throws {
        let response = try #require(Self.webApp.preflight(Self.preflight(headers: "Content-Type, Authorization")))
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        #expect(
            GatewayTesting.headerLines(response) == [
                "access-control-allow-headers: authorization,content-type",
                "access-control-allow-methods: GET,POST,DELETE",
                "access-control-allow-origin: http://localhost:5173",
                "access-control-max-age: 300",
                "vary: Origin",
            ])
    }

    @Test(arguments: [
        preflight(origin: "https://evil.example"),
        preflight(origin: "http://localhost:5174"),
        preflight(method: "PATCH"),
        preflight(headers: "content-type, x-custom"),
    ])
    func refusedPreflightIsAnsweredWithoutCORSHeaders(request: GatewayRequest) throws {
        #expect(try #require(Self.webApp.preflight(request)) == GatewayResponse(status: 204))
    }

    @Test func requestsThatAreNotPreflightsAreLeftToTheRoutes() {
        #expect(
            Self.webApp.preflight(GatewayTesting.request("OPTIONS", "/v1/jobs", headers: [("Origin", Self.app)])) == nil
        )
        #expect(
            Self.webApp.preflight(
                GatewayTesting.request("OPTIONS", "/v1/jobs", headers: [("Access-Control-Request-Method", "GET")]))
                == nil)
        #expect(
            Self.webApp.preflight(
                GatewayTesting.request(
                    "GET", "/v1/jobs", headers: [("Origin", Self.app), ("Access-Control-Request-Method", "GET")]))
                == nil)
    }

    @Test func wildcardsWithoutCredentialsAnswerWithStars() throws {
        let open = CORSConfiguration(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"])
        let response = try #require(open.preflight(Self.preflight(origin: "https://any.example", headers: "x-custom")))
        #expect(
            GatewayTesting.headerLines(response) == [
                "access-control-allow-headers: *", "access-control-allow-methods: *", "access-control-allow-origin: *",
            ])
    }

    @Test func wildcardsWithCredentialsEchoTheRequest() throws {
        let open = CORSConfiguration(
            allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"], allowCredentials: true)
        let response = try #require(
            open.preflight(Self.preflight(origin: "https://any.example", method: "PUT", headers: "x-a, x-b")))
        #expect(
            GatewayTesting.headerLines(response) == [
                "access-control-allow-credentials: true", "access-control-allow-headers: x-a,x-b",
                "access-control-allow-methods: PUT", "access-control-allow-origin: https://any.example",
                "vary: Origin",
            ])
    }

    @Test func schemeWildcardAllowsOnlyThatScheme() {
        let secure = CORSConfiguration(allowOrigins: ["https://*"])
        #expect(secure.allows(origin: "https://app.example"))
        #expect(!secure.allows(origin: "http://app.example"))
        #expect(!secure.allows(origin: "https://"))
        #expect(Self.webApp.allows(origin: "HTTP://LOCALHOST:5173"))
        #expect(!CORSConfiguration().allows(origin: Self.app))
    }

    @Test func allowedOriginGetsOriginCredentialsExposedHeadersAndVary() {
        var config = Self.webApp
        config.allowCredentials = true
        let request = GatewayTesting.request("GET", "/v1/jobs", headers: [("Origin", Self.app)])
        let response = config.decorate(
            GatewayResponse(status: 200, headers: [("content-type", "application/json")], body: Array("{}".utf8)),
            for: request)
        #expect(
            GatewayTesting.headerLines(response) == [
                "access-control-allow-credentials: true", "access-control-allow-origin: http://localhost:5173",
                "access-control-expose-headers: retry-after,x-request-id", "content-type: application/json",
                "vary: Origin",
            ])
        #expect(response.text == "{}")
    }

    @Test func anyOriginWithoutCredentialsGetsAStarAndNoVary() {
        let open = CORSConfiguration(allowOrigins: ["*"])
        let request = GatewayTesting.request("GET", "/", headers: [("Origin", "https://any.example")])
        #expect(
            open.decorate(GatewayResponse(status: 200), for: request)
                == GatewayResponse(status: 200, headers: [("access-control-allow-origin", "*")]))
    }

    @Test func responseWithoutAllowedOriginGetsNoCORSHeaders() {
        let response = GatewayResponse(status: 404, headers: [("content-type", "application/json")])
        let anonymous = GatewayTesting.request("GET", "/v1/nothing")
        let foreign = GatewayTesting.request("GET", "/v1/nothing", headers: [("Origin", "https://evil.example")])
        #expect(Self.webApp.decorate(response, for: anonymous) == response)
        #expect(Self.webApp.decorate(response, for: foreign) == response)
    }

    @Test func functionCORSHeadersAreIgnored() {
        let fromFunction = GatewayResponse(
            status: 200, headers: [("Access-Control-Allow-Origin", "*"), ("access-control-max-age", "1"), ("x-a", "1")])
        let foreign = GatewayTesting.request("GET", "/", headers: [("Origin", "https://evil.example")])
        #expect(
            Self.webApp.decorate(fromFunction, for: foreign) == GatewayResponse(status: 200, headers: [("x-a", "1")]))
    }

    @Test func existingVaryOriginIsNotRepeated() {
        let request = GatewayTesting.request("GET", "/", headers: [("Origin", Self.app)])
        let response = Self.webApp.decorate(
            GatewayResponse(status: 200, headers: [("Vary", "Accept-Encoding, origin")]), for: request)
        #expect(response.headers.filter { $0.name.lowercased() == "vary" }.count == 1)
        let plain = Self.webApp.decorate(
            GatewayResponse(status: 200, headers: [("Vary", "Accept-Encoding")]), for: request)
        #expect(plain.headers.filter { $0.name.lowercased() == "vary" }.map(\.value) == ["Accept-Encoding", "Origin"])
    }
}
