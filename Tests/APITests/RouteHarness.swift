import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing
import Transcriptor

/// The API's routes called as Lambda calls them, as swift-aws-lambda-runtime's examples test
/// handlers: the route's handler (`APIFunction`), an API Gateway event and a context, in this
/// process, over the real services of one emulator that every test of the process shares (each
/// test works as its own users, as tenants do). For route logic that does not need the gateway (its
/// routing, limits and headers) or the functions' own processes and roles, which `APIHarness`
/// tests: it saves an emulator start and a process per request.
final class RouteHarness: @unchecked Sendable {
    // @unchecked Sendable: every stored property is set once in `init`.

    /// The emulator every route test of this process shares, stopped when the process exits.
    static let emulator: EmulatorHarness = {
        let started = try! EmulatorHarness(
            templatePath: APIHarness.repository.appendingPathComponent("template.yaml").path,
            config: "ALLOW_LOOPBACK_URLS=true\nURL_ALLOWED_HOSTS=\(APIHarness.allowedHosts)\n",
            arguments: ["--parameter", "SignupsPerAddressPerHour=100000", "--no-stripe"])
        atexit { RouteHarness.emulator.stop() }
        return started
    }()

    let aws: AWSConfiguration
    let services: Services
    let bucket = "transcriptor-local-media-000000000000"
    var emulator: EmulatorHarness { Self.emulator }

    init() throws {
        let endpoint = try Endpoint(url: Self.emulator.aws)
        aws = AWSConfiguration(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
            endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
        var settings = ServiceSettings(tableName: "transcriptor-local-Table", bucketName: bucket)
        settings.signupsPerAddressPerHour = 100_000
        settings.plans = try PlanCatalog.parse(
            String(contentsOf: APIHarness.repository.appendingPathComponent("config/plans.json"), encoding: .utf8))
        services = try Services(settings: settings, aws: aws, tokenSecretID: APIHarness.tokenSecretName)
    }

    /// The routes these tests call, by method and path (`{name}` a path parameter), as the
    /// template's HttpApi events declare them.
    static var routes: [(method: String, path: String, route: any APIRoute.Type)] {
        [
            ("POST", "/v1/auth/signup", SignupRoute.self), ("POST", "/v1/auth/login", LoginRoute.self),
            ("POST", "/v1/auth/refresh", RefreshRoute.self), ("POST", "/v1/auth/logout", LogoutRoute.self),
            ("POST", "/v1/auth/verify-email", VerifyEmailRoute.self),
            ("POST", "/v1/auth/forgot-password", ForgotPasswordRoute.self),
            ("POST", "/v1/auth/reset-password", ResetPasswordRoute.self),
            ("GET", "/v1/me", MeRoute.self), ("DELETE", "/v1/me", DeleteAccountRoute.self),
            ("POST", "/v1/me/password", ChangePasswordRoute.self),
            ("POST", "/v1/me/verification-email", ResendVerificationRoute.self),
            ("POST", "/v1/me/webhook-secret", RotateWebhookSecretRoute.self),
            ("POST", "/v1/api-keys", CreateAPIKeyRoute.self), ("GET", "/v1/api-keys", ListAPIKeysRoute.self),
            ("DELETE", "/v1/api-keys/{id}", RevokeAPIKeyRoute.self),
            ("POST", "/v1/jobs", CreateJobRoute.self), ("GET", "/v1/jobs", ListJobsRoute.self),
            ("GET", "/v1/jobs/{id}", GetJobRoute.self), ("PATCH", "/v1/jobs/{id}", UpdateJobRoute.self),
            ("DELETE", "/v1/jobs/{id}", DeleteJobRoute.self),
        ]
    }

    /// The route of `method` and `path`, and the path's parameters.
    static func route(_ method: String, _ path: String) -> (any APIRoute.Type, String, [String: String])? {
        let parts = path.split(separator: "/")
        for entry in routes where entry.method == method {
            let pattern = entry.path.split(separator: "/")
            guard pattern.count == parts.count else { continue }
            var parameters: [String: String] = [:]
            let matches = zip(pattern, parts).allSatisfy { want, got in
                if want.hasPrefix("{") {
                    parameters[String(want.dropFirst().dropLast())] = String(got)
                    return true
                }
                return want == got
            }
            if matches { return (entry.route, "\(method) \(entry.path)", parameters) }
        }
        return nil
    }

    /// A route's answer, read as `APIHarness.Reply` reads the gateway's.
    struct Reply: CustomStringConvertible {
        var response: APIGatewayV2Response
        var status: Int { response.statusCode }
        var text: String { response.body ?? "" }
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        func header(_ name: String) -> String? {
            response.headers?.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        var description: String { "\(status) \(text)" }
    }

    /// Calls the route of `method` and `path` with the event API Gateway would send for it.
    func call(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: Any? = nil, body: String? = nil
    ) throws -> Reply {
        guard let (route, routeKey, parameters) = Self.route(method.rawValue, path) else {
            throw ServerError("no route for \(method) \(path) in RouteHarness.routes")
        }
        var headers: [String: String] = [:]
        if let token { headers["authorization"] = "Bearer \(token)" }
        var text = body
        if let json {
            text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
            headers["content-type"] = "application/json"
        }
        let now = Timestamp.now()
        let requestID = UUID().uuidString
        let event = APIGatewayV2Request(
            routeKey: routeKey, rawPath: path, headers: headers,
            pathParameters: parameters.isEmpty ? nil : parameters,
            requestContext: .init(
                accountId: "000000000000", apiId: "local", domainName: "127.0.0.1", domainPrefix: "127",
                http: .init(method: method.rawValue, path: path, sourceIp: "127.0.0.1"), requestId: requestID,
                routeKey: routeKey, stage: "$default", time: now.iso8601, timeEpoch: now.millisecondsSinceEpoch),
            body: text)
        let context = LambdaContext(
            requestID: requestID, deadline: now.adding(seconds: 30),
            invokedFunctionARN: "arn:aws:lambda:us-east-1:000000000000:function:route-test",
            logger: Logger(label: "route-test", sink: { _ in }))
        return Reply(response: handle(route, event, context))
    }

    private func handle<Route: APIRoute>(
        _ route: Route.Type, _ event: APIGatewayV2Request, _ context: LambdaContext
    ) -> APIGatewayV2Response {
        APIFunction<Route>(services: services).handle(event, context: context)
    }

    func signup(_ email: String = "user-\(UUID().uuidString.prefix(8))@example.com") throws -> APIHarness.Session {
        let reply = try call(.post, "/v1/auth/signup", json: ["email": email, "password": APIHarness.password])
        return try APIHarness.Session(signedUp: email, status: reply.status, json: reply.json, reply: "\(reply)")
    }

    func mail(to address: String) throws -> [[String: Any]] { try APIHarness.mail(in: emulator, to: address) }

    func linkToken(to address: String, page: String) throws -> String? {
        try APIHarness.linkToken(in: emulator, to: address, page: page)
    }
}
