import Foundation
import TestSupport
import Testing

@testable import Cloud
@testable import Runtime

/// AWS's SigV4 test suite (`../shared/testdata/sigv4`, from aws-c-auth): for every case, the
/// canonical request, string to sign and signature of both header signing and presigned URLs.
@Suite struct SigV4TestSuiteTests {
    struct Case {
        var name: String
        var request: SignableRequest
        var body: [UInt8]
        var signer: SigV4
        var time: Timestamp
        var normalize: Bool
        var signBody: Bool
        var omitSessionToken: Bool
        var expires: Int

        func expected(_ file: String) throws -> String {
            try String(
                contentsOf: SigV4TestSuiteTests.folder.appendingPathComponent(name).appendingPathComponent(file),
                encoding: .utf8)
        }
    }

    static let folder = TestPaths.shared.appendingPathComponent("testdata/sigv4")

    static let caseNames: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter {
                FileManager.default.fileExists(
                    atPath: folder.appendingPathComponent($0).appendingPathComponent("context.json").path)
            }
            .sorted()
    }()

    /// Reads `request.txt`: request line (its target may hold spaces), headers with folded
    /// continuation lines, and the body after a blank line.
    static func load(_ name: String) throws -> Case {
        let dir = folder.appendingPathComponent(name)
        let context = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("context.json")))
                as? [String: Any])
        let raw = try String(contentsOf: dir.appendingPathComponent("request.txt"), encoding: .utf8)
        let (head, body): (Substring, String) = {
            if let range = raw.range(of: "\n\n") { return (raw[..<range.lowerBound], String(raw[range.upperBound...])) }
            return (Substring(raw.hasSuffix("\n") ? String(raw.dropLast()) : raw), "")
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ")
        let method = String(requestLine.first!)
        let target = requestLine.dropFirst().dropLast().joined(separator: " ")
        var headers: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += " " + line.trimmingWhitespace()
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        let credentials = try #require(context["credentials"] as? [String: Any])
        let signer = SigV4(
            credentials: AWSCredentials(
                accessKeyID: credentials["access_key_id"] as! String,
                secretAccessKey: credentials["secret_access_key"] as! String,
                sessionToken: credentials["token"] as? String),
            region: context["region"] as! String, service: context["service"] as! String)
        return Case(
            name: name, request: SignableRequest(method: method, target: target, headers: headers),
            body: Array(body.utf8),
            signer: signer, time: try #require(Timestamp(iso8601: context["timestamp"] as! String)),
            normalize: context["normalize"] as? Bool ?? true, signBody: context["sign_body"] as? Bool ?? false,
            omitSessionToken: context["omit_session_token"] as? Bool ?? false,
            expires: context["expiration_in_seconds"] as? Int ?? 3600)
    }

    @Test func theSuiteIsPresent() {
        #expect(Self.caseNames.count == 38, "expected the 38 cases of ../shared/testdata/sigv4")
    }

    @Test(arguments: caseNames)
    func headerSigningMatchesTheSuite(_ name: String) throws {
        let test = try Self.load(name)
        var request = test.request
        let hash = test.signBody ? Digest.sha256Hex(test.body) : SigV4.emptyPayloadHash
        let result = test.signer.sign(
            &request, payloadHash: hash, at: test.time, addContentSHA256Header: test.signBody,
            signSessionToken: !test.omitSessionToken, normalizePath: test.normalize)
        #expect(result.canonicalRequest == (try test.expected("header-canonical-request.txt")))
        #expect(result.stringToSign == (try test.expected("header-string-to-sign.txt")))
        #expect(result.signature == (try test.expected("header-signature.txt")))
        let signedRequest = try test.expected("header-signed-request.txt")
        let authorization = try #require(signedRequest.split(separator: "\n").first { $0.hasPrefix("Authorization:") })
        #expect(request.header("Authorization") == String(authorization.dropFirst("Authorization:".count)))
    }

    @Test(arguments: caseNames)
    func presigningMatchesTheSuite(_ name: String) throws {
        let test = try Self.load(name)
        // With `sign_body`, the presigned form signs the body's hash too (no header carries it).
        let hash = test.signBody ? Digest.sha256Hex(test.body) : SigV4.emptyPayloadHash
        let result = test.signer.presign(
            test.request, expires: test.expires, at: test.time, payloadHash: hash,
            signSessionToken: !test.omitSessionToken, normalizePath: test.normalize)
        #expect(result.canonicalRequest == (try test.expected("query-canonical-request.txt")))
        #expect(result.stringToSign == (try test.expected("query-string-to-sign.txt")))
        #expect(result.signature == (try test.expected("query-signature.txt")))
    }
}
