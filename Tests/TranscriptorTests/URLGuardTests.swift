import HTTP
import TestSupport
import Testing

@testable import Transcriptor

/// The SSRF guard: every forbidden address form refused as pure logic, and the real fetch path
/// exercised only with loopback forms (no packet leaves 127.0.0.0/8).
@Suite struct URLGuardTests {
    let strict = URLGuard(allowLoopback: false)
    let local = URLGuard(allowLoopback: true)

    @Test(arguments: [
        "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://017700000001/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[0:0:0:0:0:ffff:7f00:1]/",
        "http://localhost/",
        "http://api.localhost/", "http://LOCALHOST./",
    ])
    func loopbackFormsAreRefusedUnlessLocalDevelopmentOptsIn(_ url: String) throws {
        #expect(throws: URLRefusal.self, "\(url)") { try strict.check(url) }
        _ = try local.check(url)
    }

    @Test(arguments: [
        "http://10.0.0.1/", "http://172.16.5.4/", "http://172.31.255.255/", "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://2852039166/", "http://0xa9fea9fe/", "http://0251.0376.0251.0376/", "http://169.254.43518/",
        "http://100.64.0.1/",
        "http://100.127.255.254/", "http://0.0.0.0/", "http://0/", "http://224.0.0.1/", "http://239.255.255.250/",
        "http://240.0.0.1/",
        "http://255.255.255.255/", "http://192.0.0.8/", "http://198.18.0.1/", "http://[fd00::1]/", "http://[fc00::1]/",
        "http://[fe80::1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[64:ff9b::a9fe:a9fe]/", "http://[::]/", "http://[ff02::1]/", "https://10.1.2.3:8443/x",
    ])
    func privateMetadataAndReservedAddressesAreAlwaysRefused(_ url: String) {
        #expect(throws: URLRefusal.self, "\(url)") { try strict.check(url) }
        #expect(throws: URLRefusal.self, "loopback opt-in does not open \(url)") { try local.check(url) }
    }

    /// `host:port` entries admit exactly that host on that port; a loopback address so listed is
    /// admitted with the local opt-in off, every other loopback port and form stays refused, and
    /// no entry opens a private or link-local range.
    @Test func hostAndPortEntriesAdmitExactlyThatPort() throws {
        let rule = URLGuard(
            allowLoopback: false, allowedHosts: ["127.0.0.1:8123", "[::1]:8124", "example.com:8080", "media.test"])
        #expect(try rule.check("http://127.0.0.1:8123/page").port == 8123)
        #expect(try rule.check("http://[::1]:8124/page").host == "::1")
        #expect(try rule.check("http://example.com:8080/a").host == "example.com")
        #expect(try rule.check("https://cdn.media.test/a").host == "cdn.media.test")
        for url in [
            "http://127.0.0.1:8124/", "http://127.0.0.1/", "http://localhost:8123/", "http://2130706433:8123/",
            "http://[::1]:8123/", "http://example.com/", "http://example.com:8081/", "http://www.example.com:8080/",
        ] {
            #expect(throws: URLRefusal.self, "\(url)") { try rule.check(url) }
        }
        #expect(rule.decide(SocketAddress(ip: "127.0.0.1", port: 8123)!) == .allow)
        #expect(rule.decide(SocketAddress(ip: "127.0.0.1", port: 8124)!) != .allow)
        #expect(rule.decide(SocketAddress(ip: "127.0.0.2", port: 8123)!) != .allow)
        #expect(rule.decide(SocketAddress(ip: "::ffff:127.0.0.1", port: 8123)!) != .allow)
        let listedPrivate = URLGuard(allowLoopback: false, allowedHosts: ["10.0.0.1:80", "169.254.169.254:80"])
        #expect(listedPrivate.decide(SocketAddress(ip: "10.0.0.1", port: 80)!) != .allow)
        #expect(listedPrivate.decide(SocketAddress(ip: "169.254.169.254", port: 80)!) != .allow)
    }

    @Test func theMetadataServiceIsNamedInTheReason() {
        #expect { try strict.check("http://169.254.169.254/") } throws: {
            ($0 as? URLRefusal)?.message.contains("metadata") == true
        }
    }

    @Test(arguments: [
        "ftp://example.com/a.mp3", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)",
        "example.com/a.mp3", "",
    ])
    func onlyHTTPAndHTTPSAreFetched(_ url: String) {
        #expect(throws: URLRefusal.self, "\(url)") { try strict.check(url) }
    }

    @Test func credentialsAndMalformedHostsAreRefused() {
        for url in [
            "http://user:pass@example.com/", "http://user@example.com/", "http://example.com:0/",
            "http://example.com:99999/",
            "http://[::1/", "http://exa mple.com/", "http:///path",
        ] {
            #expect(throws: URLRefusal.self, "\(url)") { try strict.check(url) }
        }
    }

    @Test func publicAddressesAndNamesPass() throws {
        #expect(try strict.check("https://media.example.com/talk.mp3").port == 443)
        #expect(try strict.check("http://93.184.216.34:8080/a").literalAddress?.ip == "93.184.216.34")
        #expect(
            try strict.check("https://[2606:2800:220:1:248:1893:25c8:1946]/").host
                == "2606:2800:220:1:248:1893:25c8:1946")
        #expect(try strict.check("HTTP://Example.COM/").scheme == "http")
    }

    @Test func ipv4EncodingsDecodeAsTheResolverDoes() {
        let cases = [
            "2130706433": "127.0.0.1", "0x7f000001": "127.0.0.1", "0177.0.0.1": "127.0.0.1", "127.1": "127.0.0.1",
            "127.0.1": "127.0.0.1", "0x7f.0x0.0x0.0x1": "127.0.0.1", "2852039166": "169.254.169.254",
            "10.0.258": "10.0.1.2",
        ]
        for (text, ip) in cases { #expect(URLGuard.ipv4(anyEncoding: text, port: 80)?.ip == ip, "\(text)") }
        for text in ["256.0.0.1", "1.2.3.4.5", "0x1g", "08.0.0.1", "4294967296", "example", "1..2"] {
            #expect(URLGuard.ipv4(anyEncoding: text, port: 80) == nil, "\(text)")
        }
    }

    /// The HTTP client with the guard's policy against a server on 127.0.0.1: refused without a
    /// request reaching it, by name (resolved at connect time) as by literal.
    @Test func theFetchPathRefusesLoopbackByNameAndLiteralWithoutConnecting() throws {
        let server = try LoopbackHTTPServer { _ in .text(200, "media") }
        defer { server.stop() }
        let client = try HTTPClient(addressPolicy: strict.addressPolicy)
        for url in [
            "http://127.0.0.1:\(server.port)/", "http://localhost:\(server.port)/", "http://2130706433:\(server.port)/",
            "http://0x7f000001:\(server.port)/", "http://127.1:\(server.port)/",
        ] {
            #expect(throws: HTTPClientError.addressRefused, "\(url)") {
                try client.execute(HTTPRequest(.get, url: url))
            }
        }
        #expect(server.requestCount == 0)
        let allowed = try HTTPClient(addressPolicy: local.addressPolicy)
        #expect(try allowed.execute(HTTPRequest(.get, url: "http://localhost:\(server.port)/")).bodyText == "media")
    }
}
