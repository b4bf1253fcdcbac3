import HTTP
import Runtime

#if canImport(Glibc)
    import Glibc
#endif

/// The proxy's side toward the world: resolving a name, connecting to the addresses the guard
/// checked (never a second lookup), and relaying bytes both ways within the fetch's limits.
extension EgressProxy {
    struct ResolveFailure: Error, CustomStringConvertible, Sendable {
        var description: String
    }

    static func resolve(_ host: String, port: UInt16) -> Result<[SocketAddress], ResolveFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { return .failure(.init(description: String(cString: gai_strerror(status)))) }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let raw = current.pointee.ai_addr,
                let address = socketAddress(raw, length: Int(current.pointee.ai_addrlen), port: port)
            {
                if !addresses.contains(address) { addresses.append(address) }
            }
            entry = current.pointee.ai_next
        }
        return .success(addresses)
    }

    /// The address in a `sockaddr_in` or `sockaddr_in6`, with `port`.
    static func socketAddress(_ pointer: UnsafeMutablePointer<sockaddr>, length: Int, port: UInt16) -> SocketAddress? {
        let raw = UnsafeRawPointer(pointer)
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            let inet = raw.loadUnaligned(as: sockaddr_in.self)
            return SocketAddress(family: .ipv4, bytes: withUnsafeBytes(of: inet.sin_addr) { Array($0) }, port: port)
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            let inet6 = raw.loadUnaligned(as: sockaddr_in6.self)
            return SocketAddress(family: .ipv6, bytes: withUnsafeBytes(of: inet6.sin6_addr) { Array($0) }, port: port)
        default:
            return nil
        }
    }

    /// A connection to the first of `addresses` that answers (each already checked).
    func connectUpstream(_ addresses: [SocketAddress], target: String) -> Int32? {
        var reasons: [String] = []
        for address in addresses {
            let family = address.family == .ipv4 ? AF_INET : AF_INET6
            let fd = socket(
                family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { continue }
            let registered = state.withLock { state -> Bool in
                guard !state.stopping else { return false }
                state.open.insert(fd)
                return true
            }
            guard registered else {
                close(fd)
                return nil
            }
            if let problem = Self.connect(fd, to: address, milliseconds: limits.connectMilliseconds) {
                reasons.append("\(address): \(problem)")
                state.withLock { _ = $0.open.remove(fd) }
                close(fd)
                continue
            }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
            Self.setTimeouts(fd, milliseconds: limits.idleMilliseconds)
            return fd
        }
        logger.warn(
            "the egress proxy could not connect upstream",
            [("target", target), ("reason", reasons.joined(separator: "; "))])
        return nil
    }

    /// Connects a non-blocking socket within `milliseconds`; nil when connected, else the reason.
    static func connect(_ fd: Int32, to address: SocketAddress, milliseconds: Int) -> String? {
        var storage = sockaddr_storage()
        let length: socklen_t
        if address.family == .ipv4 {
            var inet = sockaddr_in()
            inet.sin_family = sa_family_t(AF_INET)
            inet.sin_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &inet.sin_addr) { $0.copyBytes(from: address.bytes) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: inet) { target.copyMemory(from: $0) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else {
            var inet6 = sockaddr_in6()
            inet6.sin6_family = sa_family_t(AF_INET6)
            inet6.sin6_port = address.port.bigEndian
            withUnsafeMutableBytes(of: &inet6.sin6_addr) { $0.copyBytes(from: address.bytes) }
            withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: inet6) { target.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
        }
        if result == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&entry, 1, Int32(milliseconds))
        guard ready > 0 else { return ready == 0 ? "timed out" : String(cString: strerror(errno)) }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0 ? nil : String(cString: strerror(error))
    }

    /// Copies bytes both ways until both sides are done, a side is idle too long, or the byte cap
    /// is reached.
    func splice(_ client: Int32, _ upstream: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var clientOpen = true
        var upstreamOpen = true
        while clientOpen || upstreamOpen {
            var fds: [pollfd] = []
            if clientOpen { fds.append(pollfd(fd: client, events: Int16(POLLIN), revents: 0)) }
            if upstreamOpen { fds.append(pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(limits.idleMilliseconds))
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready == 0 { return }  // idle too long
            if state.withLock({ $0.stopping }) { return }
            for entry in fds where entry.revents != 0 {
                let from = entry.fd
                let to = from == client ? upstream : client
                let count = recv(from, &buffer, buffer.count, 0)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    // This side is done sending: pass the end on, keep reading the other side.
                    if from == client { clientOpen = false } else { upstreamOpen = false }
                    shutdown(to, Int32(SHUT_WR))
                    if count < 0 { return }
                    continue
                }
                if from == upstream {
                    let over = state.withLock { state -> Bool in
                        state.bytesIn += Int64(count)
                        if state.bytesIn > limits.bytesIn { state.report.tooLarge = true }
                        return state.report.tooLarge
                    }
                    if over {
                        logger.warn(
                            "the egress proxy cut the traffic at its byte limit", [("bytes", String(limits.bytesIn))])
                        return
                    }
                }
                guard Self.sendAll(to, Array(buffer[..<count])) else { return }
            }
        }
    }
}
