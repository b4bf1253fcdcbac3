import Runtime

/// The web app's refresh token, kept in a cookie page scripts cannot read.
///
/// A request that says `X-Transcriptor-Client: web` gets its session's refresh token as
/// `Set-Cookie: refresh=…; HttpOnly; SameSite=Strict; Path=/v1/auth` (`Secure` unless it came over
/// plain HTTP) instead of in the body; other clients get the body tokens as before. Refresh and
/// logout take the token from the body, or else from the cookie; the cookie counts only with that
/// header, which a cross-site form or a simple request cannot send (the CSRF defence, beside
/// SameSite), so a cookie without it is a 403 `csrf_required`.
public enum SessionCookie {
    public static let name = "refresh"
    public static let path = "/v1/auth"
    /// The header the web app sends on every request (lowercased, as the event has it).
    public static let clientHeader = "x-transcriptor-client"
    public static let clientValue = "web"
    /// Refresh tokens are far shorter; a longer cookie is not one of ours.
    static let maxValueLength = 512

    static let csrfRequired = APIError(
        status: 403, code: "csrf_required",
        message:
            "The refresh cookie is only accepted with the header X-Transcriptor-Client: web; API clients send the refreshToken in the body."
    )

    /// Whether the request says it comes from the web app.
    static func isWebClient(_ request: APIRequest) -> Bool {
        request.event.header(clientHeader)?.trimmingWhitespace().lowercased() == clientValue
    }

    /// Whether the cookie gets `Secure`: always, but for a request the gateway says came over
    /// plain HTTP (the local emulator), where a browser would drop a secure cookie.
    static func isSecure(_ request: APIRequest) -> Bool {
        request.event.header("x-forwarded-proto")?.trimmingWhitespace().lowercased() != "http"
    }

    /// `Set-Cookie` for `token`, living as long as refresh tokens do.
    static func setting(_ token: String, secure: Bool) -> String {
        attributes("\(name)=\(token)", maxAge: AccountStore.refreshLifetime, secure: secure)
    }

    /// `Set-Cookie` that makes the browser forget the cookie.
    static func clearing(secure: Bool) -> String { attributes("\(name)=", maxAge: 0, secure: secure) }

    private static func attributes(_ pair: String, maxAge: Int64, secure: Bool) -> String {
        "\(pair); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// What a new session answers: the tokens in the body for API clients; for the web app the
    /// refresh token in the cookie and the rest in the body.
    static func sessionResponse(
        _ status: Int, _ result: AuthResult, for request: APIRequest
    ) throws
        -> APIGatewayV2Response
    {
        guard isWebClient(request) else { return try .api(status, result) }
        struct WebSession: Encodable {
            var user: User
            var accessToken: String
            var expiresIn: Int64
        }
        var response = try APIGatewayV2Response.api(
            status, WebSession(user: result.user, accessToken: result.accessToken, expiresIn: result.expiresIn))
        response.cookies = [setting(result.refreshToken, secure: isSecure(request))]
        return response
    }

    /// The refresh token a refresh or logout presents: the body's `refreshToken` when there is
    /// one, else the cookie's; nil when there is neither.
    /// - Throws: `APIError` 403 `csrf_required` for the cookie without the web app's header, 400
    ///   for a malformed body or cookie (or the cookie sent twice, which nobody but a planter does).
    static func presentedToken(_ request: APIRequest) throws(APIError) -> String? {
        struct Body: Decodable { var refreshToken: String? }
        if !((try? request.event.bodyBytes()) ?? []).isEmpty,
            let token = try request.json(Body.self).refreshToken
        {
            return token
        }
        let cookie: String?
        do {
            cookie = try CookieHeader(pairs: request.event.cookies ?? []).value(of: name)
        } catch {
            throw .badRequest(
                "The request's cookies cannot be read (\(error)); clear this site's cookies and sign in again.",
                code: "invalid_cookie")
        }
        guard let cookie, !cookie.isEmpty else { return nil }
        guard isWebClient(request) else { throw csrfRequired }
        guard cookie.utf8.count <= maxValueLength else {
            throw .badRequest("The refresh cookie is too long to be one; sign in again.", code: "invalid_cookie")
        }
        return cookie
    }

    static let missingToken = APIError.badRequest(
        "The request needs a refreshToken in its body (the web app's refresh cookie, with X-Transcriptor-Client: web, does too)."
    )

    /// `presentedToken`, which a refresh cannot do without: 400 for an API client without one, and
    /// for the web app without its cookie the 401 of a session that is over.
    static func requiredToken(_ request: APIRequest) throws(APIError) -> String {
        if let token = try presentedToken(request) { return token }
        throw isWebClient(request) ? APIError.from(AuthError.invalidRefreshToken) : missingToken
    }

    /// Logout's 204, clearing the web app's cookie.
    static func loggedOut(for request: APIRequest) -> APIGatewayV2Response {
        var response = APIGatewayV2Response.noContent
        if isWebClient(request) { response.cookies = [clearing(secure: isSecure(request))] }
        return response
    }
}
