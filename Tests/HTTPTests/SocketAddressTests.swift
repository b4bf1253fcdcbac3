import HTTP
import Testing

@Suite struct SocketAddressTests {
    @Test func ipv4DescriptionIncludesThePort() throws {
        let address = try #require(SocketAddress(ip: "127.0.0.1", port: 8080))
        #expect(address.family == .ipv4)
        #expect(address.bytes == [127, 0, 0, 1])
        #expect(address.description == "127.0.0.1:8080")
    }

    @Test func ipv6DescriptionIsBracketedAndCompressed() throws {
        let address = try #require(SocketAddress(ip: "0:0:0:0:0:0:0:1", port: 80))
        #expect(address.family == .ipv6)
        #expect(address.bytes.count == 16)
        #expect(address.ip == "::1")
        #expect(address.description == "[::1]:80")
    }

    @Test func textThatIsNotAnAddressIsRejected() {
        #expect(SocketAddress(ip: "localhost", port: 80) == nil)
        #expect(SocketAddress(ip: "256.1.1.1", port: 80) == nil)
    }

    @Test(arguments: ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
    func loopbackAddressesAreRecognised(ip: String) throws {
        let address = try #require(SocketAddress(ip: ip, port: 1))
        #expect(address.isLoopback)
        #expect(!address.isPubliclyRoutable)
    }

    @Test(arguments: [
        "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "224.0.0.1", "255.255.255.255", "fc00::1", "fd12:3456::1", "fe80::1", "::", "::ffff:10.1.2.3",
        "64:ff9b::a9fe:a9fe", "2001:db8::1",
    ])
    func internalAddressesAreNotPubliclyRoutable(ip: String) throws {
        let address = try #require(SocketAddress(ip: ip, port: 1))
        #expect(!address.isPubliclyRoutable)
    }

    @Test(arguments: ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700::1111", "::ffff:1.1.1.1"])
    func publicAddressesAreRoutable(ip: String) throws {
        let address = try #require(SocketAddress(ip: ip, port: 443))
        #expect(address.isPubliclyRoutable)
    }

    @Test func metadataServiceIsLinkLocal() throws {
        #expect(try #require(SocketAddress(ip: "169.254.169.254", port: 80)).isLinkLocal)
        #expect(try #require(SocketAddress(ip: "fd00:ec2::254", port: 80)).isPrivate)
    }
}
