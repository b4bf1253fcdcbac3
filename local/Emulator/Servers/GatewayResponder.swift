import Foundation
import Hummingbird
import LocalGateway
import LocalTemplate
import Runtime

/// The API gateway on 127.0.0.1:3000: HTTP API routes to functions (payload 2.0), CORS as the
/// template configures it, the web UI with its SPA fallback, and the operator pages under `/_local/`.
struct GatewayResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    /// An HTTP API's largest request body (10 MB).
    static let maxBody = 10 * 1024 * 1024

    let lambda: LambdaService
    let routes: RouteTable
    let cors: LocalGateway.CORSConfiguration?
    let staticFiles: StaticFiles
    let operatorPages: OperatorPages
    /// The template's `WebOrigin` (`http://127.0.0.1:3000`): the one origin the bucket's CORS rules
    /// and the mail links know.
    var webOrigin: String? = nil
    /// The CSP and the other headers of the web app's pages and assets.
    var webHeaders = WebSecurityHeaders(bucketOrigin: nil)

    func respond(to request: Request, context: Context) async throws -> Response {
        // A page of another site reaches 127.0.0.1 by DNS rebinding with its own name as Host: it
        // must not read the operator pages (mail.json holds every reset link) nor call the API.
        guard LoopbackHost.accepts(request.head.authority) else { return .misdirected }
        let (rawPath, rawQuery) = request.rawPathAndQuery
        let path = rawPath.removingPercentEncoding ?? rawPath
        if path == "/_local" || path.hasPrefix("/_local/") { return await operatorPages.respond(path: path) }
        guard let body = try await request.collectBytes(limit: Self.maxBody) else { return Response(.error(413)) }
        let gatewayRequest = GatewayRequest(
            method: request.method.rawValue, rawPath: rawPath, rawQuery: rawQuery, headers: request.headerPairs,
            body: body,
            sourceIP: "127.0.0.1", protocolVersion: "HTTP/1.1")
        if let cors, let preflight = cors.preflight(gatewayRequest) { return Response(preflight) }
        let response: GatewayResponse
        if let match = routes.match(method: gatewayRequest.method, path: path) {
            response = await invoke(match, gatewayRequest)
        } else if path == "/v1" || path.hasPrefix("/v1/") || !["GET", "HEAD"].contains(gatewayRequest.method) {
            response = .error(404)
        } else if let redirect = Self.canonicalPage(host: request.head.authority, webOrigin: webOrigin) {
            // The UI opened as localhost: the same port on 127.0.0.1, where uploads are allowed.
            var location = redirect + rawPath
            if !rawQuery.isEmpty { location += "?" + rawQuery }
            response = webHeaders.decorate(GatewayResponse(status: 308, headers: [("Location", location)], body: []))
        } else {
            response = webHeaders.decorate(staticFiles.respond(path: path, head: gatewayRequest.method == "HEAD"))
        }
        return Response(cors.map { $0.decorate(response, for: gatewayRequest) } ?? response)
    }

    /// The web origin to send a page request to when it came as `localhost` for the web origin's
    /// `127.0.0.1` and port; nil otherwise. The bucket's CORS rules name one origin, as on AWS, so a
    /// page served as `localhost` could not upload.
    static func canonicalPage(host: String?, webOrigin: String?) -> String? {
        guard let host, let webOrigin, webOrigin.hasPrefix("http://127.0.0.1:") else { return nil }
        let port = webOrigin.dropFirst("http://127.0.0.1:".count)
        return host.lowercased() == "localhost:\(port)" ? webOrigin : nil
    }

    private func invoke(_ match: RouteMatch, _ request: GatewayRequest) async -> GatewayResponse {
        let requestID = Base64.encode(RandomBytes.generate(count: 12), urlSafe: true)
        let event = PayloadV2.event(
            for: request, match: match, requestID: requestID, time: .now(), accountID: lambda.context.accountID)
        guard let payload = try? JSON.encode(event) else { return .error(500) }
        guard payload.count <= LambdaService.maxSyncPayload else { return .error(413) }
        do {
            let result = try await lambda.invoke(match.route.function, payload: payload)
            switch result.kind {
            case .throttled: return .error(429)
            case .functionError: return .error(500)
            case .success: return PayloadV2.response(fromFunctionPayload: result.payload)
            }
        } catch {
            return .error(500)
        }
    }
}
