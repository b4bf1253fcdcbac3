import LocalGateway
import Testing

/// Which `Host` values the emulator serves: names that can only mean this machine.
@Suite struct LoopbackHostTests {
    @Test(arguments: [
        "127.0.0.1", "127.0.0.1:3000", "localhost", "LocalHost:4566", "127.255.0.9:80", "127.0.0.0",
        "app.localhost", "a-b.c.localhost:3000", "[::1]", "[::1]:3000", "[0:0:0:0:0:0:0:1]:1", "[::0001]",
    ])
    func loopbackNamesAreServed(host: String) {
        #expect(LoopbackHost.accepts(host))
    }

    @Test(arguments: [
        "", "evil.example", "evil.example:3000", "127.0.0.1.nip.io", "localhost.evil.example", "evillocalhost",
        ".localhost", "a..localhost", "-a.localhost", "128.0.0.1", "127.0.0.1.", "127.0.0", "127.0.0.1.2",
        "0127.0.0.1", "127.0.0.256", "0x7f.0.0.1", "2130706433", "[::2]", "[::1", "[::1]x", "[::1]:", "::1",
        "[::ffff:1.2.3.4]", "127.0.0.1:99999", "127.0.0.1:abc", "localhost:", "127.0.0.1@evil.example",
        "[1::1]", "[::1::]",
    ])
    func otherNamesAreRefused(host: String) {
        #expect(!LoopbackHost.accepts(host))
    }

    @Test func aMissingHostIsRefused() {
        #expect(!LoopbackHost.accepts(nil))
    }
}
