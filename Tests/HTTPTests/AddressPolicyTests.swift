import HTTP
import TestSupport
import Testing

extension HTTPClientIntegration {
    @Suite struct AddressPolicyTests {
        @Test func refusedAddressFailsWithoutReachingTheServer() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "should not be seen") }
            defer { server.stop() }
            let client = try HTTPClient { address in
                address.isLoopback ? .refuse(reason: "loopback is off limits") : .allow
            }
            let error = try #require(throws: HTTPClientError.self) {
                try client.execute(HTTPRequest(url: server.baseURL + "/secret"))
            }
            #expect(error == .addressRefused)
            #expect(!error.isTransient)
            #expect(error.address?.description == "127.0.0.1:\(server.port)")
            #expect(error.message == "loopback is off limits")
            #expect(error.description.contains("loopback is off limits"))
            #expect(server.connectionCount == 0)
            #expect(server.requestCount == 0)
        }

        @Test func allowedAddressIsConnectedToAndSeenByThePolicy() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "welcome") }
            defer { server.stop() }
            let vetted = Locked<[SocketAddress]>([])
            let client = try HTTPClient { address in
                vetted.withLock { $0.append(address) }
                return .allow
            }
            let response = try client.execute(HTTPRequest(url: server.baseURL))
            #expect(response.bodyText == "welcome")
            let address = try #require(vetted.current.first)
            #expect(vetted.current.count == 1)
            #expect(address.family == .ipv4)
            #expect(address.bytes == [127, 0, 0, 1])
            #expect(address.port == UInt16(server.port))
        }

        @Test func redirectToAnotherPortIsVettedAgainAndCanBeRefused() throws {
            let target = try LoopbackHTTPServer { _ in .text(200, "internal") }
            defer { target.stop() }
            let entry = try LoopbackHTTPServer { _ in .text(302, "", headers: [("Location", target.baseURL + "/admin")])
            }
            defer { entry.stop() }
            let vetted = Locked<[UInt16]>([])
            let client = try HTTPClient { address in
                vetted.withLock { $0.append(address.port) }
                return address.port == UInt16(target.port) ? .refuse(reason: "not that port") : .allow
            }
            let error = try #require(throws: HTTPClientError.self) {
                try client.execute(HTTPRequest(url: entry.baseURL, followRedirects: 3))
            }
            #expect(error == .addressRefused)
            #expect(error.address?.port == UInt16(target.port))
            #expect(vetted.current == [UInt16(entry.port), UInt16(target.port)])
            #expect(entry.requestCount == 1)
            #expect(target.connectionCount == 0)
        }

        @Test func redirectToAnotherPortIsFollowedWhenAllowed() throws {
            let target = try LoopbackHTTPServer { _ in .text(200, "moved here") }
            defer { target.stop() }
            let entry = try LoopbackHTTPServer { _ in .text(301, "", headers: [("Location", target.baseURL + "/new")]) }
            defer { entry.stop() }
            let vetted = Locked(0)
            let client = try HTTPClient { _ in
                vetted.withLock { $0 += 1 }
                return .allow
            }
            let response = try client.execute(HTTPRequest(url: entry.baseURL, followRedirects: 1))
            #expect(response.bodyText == "moved here")
            #expect(response.effectiveURL == target.baseURL + "/new")
            #expect(response.primaryPort == target.port)
            #expect(vetted.current == 2)
        }

        @Test func ipv6AddressIsVettedInBracketedForm() throws {
            let vetted = Locked<[String]>([])
            let client = try HTTPClient { address in
                vetted.withLock { $0.append(address.description) }
                return .refuse(reason: "vetting only")
            }
            let error = try #require(throws: HTTPClientError.self) {
                try client.execute(HTTPRequest(url: "http://[::1]:8080/"))
            }
            #expect(error == .addressRefused)
            #expect(error.address?.family == .ipv6)
            #expect(vetted.current == ["[::1]:8080"])
        }

        @Test func everyAddressOfAHostNameIsVetted() throws {
            let vetted = Locked<Set<SocketAddress>>([])
            let client = try HTTPClient { address in
                vetted.withLock { _ = $0.insert(address) }
                return .refuse(reason: "vetting only")
            }
            #expect(throws: HTTPClientError.addressRefused) {
                try client.execute(HTTPRequest(url: "http://localhost:8080/"))
            }
            #expect(!vetted.current.isEmpty)
            #expect(vetted.current.allSatisfy { $0.isLoopback && $0.port == 8080 })
        }

        @Test func policyCanBeChangedBetweenRequests() throws {
            let server = try LoopbackHTTPServer { _ in .text(200, "ok") }
            defer { server.stop() }
            let client = try HTTPClient { _ in .refuse(reason: "closed") }
            #expect(throws: HTTPClientError.addressRefused) { try client.execute(HTTPRequest(url: server.baseURL)) }
            client.addressPolicy = nil
            #expect(try client.execute(HTTPRequest(url: server.baseURL)).status == 200)
        }
    }
}
