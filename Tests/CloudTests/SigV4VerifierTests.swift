import Foundation
import Testing

@testable import Cloud
@testable import Runtime

/// Verification of incoming signatures (the emulator's check), against what our signer produces.
@Suite struct SigV4VerifierTests {
    let credentials = AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret")
    let time = Timestamp(iso8601: "2026-11-28T16:00:00Z")!
    var verifier: SigV4Verifier { SigV4Verifier { $0 == "local" ? "local-secret" : nil } }

    func signedDynamoDBRequest(body: String) -> SignableRequest {
        var request = SignableRequest(
            method: "POST", path: "/",
            headers: [
                ("Host", "127.0.0.1:4566"), ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Amz-Target", "DynamoDB_20120810.GetItem"),
            ])
        SigV4(credentials: credentials, region: "us-east-1", service: "dynamodb")
            .sign(&request, payloadHash: Digest.sha256Hex(body), at: time)
        return request
    }

    @Test func headerSignedRequestVerifiesAndNamesItsScope() throws {
        let body = #"{"TableName":"t"}"#
        let verified = try verifier.verify(
            signedDynamoDBRequest(body: body), payloadHash: Digest.sha256Hex(body), now: time.adding(seconds: 60))
        #expect(
            verified
                == .init(
                    accessKeyID: "local", region: "us-east-1", service: "dynamodb",
                    signedHeaders: ["content-type", "host", "x-amz-date", "x-amz-target"], isPresigned: false))
    }

    @Test func tamperedBodyHeaderOrKeyIsRefused() {
        let body = #"{"TableName":"t"}"#
        let request = signedDynamoDBRequest(body: body)
        #expect {
            try verifier.verify(request, payloadHash: Digest.sha256Hex(#"{"TableName":"other"}"#), now: time)
        } throws: {
            ($0 as? SignatureError)?.kind == .mismatch
        }
        var changed = request
        changed.setHeader("X-Amz-Target", "DynamoDB_20120810.DeleteItem")
        #expect { try verifier.verify(changed, payloadHash: Digest.sha256Hex(body), now: time) } throws: {
            ($0 as? SignatureError)?.kind == .mismatch
        }
        var foreign = request
        foreign.setHeader(
            "Authorization",
            request.header("Authorization")!.replacingOccurrences(of: "Credential=local/", with: "Credential=other/"))
        #expect { try verifier.verify(foreign, payloadHash: Digest.sha256Hex(body), now: time) } throws: {
            ($0 as? SignatureError)?.kind == .unknownAccessKey
        }
        #expect {
            try verifier.verify(request, payloadHash: Digest.sha256Hex(body), now: time.adding(seconds: 16 * 60))
        } throws: {
            ($0 as? SignatureError)?.kind == .skewed
        }
        var unsigned = request
        unsigned.headers.removeAll { $0.name == "Authorization" }
        #expect { try verifier.verify(unsigned, payloadHash: "", now: time) } throws: {
            ($0 as? SignatureError)?.kind == .missing
        }
    }

    /// A presigned S3 PUT as the API hands it to a browser: the content type and length are signed.
    func presignedPut(contentType: String, length: Int) -> (SignableRequest, String) {
        let signer = SigV4(credentials: credentials, region: "us-east-1", service: "s3")
        let request = SignableRequest(
            method: "PUT", path: "/media/uploads/u1/j1/source",
            headers: [
                ("Host", "127.0.0.1:4566"), ("Content-Type", contentType), ("Content-Length", String(length)),
            ])
        return (request, signer.presignedQuery(request, expires: 900, at: time))
    }

    @Test func presignedUploadVerifiesOnlyWithTheSignedTypeAndLengthUntilItExpires() throws {
        let (request, query) = presignedPut(contentType: "audio/mpeg", length: 1000)
        var upload = request
        upload.query = query
        let verified = try verifier.verify(upload, payloadHash: "", now: time.adding(seconds: 899))
        #expect(verified.isPresigned)
        #expect(verified.signedHeaders == ["content-length", "content-type", "host"])

        var otherType = upload
        otherType.setHeader("Content-Type", "text/html")
        #expect { try verifier.verify(otherType, payloadHash: "", now: time) } throws: {
            ($0 as? SignatureError)?.kind == .mismatch
        }
        var otherLength = upload
        otherLength.setHeader("Content-Length", "5000000")
        #expect { try verifier.verify(otherLength, payloadHash: "", now: time) } throws: {
            ($0 as? SignatureError)?.kind == .mismatch
        }
        var otherKey = upload
        otherKey.path = "/media/uploads/u2/j9/source"
        #expect { try verifier.verify(otherKey, payloadHash: "", now: time) } throws: {
            ($0 as? SignatureError)?.kind == .mismatch
        }
        #expect { try verifier.verify(upload, payloadHash: "", now: time.adding(seconds: 901)) } throws: {
            ($0 as? SignatureError)?.kind == .expired
        }
        var missingHeader = upload
        missingHeader.headers.removeAll { $0.name == "Content-Length" }
        #expect { try verifier.verify(missingHeader, payloadHash: "", now: time) } throws: {
            ($0 as? SignatureError)?.kind == .malformed
        }
    }

    @Test func s3HeaderSignedPayloadHashMustMatchTheBody() throws {
        var request = SignableRequest(method: "PUT", path: "/media/k", headers: [("Host", "127.0.0.1:4566")])
        SigV4(credentials: credentials, region: "us-east-1", service: "s3").sign(
            &request, payloadHash: Digest.sha256Hex("abc"), at: time)
        _ = try verifier.verify(request, payloadHash: Digest.sha256Hex("abc"), now: time)
        #expect { try verifier.verify(request, payloadHash: Digest.sha256Hex("abd"), now: time) } throws: {
            ($0 as? SignatureError)?.kind == .contentMismatch
        }
    }

    @Test func sessionTokenIsSignedAndSent() {
        let temporary = AWSCredentials(accessKeyID: "ASIA", secretAccessKey: "s", sessionToken: "token/+=")
        var request = SignableRequest(method: "GET", path: "/", headers: [("Host", "h")])
        SigV4(credentials: temporary, region: "us-east-1", service: "sqs").sign(
            &request, payloadHash: SigV4.emptyPayloadHash, at: time)
        #expect(request.header("X-Amz-Security-Token") == "token/+=")
        #expect(request.header("Authorization")?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token") == true)
        let query = SigV4(credentials: temporary, region: "us-east-1", service: "s3").presignedQuery(
            request, expires: 60, at: time)
        #expect(query.contains("X-Amz-Security-Token=token%2F%2B%3D"))
    }
}
