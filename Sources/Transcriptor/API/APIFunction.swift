import Cloud
import Runtime

/// One request to one route: the request, the Lambda context, the services, and what the log line
/// of the request will say (its user once known; never a credential).
public final class APICall {
    public let request: APIRequest
    public let context: LambdaContext
    public let services: Services
    public let now: Timestamp
    /// Set by `authenticate()`; logged with the request.
    public private(set) var userID: String?
    public var jobID: String?

    init(request: APIRequest, context: LambdaContext, services: Services, now: Timestamp) {
        self.request = request
        self.context = context
        self.services = services
        self.now = now
    }

    /// The caller and their profile; 401 when the credential is missing or not valid.
    /// - Parameter includingDeleting: also an account whose deletion has started (to finish it).
    public func authenticate(includingDeleting: Bool = false) throws -> (Caller, UserRecord) {
        let services = services
        let (caller, record) = try services.accounts.authenticate(
            request, signer: { try services.tokens(verifying: $0) }, now: now, includingDeleting: includingDeleting)
        userID = caller.userID
        return (caller, record)
    }

    public func body<T: Decodable>(_ type: T.Type) throws(APIError) -> T { try request.json(type) }

    /// The caller's address, for throttling.
    public var sourceAddress: String { request.event.requestContext.http.sourceIp }
}

/// A route of the public API: one per handler binary.
public protocol APIRoute {
    init()
    func respond(_ call: APICall) throws -> APIGatewayV2Response
    /// Whether the route issues or checks access tokens, so that its function cannot start without
    /// the token secret's ARN (`JWT_SECRET_ARN`): a deployment that forgot it fails at init, before
    /// any request, not at the first sign-in. True unless the route says otherwise.
    static var usesTokens: Bool { get }
}

extension APIRoute {
    public static var usesTokens: Bool { true }
}

extension APIGatewayV2Response {
    /// JSON that must never be cached (it carries account data).
    static func api<Value: Encodable>(
        _ status: Int, _ value: Value, headers: [String: String] = [:]
    ) throws
        -> APIGatewayV2Response
    {
        var all = headers
        all["cache-control"] = "no-store"
        return try .json(status, value, headers: all)
    }

    static var noContent: APIGatewayV2Response { .empty(204, headers: ["cache-control": "no-store"]) }
}

/// Runs a route as a Lambda function: errors of the API become their responses, a storage
/// outage a 503 the client may retry, anything else a 500 whose details go only to the log.
/// Each request logs one line with its route, status, duration and user.
public struct APIFunction<Route: APIRoute>: ByteLambdaHandler {
    let route = Route()
    let services: Services

    public init() throws {
        services = try Services.fromEnvironment()
        if Route.usesTokens { _ = try Environment.require("JWT_SECRET_ARN") }
    }

    /// The route over services made elsewhere: a test calls its handler directly, with an event and
    /// a context, as Lambda does.
    public init(services: Services) {
        self.services = services
    }

    /// An event the runtime cannot read (a query parameter whose name holds a NUL byte, which JSON
    /// parsers refuse in object keys) is the client's malformed request: a 400, not a failed invocation.
    public func handle(_ payload: [UInt8], context: LambdaContext) throws -> [UInt8] {
        let response: APIGatewayV2Response
        do {
            let event = try JSON.decode(APIGatewayV2Request.self, from: payload)
            response = handle(event, context: context)
        } catch {
            context.logger.warn("unreadable request event: \(error)")
            response =
                APIError.badRequest(
                    "The request could not be read: its path, query or headers hold characters that are not allowed."
                ).response
        }
        return try JSON.encode(Self.secured(response))
    }

    /// Every answer of the API, whatever route made it: never stored by a cache (they carry
    /// account data, tokens or presigned URLs) and never sniffed into another content type.
    static func secured(_ response: APIGatewayV2Response) -> APIGatewayV2Response {
        var response = response
        var headers = (response.headers ?? [:]).filter {
            !["cache-control", "x-content-type-options"].contains($0.key.lowercased())
        }
        headers["cache-control"] = "no-store"
        headers["x-content-type-options"] = "nosniff"
        response.headers = headers
        return response
    }

    public func handle(_ event: APIGatewayV2Request, context: LambdaContext) -> APIGatewayV2Response {
        let started = Timestamp.now()
        let call = APICall(request: APIRequest(event), context: context, services: services, now: started)
        var response: APIGatewayV2Response
        var failure: String?
        do {
            response = try route.respond(call)
        } catch let error where APIError(error) != nil {
            response = APIError(error)?.response ?? APIError.internalError.response
        } catch let error as AWSError where error.isTransient {
            failure = error.description
            response =
                APIError(
                    status: 503, code: "unavailable",
                    message: "Storage is not answering right now; try again in a few seconds.",
                    headers: ["retry-after": "2"]
                ).response
        } catch {
            failure = "\(error)"
            response = APIError.internalError.response
        }
        var fields: [(String, String)] = [
            ("route", event.routeKey), ("status", String(response.statusCode)),
            ("durationMs", String(Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch)),
        ]
        if let userID = call.userID { fields.append(("userId", userID)) }
        if let jobID = call.jobID { fields.append(("jobId", jobID)) }
        if let failure {
            context.logger.error("request failed: \(failure)", fields)
        } else {
            context.logger.info("request", fields)
        }
        return ResponseCompression.apply(Self.secured(response), acceptEncoding: event.header("accept-encoding"))
    }
}

/// The entry point of a route's binary: `API.run(SignupRoute.self)`.
public enum API {
    public static func run<Route: APIRoute>(_ route: Route.Type) -> Never {
        Lambda.runBytes { try APIFunction<Route>() }
    }
}
