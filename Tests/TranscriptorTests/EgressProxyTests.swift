import Foundation
import HTTP
import Runtime
import TestSupport
import Testing

@testable import Transcriptor

/// The fetch stage's egress proxy, attacked directly over its socket and through real yt-dlp:
/// every connection is vetted by the URL guard (as a URL, then every resolved address), only the
/// holder of the fetch's credential is served, and malformed, smuggled, huge or slow heads are
/// cut off. Loopback only: a "forbidden" target is a second local port the allow-list leaves out.
@Suite(.serialized) struct EgressProxyTests {
    static let jfkMP3 = try! Data(contentsOf: URL(fileURLWithPath: TestAudio.path("jfk.mp3")))

    /// A guard that admits exactly one loopback port, as the API test's does.
    static func onlyPort(_ port: Int) -> URLGuard {
        URLGuard(allowLoopback: false, allowedHosts: ["127.0.0.1:\(port)"])
    }

    /// Sends `request` to the proxy and returns what it answered (all of it, until it closes).
    static func exchange(_ proxy: EgressProxy, _ request: [UInt8], readTimeout: Double = 5) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = proxy.port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ServerError("cannot connect to the proxy") }
        var time = timeval(tv_sec: Int(readTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            answer += chunk[..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    static func authorization(_ proxy: EgressProxy) -> String {
        let url = proxy.proxyURL
        let userinfo = url.dropFirst("http://".count).prefix { $0 != "@" }
        return "Proxy-Authorization: Basic \(Base64.encode(Array(userinfo.utf8)))\r\n"
    }

    @Test func onlyTheAllowedPortIsReachedAndEveryRefusalIsA403() throws {
        let allowed = try LoopbackHTTPServer { _ in .text(200, "allowed") }
        let forbidden = try LoopbackHTTPServer { _ in .text(200, "forbidden") }
        let proxy = try EgressProxy(urlGuard: Self.onlyPort(allowed.port), logger: Logger(label: "test"))
        defer { proxy.stop() }
        let auth = Self.authorization(proxy)

        let plain = try Self.exchange(
            proxy, Array("GET http://127.0.0.1:\(allowed.port)/a HTTP/1.1\r\nHost: x\r\n\(auth)\r\n".utf8))
        #expect(plain.hasPrefix("HTTP/1.1 200") && plain.hasSuffix("allowed"), "\(plain)")

        let attacks = [
            // The second port, by every spelling.
            "GET http://127.0.0.1:\(forbidden.port)/ HTTP/1.1\r\n",
            "CONNECT 127.0.0.1:\(forbidden.port) HTTP/1.1\r\n",
            "CONNECT 2130706433:\(forbidden.port) HTTP/1.1\r\n",
            "CONNECT 0x7f.1:\(forbidden.port) HTTP/1.1\r\n",
            "CONNECT localhost:\(forbidden.port) HTTP/1.1\r\n",
            "CONNECT [::1]:\(forbidden.port) HTTP/1.1\r\n",
            "CONNECT [::ffff:127.0.0.1]:\(forbidden.port) HTTP/1.1\r\n",
            "GET http://[::ffff:7f00:1]:\(forbidden.port)/ HTTP/1.1\r\n",
            // The metadata service and a private address, never even when listed.
            "CONNECT 169.254.169.254:80 HTTP/1.1\r\n",
            "GET http://10.0.0.1/ HTTP/1.1\r\n",
            // Schemes this proxy never fetches in absolute form.
            "GET ftp://127.0.0.1:\(forbidden.port)/ HTTP/1.1\r\n",
            "GET https://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\n",
        ]
        for line in attacks {
            let answer = try Self.exchange(proxy, Array("\(line)Host: x\r\n\(auth)\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 403"), "\(line): \(answer)")
        }
        // Malformed or smuggling heads are refused before any check.
        let malformed = [
            "GET http://user:pw@127.0.0.1:\(allowed.port)/ HTTP/1.1\r\nHost: x\r\n\(auth)\r\n",
            "GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\(auth)\r\n",
            "GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\(auth)\r\n",
            "GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\n folded: x\r\n\(auth)\r\n",
            "GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\nHost: x\n\(auth)\r\n",
            "CONNECT 127.0.0.1 HTTP/1.1\r\n\(auth)\r\n",
            "CONNECT [fe80::1%25eth0]:80 HTTP/1.1\r\n\(auth)\r\n",
        ]
        for request in malformed {
            let answer = try Self.exchange(proxy, Array(request.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(request.debugDescription): \(answer)")
        }
        // Without the credential (another local process), nothing is served.
        let anonymous = try Self.exchange(
            proxy, Array("GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(anonymous.hasPrefix("HTTP/1.1 407"), "\(anonymous)")
        let wrong = try Self.exchange(
            proxy,
            Array(
                "GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\n\r\n".utf8
            ))
        #expect(wrong.hasPrefix("HTTP/1.1 407"), "\(wrong)")
        // A huge head is cut off.
        let huge = try Self.exchange(
            proxy,
            Array(
                "GET http://127.0.0.1:\(allowed.port)/ HTTP/1.1\r\nX: \(String(repeating: "a", count: 40_000))\r\n\r\n"
                    .utf8))
        #expect(huge.hasPrefix("HTTP/1.1 431"), "\(huge.prefix(100))")

        #expect(forbidden.connectionCount == 0, "the forbidden port saw no connection")
        #expect(allowed.connectionCount == 1, "only the one good request reached the allowed port")
        #expect(proxy.report.refused == attacks.count)
    }

    /// What reaches the upstream server: origin form, the target's Host, and neither the proxy's
    /// credential nor the hop-by-hop headers (nor those the Connection header names).
    @Test func aForwardedRequestGoesUpstreamWithoutTheProxyCredential() throws {
        let seen = MediaFetcherTests.Counter()
        let allowed = try LoopbackHTTPServer { request in
            seen.add(request.target)
            for header in request.headers { seen.add("\(header.name.lowercased()): \(header.value)") }
            return .text(200, "ok", thenClose: true)
        }
        let proxy = try EgressProxy(urlGuard: Self.onlyPort(allowed.port), logger: Logger(label: "t"))
        defer { proxy.stop() }
        let answer = try Self.exchange(
            proxy,
            Array(
                "GET http://127.0.0.1:\(allowed.port)/a?b=c HTTP/1.1\r\nHost: elsewhere\r\n\(Self.authorization(proxy))Proxy-Connection: keep-alive\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nX-Kept: 2\r\n\r\n"
                    .utf8))
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
        let lines = seen.all
        #expect(lines.first == "/a?b=c", "\(lines)")
        #expect(lines.contains("host: 127.0.0.1:\(allowed.port)"), "\(lines)")
        #expect(lines.contains("x-kept: 2") && lines.contains("connection: close"), "\(lines)")
        #expect(
            !lines.contains { $0.hasPrefix("proxy-") || $0.hasPrefix("x-hop") || $0.contains("keep-alive") }, "\(lines)"
        )
    }

    /// Only the holder of the credential in `proxyURL` is served, and each proxy has its own.
    @Test func eachProxyHasItsOwnCredential() throws {
        let first = try EgressProxy(urlGuard: URLGuard(), logger: Logger(label: "t"))
        let second = try EgressProxy(urlGuard: URLGuard(), logger: Logger(label: "t"))
        defer {
            first.stop()
            second.stop()
        }
        #expect(first.proxyURL != second.proxyURL)
        #expect(first.proxyURL.hasPrefix("http://fetch:") && first.proxyURL.hasSuffix("@127.0.0.1:\(first.port)"))
        let crossed = try Self.exchange(
            first, Array("CONNECT example.com:443 HTTP/1.1\r\n\(Self.authorization(second))\r\n".utf8))
        #expect(crossed.hasPrefix("HTTP/1.1 407"), "\(crossed)")
    }

    /// A name is judged by every address it resolves to (as pure logic: nothing is connected):
    /// one forbidden address among public ones refuses it, so a resolver that answers with both
    /// cannot slip the forbidden one through; the connection goes only to the addresses checked.
    @Test func aNameWithAnyForbiddenAddressIsRefused() throws {
        let answers: [String: [String]] = [
            "mixed.media.test": ["93.184.216.34", "10.0.0.7"],
            "metadata.media.test": ["2606:2800:220:1::1", "169.254.169.254"],
            "mapped.media.test": ["::ffff:127.0.0.1"],
            "public.media.test": ["93.184.216.34", "2606:2800:220:1::1"],
        ]
        let proxy = try EgressProxy(
            urlGuard: URLGuard(allowLoopback: false, allowedHosts: ["media.test"]), limits: .init(),
            logger: Logger(label: "t"),
            resolver: { host, port in
                guard let list = answers[host] else { return .failure(.init(description: "no such name")) }
                return .success(list.compactMap { SocketAddress(ip: $0, port: port) })
            })
        defer { proxy.stop() }
        func verdict(_ line: String) throws -> EgressProxy.Verdict {
            proxy.vet(try ProxyRequestHead.parse(Array("\(line)\r\n\r\n".utf8)))
        }
        for name in ["mixed", "metadata", "mapped"] {
            guard case .refused = try verdict("CONNECT \(name).media.test:443 HTTP/1.1") else {
                Issue.record("\(name) was not refused")
                continue
            }
        }
        guard case .allowed(let addresses) = try verdict("GET http://public.media.test/a HTTP/1.1") else {
            Issue.record("a public name was refused")
            return
        }
        #expect(addresses.map(\.description) == ["93.184.216.34:80", "[2606:2800:220:1::1]:80"])
        guard case .refused = try verdict("CONNECT elsewhere.test:443 HTTP/1.1") else {
            Issue.record("a host the allow-list leaves out was looked up")
            return
        }
        guard case .unresolved = try verdict("CONNECT missing.media.test:443 HTTP/1.1") else {
            Issue.record("a name that does not resolve")
            return
        }
    }

    /// yt-dlp's HTTP stack (Python's urllib, with the proxy from the environment as the fetch
    /// gives it) sends the credential on CONNECT and gets TLS through the tunnel.
    @Test func pythonsUrllibTunnelsHTTPSWithTheCredential() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let certificate = try runProcess(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1", "-keyout",
                "\(folder)/key.pem", "-out", "\(folder)/cert.pem",
            ])
        #expect(certificate.status == 0, "\(certificate.output)")
        let script = """
            import http.server, ssl, threading, urllib.request
            server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server_context.load_cert_chain("\(folder)/cert.pem", "\(folder)/key.pem")
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = b"secure hello"
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
            server.socket = server_context.wrap_socket(server.socket, server_side=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            client = ssl.create_default_context()
            client.check_hostname = False
            client.verify_mode = ssl.CERT_NONE
            opener = urllib.request.build_opener(urllib.request.ProxyHandler(), urllib.request.HTTPSHandler(context=client))
            print(opener.open("https://127.0.0.1:%d/x" % server.server_port, timeout=10).read().decode())
            """
        let proxy = try EgressProxy(urlGuard: URLGuard(allowLoopback: true), logger: Logger(label: "t"))
        defer { proxy.stop() }
        let run = try runProcess(
            "/usr/bin/python3", ["-c", script],
            environment: PageResolver.proxyEnvironment(proxy).merging(["PATH": "/usr/bin:/bin"]) { $1 })
        #expect(run.status == 0 && run.output.contains("secure hello"), "\(run.output)")
        #expect(proxy.report.served == 1 && proxy.report.rejected == 0, "\(proxy.report)")
    }

    /// A second request pipelined behind an allowed one (to another port) goes nowhere but the
    /// allowed upstream, which was told to close after the first: it cannot reach the other port.
    @Test func aPipelinedSecondRequestCannotReachAnotherPort() throws {
        let allowed = try LoopbackHTTPServer { request in .text(200, "allowed \(request.path)", thenClose: true) }
        let forbidden = try LoopbackHTTPServer { _ in .text(200, "forbidden") }
        let proxy = try EgressProxy(urlGuard: Self.onlyPort(allowed.port), logger: Logger(label: "t"))
        defer { proxy.stop() }
        let auth = Self.authorization(proxy)
        let answer = try Self.exchange(
            proxy,
            Array(
                ("GET http://127.0.0.1:\(allowed.port)/first HTTP/1.1\r\n\(auth)\r\n"
                    + "GET http://127.0.0.1:\(forbidden.port)/second HTTP/1.1\r\n\(auth)\r\n").utf8))
        #expect(answer.contains("allowed /first") && !answer.contains("forbidden"), "\(answer)")
        #expect(forbidden.connectionCount == 0)
    }

    /// Connections past the cap are answered 503 at once; the slots free up as heads time out.
    @Test func connectionsPastTheCapAreTurnedAway() throws {
        var limits = EgressProxy.Limits()
        limits.connections = 2
        limits.headMilliseconds = 2000
        let proxy = try EgressProxy(urlGuard: URLGuard(), limits: limits, logger: Logger(label: "t"))
        defer { proxy.stop() }
        var idle: [Int32] = []
        defer { idle.forEach { close($0) } }
        for _ in 0..<2 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = proxy.port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            idle.append(fd)
        }
        Thread.sleep(forTimeInterval: 0.3)
        let turnedAway = try Self.exchange(proxy, Array("CONNECT example.com:443 HTTP/1.1\r\n\r\n".utf8))
        #expect(turnedAway.hasPrefix("HTTP/1.1 503"), "\(turnedAway)")
        Thread.sleep(forTimeInterval: 2.5)
        let later = try Self.exchange(proxy, Array("CONNECT example.com:443 HTTP/1.1\r\n\r\n".utf8))
        #expect(later.hasPrefix("HTTP/1.1 407"), "a slot is free again: \(later)")
    }

    @Test func aSlowHeadIsCutOffAndStopEndsOpenConnections() throws {
        let allowed = try LoopbackHTTPServer { _ in .text(200, "allowed") }
        var limits = EgressProxy.Limits()
        limits.headMilliseconds = 500
        let proxy = try EgressProxy(urlGuard: Self.onlyPort(allowed.port), limits: limits, logger: Logger(label: "t"))
        let started = Date()
        let answer = try Self.exchange(proxy, Array("GET http://127.0.0.1:".utf8))
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        #expect(Date().timeIntervalSince(started) < 3)
        proxy.stop()
        #expect(proxy.report.rejected == 1)
        #expect(allowed.connectionCount == 0)
    }

    @Test func aTunnelCarriesBytesBothWaysToTheAllowedPort() throws {
        let allowed = try LoopbackHTTPServer { request in .text(200, "tunnelled \(request.path)") }
        let proxy = try EgressProxy(urlGuard: Self.onlyPort(allowed.port), logger: Logger(label: "t"))
        defer { proxy.stop() }
        let answer = try Self.exchange(
            proxy,
            Array(
                "CONNECT 127.0.0.1:\(allowed.port) HTTP/1.1\r\n\(Self.authorization(proxy))\r\nGET /inside HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .utf8))
        #expect(answer.hasPrefix("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200"), "\(answer)")
        #expect(answer.hasSuffix("tunnelled /inside"))
    }

    /// yt-dlp itself, on a page whose allowed port redirects to a second loopback port: the
    /// redirect is refused by the proxy, the second port sees no connection, and the reason a
    /// user reads names neither the address nor the port.
    @Test func ytDlpCannotFollowARedirectToAForbiddenPort() throws {
        let agents = MediaFetcherTests.Counter()
        let forbidden = try LoopbackHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Type", "audio/mpeg")], body: Array(Self.jfkMP3))
        }
        let page = try LoopbackHTTPServer { request in
            switch request.path {
            case "/watch": .respond(status: 302, headers: [("Location", "\(forbidden.baseURL)/talk.mp3")])
            case "/ftp": .respond(status: 302, headers: [("Location", "ftp://127.0.0.1:\(forbidden.port)/talk.mp3")])
            case "/embed":
                .text(
                    200, "<html><body><audio src=\"\(forbidden.baseURL)/talk.mp3\"></audio></body></html>",
                    headers: [("Content-Type", "text/html")])
            case "/own":
                .text(
                    200, "<html><body><audio src=\"/talk.mp3\"></audio></body></html>",
                    headers: [("Content-Type", "text/html")])
            case "/talk.mp3":
                {
                    agents.add(request.header("user-agent") ?? "")
                    return .respond(status: 200, headers: [("Content-Type", "audio/mpeg")], body: Array(Self.jfkMP3))
                }()
            default: .text(404, "not found")
            }
        }
        let fetcher = MediaFetcher(
            urlGuard: Self.onlyPort(page.port), maxBytes: 10_000_000, resolver: PageResolver(sites: ["127.0.0.1"]))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for path in ["/watch", "/embed", "/ftp"] {
            do {
                _ = try fetcher.download(
                    "\(page.baseURL)\(path)", to: "\(folder)/\(path.dropFirst())", logger: Logger(label: "test"))
                Issue.record("\(path): the media on the forbidden port was fetched")
            } catch {
                #expect(error.code == "forbidden_url", "\(path): \(error)")
                #expect(!error.message.contains("127.0.0.1") && !error.message.contains(String(forbidden.port)))
            }
        }
        #expect(forbidden.connectionCount == 0, "the second port saw no connection")
        let size = try fetcher.download("\(page.baseURL)/own", to: "\(folder)/own", logger: Logger(label: "test"))
        #expect(size == Int64(Self.jfkMP3.count))
        // The media download carried the headers yt-dlp gave (its browser User-Agent), not ours.
        #expect(agents.all.last?.hasPrefix("Mozilla/") == true, "\(agents.all)")
    }

    /// yt-dlp's time limit ends before the invocation's deadline (less the reserve for storing
    /// the file), however long its own limit is.
    @Test func ytDlpStopsBeforeTheInvocationsDeadline() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slow-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let program = "\(folder)/yt-dlp"
        try "#!/bin/sh\nexec sleep 60\n".write(toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o755)
        var fetcher = MediaFetcher(
            urlGuard: URLGuard(allowLoopback: true), maxBytes: 10_000_000,
            resolver: PageResolver(sites: ["127.0.0.1"], program: program))
        fetcher.reserveSeconds = 2
        let started = Date()
        do {
            _ = try fetcher.download(
                "http://127.0.0.1:9/watch", to: "\(folder)/out", deadline: Timestamp.now().adding(seconds: 8),
                logger: Logger(label: "test"))
            Issue.record("a sleeping yt-dlp cannot give media")
        } catch {
            #expect(!error.isPermanent && error.message.contains("too long"), "\(error)")
        }
        let took = Date().timeIntervalSince(started)
        #expect(took < 7.5, "yt-dlp was stopped \(took) s after the start, past the deadline less the reserve")
    }

    /// A page whose only media is an HLS playlist: yt-dlp downloads it itself, through the
    /// proxy, into the scratch folder (it is not refused as "not media"), and the media download
    /// carries the headers yt-dlp says it needs.
    @Test func anHLSOnlyStreamIsDownloadedByYtDlpThroughTheProxy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let made = try runProcess(
            "/usr/bin/ffmpeg",
            [
                "-v", "error", "-y", "-i", TestAudio.path("jfk.wav"), "-c:a", "aac", "-b:a", "64k", "-f", "hls",
                "-hls_time", "4", "-hls_list_size", "0", "-hls_segment_filename", "\(folder)/part%d.ts",
                "\(folder)/list.m3u8",
            ])
        #expect(made.status == 0, "\(made.output)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        var bodies: [String: [UInt8]] = [:]
        for file in files {
            bodies["/hls/\(file)"] = Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)")))
        }
        let served = bodies
        let agents = MediaFetcherTests.Counter()
        let page = try LoopbackHTTPServer { request in
            agents.add("\(request.path) \(request.header("user-agent") ?? "")")
            guard let body = served[request.path] else { return .text(404, "not found") }
            let type = request.path.hasSuffix(".m3u8") ? "application/vnd.apple.mpegurl" : "video/mp2t"
            return .respond(status: 200, headers: [("Content-Type", type)], body: body)
        }
        let fetcher = MediaFetcher(
            urlGuard: Self.onlyPort(page.port), maxBytes: 10_000_000, resolver: PageResolver(sites: ["127.0.0.1"]))
        let output = "\(folder)/fetched"
        let size = try fetcher.download("\(page.baseURL)/hls/list.m3u8", to: output, logger: Logger(label: "test"))
        #expect(size > 50_000, "the segments were joined: \(size) bytes")
        let probe = try runProcess(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", output])
        #expect(
            abs((Double(probe.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) - 11) < 1, "\(probe.output)"
        )
        #expect(agents.all.contains { $0.hasPrefix("/hls/part1.ts") }, "\(agents.all)")
    }
}
