import Cloud
import Runtime

/// Signed webhooks: each delivery carries `Transcriptor-Signature: t=<unix seconds>,v1=<hex>`,
/// where the hex is HMAC-SHA256 under the user's webhook secret of `"<t>.<raw body>"`. A receiver
/// recomputes it over the raw body, compares in constant time, and refuses timestamps older than
/// its tolerance (replays). Several `v1=` values may appear while a secret is being rotated.
public struct WebhookSignature: Sendable {
    public static let headerName = "Transcriptor-Signature"

    /// A new secret for a user (`whsec_` and 32 random bytes), shown in `GET /v1/me`.
    public static func newSecret() -> String {
        "whsec_" + Base64.encode(RandomBytes.generate(count: 32), urlSafe: true)
    }

    /// The header value for a delivery of `body` at `time`.
    public static func header(secret: String, body: [UInt8], at time: Timestamp = .now()) -> String {
        "t=\(time.secondsSinceEpoch),v1=\(signature(secret: secret, timestamp: time.secondsSinceEpoch, body: body))"
    }

    static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        Hex.encode(Digest.hmacSHA256(key: Array(secret.utf8), data: Array("\(timestamp).".utf8) + body))
    }

    public enum Failure: Error, Equatable, Sendable { case malformed, tooOld, mismatch }

    /// Checks a delivery as a receiver would (the README shows the same steps in Python).
    /// - Throws: `Failure` when the header is malformed, too old, or signed with another secret.
    public static func verify(
        header: String, body: [UInt8], secret: String, now: Timestamp = .now(),
        toleranceSeconds: Int64 = 300
    ) throws(Failure) {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard pair.count == 2 else { throw .malformed }
            if pair[0] == "t" { timestamp = Int64(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformed }
        guard abs(now.secondsSinceEpoch - timestamp) <= toleranceSeconds else { throw .tooOld }
        let expected = signature(secret: secret, timestamp: timestamp, body: body)
        guard signatures.contains(where: { constantTimeEquals($0, expected) }) else { throw .mismatch }
    }
}
