import HTTP
import Runtime

/// Stripe's API as billing uses it: form-encoded requests under the secret key, JSON answers.
/// The same code talks to Stripe (`https://api.stripe.com`) and to localstripe locally
/// (`STRIPE_API_URL`); docs/localstripe-notes.md records where the two differ, and each call here
/// is written so that it is right against both (a decline is read from the objects' statuses, not
/// only from the HTTP status; an error body may not be JSON).
public struct StripeClient {
    let http: HTTPClient
    let baseURL: String
    let secretKey: String

    /// The API version the code is written against, sent on every request.
    static let apiVersion = "2024-06-20"

    public init(baseURL: String, secretKey: String) throws {
        http = try HTTPClient()
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.secretKey = secretKey
    }

    /// What Stripe refused, or an answer that was not Stripe's (a proxy's page, a crash).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var status: Int
        /// Stripe's `error.code` (`card_declined`, `resource_missing`…), when it gave one.
        public var code: String?
        /// Stripe's message, meant for the customer on card errors.
        public var message: String

        /// A card was declined (a 402, whatever `type` says: localstripe says `invalid_request_error`).
        public var isDecline: Bool { status == 402 || code == "card_declined" }
        /// Worth another attempt: Stripe's own trouble or too many requests.
        public var isTransient: Bool { status >= 500 || status == 429 }

        public var description: String { "Stripe \(status)\(code.map { " \($0)" } ?? ""): \(message)" }
    }

    /// One call. `form` is sent form-encoded (Stripe's bracket nesting: `items[0][plan]`), as the
    /// query of a GET or DELETE.
    /// - Parameter idempotencyKey: Stripe's `Idempotency-Key`, so a retried create makes one object.
    /// - Throws: `Failure` for an answer that is not 2xx; the HTTP client's error when none came.
    public func call(
        _ method: HTTPMethod, _ path: String, _ form: [(String, String)] = [], idempotencyKey: String? = nil
    ) throws -> JSONValue {
        let encoded = Self.formEncoded(form)
        var url = baseURL + path
        var body = HTTPBody.none
        var headers: [(name: String, value: String)] = [
            ("Authorization", "Bearer \(secretKey)"), ("Stripe-Version", Self.apiVersion),
        ]
        if method == .get || method == .delete {
            if !encoded.isEmpty { url += "?" + encoded }
        } else {
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = .bytes(Array(encoded.utf8))
        }
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        let response = try http.execute(
            HTTPRequest(
                method, url: url, headers: headers, body: body, totalTimeout: .seconds(8),
                maxResponseSize: 4 << 20))
        let json = try? JSON.decode(JSONValue.self, from: response.body)
        guard (200..<300).contains(response.status) else {
            let error = json?["error"]
            throw Failure(
                status: response.status, code: error?["code"]?.stringValue,
                message: error?["message"]?.stringValue
                    ?? "Stripe answered \(response.status) without an error body")
        }
        guard let json else {
            throw Failure(status: response.status, code: nil, message: "Stripe's answer is not JSON")
        }
        return json
    }

    /// `a=1&b%5Bc%5D=2`: Stripe's form encoding, every character outside the unreserved set escaped.
    static func formEncoded(_ form: [(String, String)]) -> String {
        form.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }
}
