import LocalGateway
import Testing

/// Route selection, as an HTTP API selects routes (most specific first, `$default` last).
@Suite struct RouteTableTests {
    static let routes = [
        Route(method: "GET", path: "/v1/jobs", function: "ListJobs"),
        Route(method: "POST", path: "/v1/jobs", function: "CreateJob"),
        Route(method: "GET", path: "/v1/jobs/{id}", function: "GetJob"),
        Route(method: "ANY", path: "/v1/jobs/{id}", function: "AnyJob"),
        Route(method: "GET", path: "/v1/jobs/search", function: "SearchJobs"),
        Route(method: "GET", path: "/v1/jobs/{id}/transcript", function: "GetTranscript"),
        Route(method: "GET", path: "/v1/files/{proxy+}", function: "Files"),
        Route(method: "ANY", path: "/v1/{proxy+}", function: "AnyV1"),
        Route(method: "GET", path: "/v1/{proxy+}", function: "GetV1"),
        Route(method: "ANY", path: "/v1/files/{name}/{version}", function: "FileVersion"),
        Route.catchAll(function: "Web"),
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        var function: String
        var parameters: [String: String] = [:]
        var testDescription: String { "\(method) \(path) → \(function)" }
    }

    static let cases: [Case] = [
        // Exact paths, by method.
        Case(method: "GET", path: "/v1/jobs", function: "ListJobs"),
        Case(method: "POST", path: "/v1/jobs", function: "CreateJob"),
        Case(method: "get", path: "/v1/jobs", function: "ListJobs"),
        // No exact route for DELETE: the greedy ANY route takes it.
        Case(method: "DELETE", path: "/v1/jobs", function: "AnyV1", parameters: ["proxy": "jobs"]),
        // A literal segment beats a variable; a method beats ANY.
        Case(method: "GET", path: "/v1/jobs/search", function: "SearchJobs"),
        Case(method: "GET", path: "/v1/jobs/j-42", function: "GetJob", parameters: ["id": "j-42"]),
        Case(method: "DELETE", path: "/v1/jobs/j-42", function: "AnyJob", parameters: ["id": "j-42"]),
        // The literal route has no POST, so the variable route with ANY takes it.
        Case(method: "POST", path: "/v1/jobs/search", function: "AnyJob", parameters: ["id": "search"]),
        Case(method: "GET", path: "/v1/jobs/j-42/transcript", function: "GetTranscript", parameters: ["id": "j-42"]),
        // A full match without a greedy variable beats a greedy one, even for ANY.
        Case(
            method: "GET", path: "/v1/files/a/b", function: "FileVersion", parameters: ["name": "a", "version": "b"]),
        // Greedy variables: one or more segments; the longer literal prefix wins; GET beats ANY.
        Case(method: "GET", path: "/v1/files/report.pdf", function: "Files", parameters: ["proxy": "report.pdf"]),
        Case(method: "GET", path: "/v1/files/a/b/c.txt", function: "Files", parameters: ["proxy": "a/b/c.txt"]),
        Case(method: "GET", path: "/v1/jobs/j-42/media", function: "GetV1", parameters: ["proxy": "jobs/j-42/media"]),
        Case(method: "PUT", path: "/v1/jobs/j-42/media", function: "AnyV1", parameters: ["proxy": "jobs/j-42/media"]),
        Case(method: "PUT", path: "/v1/files/a", function: "AnyV1", parameters: ["proxy": "files/a"]),
        // A trailing slash is an empty segment: not `/v1/jobs`, and not a value for `{id}`.
        Case(method: "GET", path: "/v1/jobs/", function: "GetV1", parameters: ["proxy": "jobs/"]),
        // A greedy variable needs at least one character.
        Case(method: "GET", path: "/v1", function: "Web"),
        Case(method: "GET", path: "/v1/", function: "Web"),
        // Paths are case-sensitive.
        Case(method: "GET", path: "/V1/jobs", function: "Web"),
        // Everything else falls to $default.
        Case(method: "GET", path: "/", function: "Web"),
        Case(method: "GET", path: "/assets/app.js", function: "Web"),
        Case(method: "HEAD", path: "/v1/jobs/j-42", function: "AnyJob", parameters: ["id": "j-42"]),
        // Values come from the decoded path as they are.
        Case(method: "GET", path: "/v1/jobs/a b", function: "GetJob", parameters: ["id": "a b"]),
        Case(method: "GET", path: "/v1/jobs/été 🎙", function: "GetJob", parameters: ["id": "été 🎙"]),
        Case(method: "GET", path: "/v1/jobs/100%", function: "GetJob", parameters: ["id": "100%"]),
    ]

