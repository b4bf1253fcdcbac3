import Cloud
import Foundation
import HTTP
import TestSupport
import Testing

@testable import Runtime

/// What other pages in the developer's browser, and careless or broken clients, can do to the
/// emulator over the wire: DNS rebinding (a foreign `Host`), bodies without a valid signature,
/// bodies over the limits, uploads cut off half-way.
@Suite(.serialized) struct ExposureTests {
    let credentials = AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret")
    let bucket = "transcriptor-local-media"

    // MARK: Host

    @Test func theGatewayRefusesAForeignHostAndServesLoopbackNames() throws {
        let emulator = try EmulatorHarness()
        let port = try #require(try Endpoint(url: emulator.gateway).port)
        for host in [
            "evil.example", "evil.example:\(port)", "127.0.0.1.nip.io:\(port)", "localhost.evil.example:\(port)",
            "127.0.0.1:\(port)@evil.example", "[::2]:\(port)", "128.0.0.1:\(port)", "0x7f.0.0.1:\(port)",
        ] {
            for path in ["/_local/mail.json", "/_local/status.json", "/v1/echo"] {
                let response = try RawExchange(url: emulator.gateway).get(path, host: host)
                #expect(response?.status == 421, "\(host) \(path)")
                #expect(response?.body.contains("Misdirected") == true)
            }
        }
        let missing = try RawExchange(url: emulator.gateway).send(
            Array("GET /_local/mail.json HTTP/1.0\r\n\r\n".utf8))
        #expect(missing?.status == 421, "a request without Host is not served either")
        for host in [
            "127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST", "127.1.2.3:\(port)", "app.localhost:\(port)",
            "[::1]:\(port)", "[0:0:0:0:0:0:0:1]",
        ] {
            #expect(
                try RawExchange(url: emulator.gateway).get("/_local/mail.json", host: host)?.status == 200, "\(host)")
            #expect(try RawExchange(url: emulator.gateway).get("/v1/echo", host: host)?.status == 200, "\(host)")
        }
    }

    @Test func theAWSEndpointRefusesAForeignHostEvenWellSigned() throws {
        let emulator = try EmulatorHarness(template: "services.yaml")
        let port = try #require(try Endpoint(url: emulator.aws).port)
        for (host, status) in [("evil.example:\(port)", 421), ("127.0.0.1:\(port)", 200), ("localhost:\(port)", 200)] {
            var request = SignableRequest(method: "GET", path: "/", headers: [("Host", host)])
            SigV4(credentials: credentials, region: "us-east-1", service: "s3")
                .sign(&request, payloadHash: SigV4.emptyPayloadHash, at: .now())
            let response = try RawExchange(url: emulator.aws).send(RawExchange.head(request))
            #expect(response?.status == status, "\(host): \(response?.body ?? "")")
        }
    }

    @Test func aPageOfAnotherSiteCannotUseThePublicLocalCredentials() throws {
        let emulator = try EmulatorHarness()
        let host = try Endpoint(url: emulator.aws).hostHeader
        let body = Array(#"{"from":"a form"}"#.utf8)
        func formPost(origin: String?, signedBody: [UInt8], sentBody: [UInt8]) throws -> (status: Int, body: String)? {
            // An Invoke presigned with the public credentials: what a form on any page can send,
            // without a preflight.
            let request = SignableRequest(
                method: "POST", path: "/2015-03-31/functions/Echo/invocations", headers: [("Host", host)])
            let query = SigV4(credentials: credentials, region: "us-east-1", service: "lambda").presignedQuery(
                request, expires: 300, at: .now(), payloadHash: Digest.sha256Hex(signedBody))
            var head = "POST \(request.path)?\(query) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: text/plain\r\n"
            if let origin { head += "Origin: \(origin)\r\n" }
            head += "Content-Length: \(sentBody.count)\r\nConnection: close\r\n\r\n"
            return try RawExchange(url: emulator.aws).send(Array(head.utf8) + sentBody)
        }
        for origin in ["http://evil.example", "null", "http://127.0.0.1:3000"] {
            let foreign = try formPost(origin: origin, signedBody: [], sentBody: [])
            #expect(foreign?.status == 403, "\(origin): \(foreign?.body ?? "no answer")")
            #expect(foreign?.body.contains("AccessForbidden") == true, "\(origin): the function did not run")
        }
        #expect(try formPost(origin: nil, signedBody: [], sentBody: [])?.status == 200)
        // Without a browser's Origin, the presigned request works, with the body it was signed for only.
        #expect(
            try formPost(origin: nil, signedBody: body, sentBody: body)?.body.contains(#"{"from":"a form"}"#) == true)
        let swapped = try formPost(origin: nil, signedBody: [], sentBody: body)
        #expect(swapped?.status == 403, "a presigned Invoke is not replayed with another body")
    }

    @Test func aFunctionsRuntimeAPIServesOnlyItsProcess() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.invoke("Echo", payload: #"{"warm":1}"#)
        let status = try JSON.decode(JSONValue.self, from: emulator.request(.get, "/_local/status.json").body)
        let echo = try #require(status["functions"]?.arrayValue?.first { $0["name"] == "Echo" })
        let pid = try #require(echo["processes"]?[0]?.intValue)
        // The process's own address of its Runtime API, from its environment.
        let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        let runtimeAPI = try #require(
            String(decoding: environ, as: UTF8.self).split(separator: "\0").first {
                $0.hasPrefix("AWS_LAMBDA_RUNTIME_API=")
            }?.dropFirst("AWS_LAMBDA_RUNTIME_API=".count))
        for (host, origin) in [("evil.example", nil), (String(runtimeAPI), "http://evil.example")]
            as [(String, String?)]
        {
            var head = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: \(host)\r\n"
            if let origin { head += "Origin: \(origin)\r\n" }
            let exchange = try RawExchange(url: "http://\(runtimeAPI)")
            try exchange.write(Array((head + "\r\n").utf8))
            let response = exchange.readResponse(timeout: 3)
            #expect(
                response?.status == 403,
                "\(host) \(origin ?? ""): \(response?.body ?? "no answer: it waits for the next event")")
            exchange.close()
        }
        // The process still gets its events.
        let after = try emulator.invoke("Echo", payload: #"{"after":"attempts"}"#)
        #expect(after.bodyText.contains("attempts"), "\(after.bodyText)")
    }

    // MARK: Bodies

    /// Files under the data folder's `s3/` (objects, temporary files, uploads) and their bytes.
    func storedBytes(_ emulator: EmulatorHarness) -> (files: Int, bytes: Int) {
        let root = emulator.dataDirectory + "/s3"
        var files = 0
        var bytes = 0
        for case let relative as String in FileManager.default.enumerator(atPath: root) ?? .init() {
            let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + relative)
            guard attributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            files += 1
            bytes += (attributes?[.size] as? Int) ?? 0
        }
        return (files, bytes)
    }

    /// A PUT of `length` bytes to `key`: its head (signed with `secret`, or unsigned) and the body.
    func put(
        _ emulator: EmulatorHarness, key: String, length: Int, secret: String? = "local-secret",
        declaredHash: String? = nil
    ) throws -> (head: [UInt8], body: [UInt8]) {
        let body = [UInt8](repeating: 0x61, count: length)
        var request = SignableRequest(
            method: "PUT", path: "/\(bucket)/\(key)",
            headers: [("Host", try Endpoint(url: emulator.aws).hostHeader), ("Content-Length", "\(length)")])
        if let secret {
            SigV4(
                credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: secret), region: "us-east-1",
                service: "s3"
            ).sign(&request, payloadHash: declaredHash ?? Digest.sha256Hex(body), at: .now())
        }
        return (RawExchange.head(request), body)
    }

    /// The head of a PUT to a presigned URL for `length` bytes.
    func presignedPut(_ emulator: EmulatorHarness, key: String, length: Int64) throws -> [UInt8] {
        let (url, headers) = try S3Client(configuration: configuration(emulator)).presignedPutURL(
            bucket: bucket, key: key, expires: 300, contentType: "audio/mpeg", contentLength: length)
        var text =
            "PUT \(url.dropFirst(emulator.aws.count)) HTTP/1.1\r\nHost: \(try Endpoint(url: emulator.aws).hostHeader)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    @Test func aBigPutWithoutAValidSignatureIsRefusedBeforeItsBodyReachesTheDisk() throws {
        let emulator = try EmulatorHarness(template: "services.yaml")
        for (name, secret) in [("wrong signature", "wrong-secret"), ("unsigned", nil)] as [(String, String?)] {
            let (head, body) = try put(emulator, key: "big", length: 64 * 1024 * 1024, secret: secret)
            let exchange = try RawExchange(url: emulator.aws)
            try exchange.write(head)
            try exchange.write(Array(body.prefix(512 * 1024)))
            // The answer comes while the client is still sending: nothing waits for the 64 MiB.
            let response = exchange.readResponse(timeout: 10)
            #expect(response?.status == 403, "\(name): \(response?.body ?? "no answer")")
            #expect(
                response?.body.contains(secret == nil ? "AccessDenied" : "SignatureDoesNotMatch") == true, "\(name)")
            #expect(storedBytes(emulator).bytes == 0, "\(name): no byte of the body was written")
            exchange.close()
        }
        #expect(storedBytes(emulator).files == 0)
    }

    @Test func aBodyThatIsNotTheSignedOneLeavesNoFile() throws {
        let emulator = try EmulatorHarness(template: "services.yaml")
        let (head, body) = try put(
            emulator, key: "swapped", length: 2 * 1024 * 1024, declaredHash: Digest.sha256Hex(Array("other".utf8)))
        let response = try RawExchange(url: emulator.aws).send(head + body)
        #expect(response?.status == 400)
        #expect(response?.body.contains("XAmzContentSHA256Mismatch") == true)
        #expect(storedBytes(emulator).files == 0)
        let s3 = try S3Client(configuration: configuration(emulator))
        #expect(throws: AWSError.self) { try s3.headObject(bucket: bucket, key: "swapped") }
    }

    @Test func bodiesOverTheLimitsAreRefusedInAWSsShapes() throws {
        let emulator = try EmulatorHarness(template: "services.yaml")
        // A presigned PUT declaring 6 GiB: refused at once, before any body.
        let head = try presignedPut(emulator, key: "huge", length: 6 << 30)
        let exchange = try RawExchange(url: emulator.aws)
        try exchange.write(head + [UInt8](repeating: 0, count: 64 * 1024))
        let huge = exchange.readResponse(timeout: 10)
        exchange.close()
        #expect(huge?.status == 400, "\(huge?.body ?? "no answer")")
        #expect(huge?.body.contains("EntityTooLarge") == true)
        #expect(storedBytes(emulator).files == 0)

        // A well-signed SQS request of 5 MiB, chunked (no Content-Length to refuse it by): counted.
        let queueURL = try SQSClient(configuration: configuration(emulator)).getQueueURL(
            name: "transcriptor-local-Failures")
        let json = Array(
            (#"{"QueueUrl":"\#(queueURL)","MessageBody":""# + String(repeating: "x", count: 5 << 20) + #""}"#).utf8)
        var request = SignableRequest(
            method: "POST", path: "/",
            headers: [
                ("Host", try Endpoint(url: emulator.aws).hostHeader), ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Amz-Target", "AmazonSQS.SendMessage"), ("Transfer-Encoding", "chunked"),
            ])
        SigV4(credentials: credentials, region: "us-east-1", service: "sqs")
            .sign(&request, payloadHash: Digest.sha256Hex(json), at: .now())
        var chunked: [UInt8] = []
        for start in stride(from: 0, to: json.count, by: 1 << 20) {
            let chunk = json[start..<min(start + (1 << 20), json.count)]
            chunked += Array((String(chunk.count, radix: 16) + "\r\n").utf8) + chunk + Array("\r\n".utf8)
        }
        chunked += Array("0\r\n\r\n".utf8)
        let tooLarge = try RawExchange(url: emulator.aws).send(RawExchange.head(request) + chunked)
        #expect(tooLarge?.status == 413, "\(tooLarge?.body ?? "no answer")")
        #expect(tooLarge?.body.contains("RequestEntityTooLargeException") == true)
    }

    @Test(arguments: ["header-signed", "presigned"])
    func anUploadCutOffHalfWayLeavesNoFile(signing: String) throws {
        let emulator = try EmulatorHarness(template: "services.yaml")
        let length = 8 * 1024 * 1024
        let head: [UInt8]
        let body = [UInt8](repeating: 0x62, count: length)
        if signing == "presigned" {
            head = try presignedPut(emulator, key: "cut", length: Int64(length))
        } else {
            head = try put(emulator, key: "cut", length: length).head
        }
        let exchange = try RawExchange(url: emulator.aws)
        try exchange.write(head)
        try exchange.write(Array(body.prefix(length / 2)))
        // The emulator has taken the first half (it is being written) before the client goes away.
        try waitFor { storedBytes(emulator).bytes >= 1024 * 1024 }
        exchange.close()
        try waitFor { storedBytes(emulator).files == 0 }
        #expect(storedBytes(emulator).files == 0, "the cut body's file is removed")
        let s3 = try S3Client(configuration: configuration(emulator))
        #expect(throws: AWSError.self) { try s3.headObject(bucket: bucket, key: "cut") }
    }

    func configuration(_ emulator: EmulatorHarness) throws -> AWSConfiguration {
        let endpoint = try Endpoint(url: emulator.aws)
        return AWSConfiguration(
            region: "us-east-1", credentials: credentials,
            endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
    }
}

/// One HTTP/1.1 exchange over a plain socket, for what a well-behaved client will not send: a
/// foreign `Host`, no `Host`, a body cut off half-way.
final class RawExchange {
    private let socket: Int32

    init(url: String) throws {
        guard let port = try Endpoint(url: url).port else { throw ServerError("no port in \(url)") }
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ServerError("connect failed: errno \(errno)") }
    }

    deinit { close() }

    private var closed = false
    func close() {
        if !closed { _ = Glibc.close(socket) }
        closed = true
    }

    /// The request head of `request` (its headers as they are), `Connection: close` added.
    static func head(_ request: SignableRequest) -> [UInt8] {
        var text = "\(request.method) \(request.path)\(request.query.isEmpty ? "" : "?" + request.query) HTTP/1.1\r\n"
        for (name, value) in request.headers { text += "\(name): \(value)\r\n" }
        return Array((text + "Connection: close\r\n\r\n").utf8)
    }

    func get(_ path: String, host: String) throws -> (status: Int, body: String)? {
        try send(Array("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8))
    }

    func send(_ bytes: [UInt8]) throws -> (status: Int, body: String)? {
        try write(bytes)
        return readResponse(timeout: 10)
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw ServerError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// The response's status and text, once its head and `Content-Length` bytes (or the end of the
    /// connection) arrived; nil if no status line came within `timeout` seconds.
    func readResponse(timeout: TimeInterval) -> (status: Int, body: String)? {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }.flatMap {
                        Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
                    } ?? 0
                if text[end.upperBound...].utf8.count >= length { break }
            }
        }
        let text = String(decoding: received, as: UTF8.self)
        guard text.hasPrefix("HTTP/1."), let status = Int(text.dropFirst(9).prefix(3)) else { return nil }
        return (status, text)
    }
}
