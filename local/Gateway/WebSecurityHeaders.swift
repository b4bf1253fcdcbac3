/// The headers every page and asset of the web app is served with: a Content-Security-Policy that
/// lets the page run only its own script and Stripe.js and talk only to its own origin (the API),
/// the bucket (presigned uploads and media) and Stripe, `X-Content-Type-Options: nosniff`, a `Referrer-Policy`
/// and a `Permissions-Policy` that turns off what the app never uses.
///
/// On AWS a CloudFront response headers policy sends the same set (see docs/operations.md).
public struct WebSecurityHeaders: Sendable {
    /// The origin presigned S3 URLs point at (`http://127.0.0.1:4566` locally); nil when the app
    /// talks to its own origin only.
    public var bucketOrigin: String?
    /// Stripe's origin (local Stripe's, `http://127.0.0.1:8420`): the page loads Stripe.js from it,
    /// which calls it and may frame it (card authentication). Nil without billing.
    public var stripeOrigin: String?

    /// Each origin is reduced to `scheme://host[:port]`; anything that is not an http(s) URL is
    /// left out rather than written into the policy.
    public init(bucketOrigin: String?, stripeOrigin: String? = nil) {
        self.bucketOrigin = bucketOrigin.flatMap(Self.origin)
        self.stripeOrigin = stripeOrigin.flatMap(Self.origin)
    }

    /// The policy: the app's script and styles from its own origin only (React's `style`
    /// properties are set through the DOM, which `style-src` allows), no plugins, no `<base>`,
    /// no framing, forms only to itself; data: images for the inline favicon.
    public var contentSecurityPolicy: String {
        let bucket = bucketOrigin.map { " \($0)" } ?? ""
        let stripe = stripeOrigin.map { " \($0)" } ?? ""
        return [
            "default-src 'self'", "script-src 'self'\(stripe)", "style-src 'self'", "img-src 'self' data:",
            "font-src 'self'", "connect-src 'self'\(bucket)\(stripe)", "media-src 'self'\(bucket)",
            "frame-src 'self'\(stripe)", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
            "form-action 'self'",
        ].joined(separator: "; ")
    }

    public var headers: [(name: String, value: String)] {
        [
            (name: "Content-Security-Policy", value: contentSecurityPolicy),
            (name: "X-Content-Type-Options", value: "nosniff"),
            (name: "Referrer-Policy", value: "no-referrer"),
            (
                name: "Permissions-Policy",
                value:
                    "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
            ),
            (name: "X-Frame-Options", value: "DENY"),
        ]
    }

    /// `response` with these headers, replacing any of the same names.
    public func decorate(_ response: GatewayResponse) -> GatewayResponse {
        var response = response
        let names = Set(headers.map { $0.name.lowercased() })
        response.headers.removeAll { names.contains($0.name.lowercased()) }
        response.headers += headers
        return response
    }

    /// `http://127.0.0.1:4566/some/path` → `http://127.0.0.1:4566`; nil for anything but a plain
    /// http(s) URL whose host holds only URL-safe characters.
    static func origin(_ url: String) -> String? {
        let lower = url.lowercased()
        let scheme = lower.hasPrefix("http://") ? "http://" : lower.hasPrefix("https://") ? "https://" : nil
        guard let scheme else { return nil }
        let authority = lower.dropFirst(scheme.count).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-:[]")
        guard !authority.isEmpty, authority.allSatisfy({ allowed.contains($0) }) else { return nil }
        return scheme + authority
    }
}