    @Test(arguments: cases)
    func mostSpecificRouteWins(_ testCase: Case) throws {
        let match = try #require(RouteTable(Self.routes).match(method: testCase.method, path: testCase.path))
        #expect(match.route.function == testCase.function)
        #expect(match.pathParameters == testCase.parameters)
    }

    @Test func routeOrderDoesNotChangeTheSelection() throws {
        let table = RouteTable(Self.routes.reversed())
        for testCase in Self.cases {
            let match = try #require(table.match(method: testCase.method, path: testCase.path))
            #expect(match.route.function == testCase.function, "\(testCase.testDescription)")
        }
    }

    @Test func withoutDefaultRouteAnUnmatchedRequestMatchesNothing() {
        let table = RouteTable(Self.routes.filter { !$0.isDefault })
        #expect(table.match(method: "GET", path: "/index.html") == nil)
        #expect(table.match(method: "GET", path: "/v1") == nil)
        #expect(table.match(method: "GET", path: "") == nil)
        #expect(table.match(method: "GET", path: "*") == nil)
        #expect(RouteTable([]).match(method: "GET", path: "/") == nil)
    }

    @Test func methodSpecificRouteDoesNotMatchOtherMethods() {
        let table = RouteTable([Route(method: "GET", path: "/v1/me", function: "Me")])
        #expect(table.match(method: "GET", path: "/v1/me")?.route.function == "Me")
        #expect(table.match(method: "HEAD", path: "/v1/me") == nil)
        #expect(table.match(method: "POST", path: "/v1/me") == nil)
    }

    @Test func defaultRouteMatchesEveryMethodWithoutParameters() throws {
        let table = RouteTable([Route(method: "GET", path: "$default", function: "Web")])
        let match = try #require(table.match(method: "DELETE", path: "/anything/at/all"))
        #expect(
            match == RouteMatch(route: Route(method: "GET", path: "$default", function: "Web"), pathParameters: [:]))
    }

    @Test func rootPathMatchesOnlyTheRoot() {
        let table = RouteTable([Route(method: "GET", path: "/", function: "Root")])
        #expect(table.match(method: "GET", path: "/")?.route.function == "Root")
        #expect(table.match(method: "GET", path: "/x") == nil)
        #expect(table.match(method: "GET", path: "//") == nil)
    }

    @Test func greedyVariableBeforeTheLastSegmentIsLiteralText() {
        let table = RouteTable([Route(method: "GET", path: "/{proxy+}/edit", function: "Bad")])
        #expect(table.match(method: "GET", path: "/a/edit") == nil)
        #expect(table.match(method: "GET", path: "/{proxy+}/edit")?.pathParameters == [:])
    }

    @Test func routeKeyIsMethodAndPathOrDefault() {
        #expect(Route(method: "GET", path: "/v1/jobs/{id}", function: "F").routeKey == "GET /v1/jobs/{id}")
        #expect(Route(method: "any", path: "/v1/{proxy+}", function: "F").routeKey == "ANY /v1/{proxy+}")
        #expect(Route(method: "ANY", path: "$default", function: "F").routeKey == "$default")
        #expect(Route.catchAll(function: "F").routeKey == "$default")
    }

    @Test func pathParametersComeFromTheDecodedRequestPath() throws {
        let request = GatewayTesting.request("GET", "/v1/jobs/a%20b%2Bc")
        let match = try #require(RouteTable(Self.routes).match(method: request.method, path: request.path))
        #expect(match.pathParameters == ["id": "a b+c"])
    }
}
