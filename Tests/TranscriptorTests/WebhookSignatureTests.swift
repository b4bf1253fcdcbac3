import Foundation
import TestSupport
import Testing

@testable import Runtime
@testable import Transcriptor

/// Webhook signatures: verification, replay tolerance, rotation, and the receiver's recipe in
/// Python (as the README gives it) accepting what we send.
@Suite struct WebhookSignatureTests {
    let secret = "whsec_test-secret-for-signatures"
    let body = Array(#"{"type":"job.completed","job":{"id":"j1","status":"done"}}"#.utf8)
    let now = Timestamp(iso8601: "2026-11-28T16:00:00Z")!

    @Test func aSignedDeliveryVerifiesAndTamperingIsCaught() throws {
        let header = WebhookSignature.header(secret: secret, body: body, at: now)
        #expect(header.hasPrefix("t=1795881600,v1="))
        try WebhookSignature.verify(header: header, body: body, secret: secret, now: now.adding(seconds: 10))
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try WebhookSignature.verify(header: header, body: body + [0x20], secret: secret, now: now)
        }
        #expect(throws: WebhookSignature.Failure.mismatch) {
            try WebhookSignature.verify(header: header, body: body, secret: "whsec_other", now: now)
        }
        #expect(throws: WebhookSignature.Failure.tooOld) {
            try WebhookSignature.verify(header: header, body: body, secret: secret, now: now.adding(seconds: 301))
        }
        for malformed in ["", "t=1", "v1=abc", "t=x,v1=abc", "nonsense"] {
            #expect(throws: WebhookSignature.Failure.self) {
                try WebhookSignature.verify(header: malformed, body: body, secret: secret, now: now)
            }
        }
    }

    @Test func duringRotationEitherSecretsSignatureIsAccepted() throws {
        let old = WebhookSignature.header(secret: "whsec_old", body: body, at: now)
        let new = WebhookSignature.header(secret: secret, body: body, at: now)
        let both = old + "," + new.split(separator: ",")[1]
        try WebhookSignature.verify(header: both, body: body, secret: secret, now: now)
        try WebhookSignature.verify(header: both, body: body, secret: "whsec_old", now: now)
        #expect(WebhookSignature.newSecret().hasPrefix("whsec_"))
        #expect(WebhookSignature.newSecret() != WebhookSignature.newSecret())
    }

    @Test func aPythonReceiverAcceptsOurSignature() throws {
        let header = WebhookSignature.header(secret: secret, body: body)
        let script = """
            import hashlib, hmac, sys, time
            secret, header, body = sys.argv[1], sys.argv[2], sys.argv[3].encode()
            fields = dict(part.split("=", 1) for part in header.split(","))
            expected = hmac.new(secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
            fresh = abs(time.time() - int(fields["t"])) <= 300
            print("valid" if fresh and hmac.compare_digest(expected, fields["v1"]) else "invalid")
            """
        let result = try runProcess(
            "/usr/bin/env", ["python3", "-c", script, secret, header, String(decoding: body, as: UTF8.self)])
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "valid")
    }
}
