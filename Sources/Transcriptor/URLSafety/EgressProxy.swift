import Cloud
import HTTP
import Runtime
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The only way out for yt-dlp: an HTTP proxy on 127.0.0.1 (a random port) that lives for one
/// fetch, in the fetch function's own process. yt-dlp fetches pages, APIs, manifests and media
/// itself and follows redirects and embeds; every connection it makes (a `CONNECT` tunnel for
/// https, an absolute-form request for http) is checked here with the URL guard: the host as a
/// URL (allow-list, names of this machine, literal addresses in any encoding), then every address
/// the name resolves to, and the connection is made to the checked address itself, so a second
/// DNS answer cannot swap in another. One forbidden address refuses the whole name. A refusal
/// answers 403, is logged with its detail, and is counted for the fetch's own error message.
///
/// Only the holder of a per-fetch random credential (`Proxy-Authorization: Basic`, in `proxyURL`)
/// is served, so no other local process can use the proxy. Heads are read within a few seconds
/// and capped in size, connections are capped in number and idle time, and the bytes coming back
/// are capped in total (the fetch's size limit): the proxy cannot be held open or used to fill the
/// disk. `stop()` ends every connection.
public final class EgressProxy: Sendable {
    public struct Limits: Sendable {
        /// For the whole request head to arrive (slow senders are cut off).
        public var headMilliseconds = 10_000
        /// For a connection upstream to open.
        public var connectMilliseconds = 15_000
        /// For a connection to be silent in both directions before it is closed.
        public var idleMilliseconds = 60_000
        /// Connections at once; more are answered 503.
        public var connections = 16
        /// Bytes from upstream to the client, over all connections.
        public var bytesIn: Int64 = 1 << 30
        public init() {}
    }

    /// What happened during the proxy's life, for the fetch's error message.
    public struct Report: Sendable, Equatable {
        /// Connections refused by the URL guard.
        public var refused = 0
        /// Hosts whose name did not resolve.
        public var unresolved = 0
        /// Connections that could not be opened upstream.
        public var unreachable = 0
        /// Connections served.
        public var served = 0
        /// Requests refused before any check (bad head, no credential).
        public var rejected = 0
        /// Whether the byte cap cut the traffic.
        public var tooLarge = false
    }

    struct State {
        var report = Report()
        var acceptThread: pthread_t?
        var open: Set<Int32> = []
        var active = 0
        var stopping = false
        var bytesIn: Int64 = 0
    }

    public let port: UInt16
    let urlGuard: URLGuard
    let limits: Limits
    let logger: Logger
    let expectedAuthorization: String
    let user: String
    let password: String
    let listener: Int32
    let wake: (read: Int32, write: Int32)
    let state = Mutex(State())
    /// How names are looked up (the system's resolver; tests give answers of their own).
    let resolver: @Sendable (String, UInt16) -> Result<[SocketAddress], ResolveFailure>

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Starts listening on 127.0.0.1 (a port the system picks) and serving in threads of its own.
    public convenience init(urlGuard: URLGuard, limits: Limits = Limits(), logger: Logger) throws(Failure) {
        try self.init(urlGuard: urlGuard, limits: limits, logger: logger, resolver: { Self.resolve($0, port: $1) })
    }

    init(
        urlGuard: URLGuard, limits: Limits, logger: Logger,
        resolver: @escaping @Sendable (String, UInt16) -> Result<[SocketAddress], ResolveFailure>
    ) throws(Failure) {
        self.resolver = resolver
        self.urlGuard = urlGuard
        self.limits = limits
        self.logger = logger
        user = "fetch"
        password = Hex.encode(RandomBytes.generate(count: 24))
        expectedAuthorization = "Basic " + Base64.encode(Array("\(user):\(password)".utf8))

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "bind/listen on 127.0.0.1: \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        wake = (ends[0], ends[1])
        let started = Self.spawn { [self] in acceptLoop() }
        guard let started else {
            close(fd)
            close(ends[0])
            close(ends[1])
            throw Failure(description: "the proxy's thread could not start")
        }
        state.withLock { $0.acceptThread = started }
    }

    /// `http://fetch:SECRET@127.0.0.1:PORT`, for yt-dlp's `--proxy`.
    public var proxyURL: String { "http://\(user):\(password)@127.0.0.1:\(port)" }

    public var report: Report { state.withLock { $0.report } }

    /// Stops listening, ends every open connection, and waits (a few seconds at most) for the
    /// connection threads to finish.
    public func stop() {
        let first = state.withLock { state in
            defer { state.stopping = true }
            for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
            return !state.stopping
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        if let thread = state.withLock({ $0.acceptThread }) { pthread_join(thread, nil) }
        close(listener)
        close(wake.read)
        close(wake.write)
        for _ in 0..<500 {
            let remaining = state.withLock { state in
                for fd in state.open { shutdown(fd, Int32(SHUT_RDWR)) }
                return state.active
            }
            if remaining == 0 { break }
            usleep(10_000)
        }
    }

    // MARK: Threads

    final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts a thread running `body`; nil when the system refuses.
    static func spawn(detached: Bool = false, _ body: @escaping () -> Void) -> pthread_t? {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let status = pthread_create(
            &thread, nil,
            { argument in
                let body = Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue()
                body.run()
                return nil
            }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            return nil
        }
        if detached { pthread_detach(thread) }
        return thread
    }

    private func acceptLoop() {
        while true {
            var fds = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 || state.withLock({ $0.stopping }) { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let admitted = state.withLock { state -> Bool in
                guard !state.stopping, state.active < limits.connections else { return false }
                state.active += 1
                state.open.insert(client)
                return true
            }
            guard admitted else {
                Self.setTimeouts(client, milliseconds: 1000)
                Self.sendAll(client, Self.answer(503, "Service Unavailable"))
                close(client)
                continue
            }
            let started = Self.spawn(detached: true) { [self] in
                serve(client)
                finish(client)
            }
            if started == nil { finish(client) }
        }
    }

    private func finish(_ client: Int32) {
        state.withLock { state in
            state.open.remove(client)
            state.active -= 1
        }
        close(client)
    }

    // MARK: One connection

    private func serve(_ client: Int32) {
        Self.setTimeouts(client, milliseconds: limits.idleMilliseconds)
        guard let (headBytes, early) = readHead(client) else { return }
        let head: ProxyRequestHead
        do {
            head = try ProxyRequestHead.parse(headBytes)
        } catch  where error.status == 403 {
            state.withLock { $0.report.refused += 1 }
            logger.warn("the egress proxy refused a request", [("reason", error.reason)])
            Self.sendAll(client, Self.answer(403, "Forbidden"))
            return
        } catch {
            reject(client, error.status, "the proxy refused a malformed request", reason: error.reason)
            return
        }
        guard let given = head.header("proxy-authorization"), constantTimeEquals(given, expectedAuthorization) else {
            reject(client, 407, "the proxy refused a request without its credential", reason: head.authority)
            return
        }
        let addresses: [SocketAddress]
        switch vet(head) {
        case .refused(let reason):
            state.withLock { $0.report.refused += 1 }
            logger.warn("the egress proxy refused a connection", [("target", head.authority), ("reason", reason)])
            Self.sendAll(client, Self.answer(403, "Forbidden"))
            return
        case .unresolved(let reason):
            state.withLock { $0.report.unresolved += 1 }
            logger.warn("the egress proxy could not resolve a host", [("target", head.authority), ("reason", reason)])
            Self.sendAll(client, Self.answer(502, "Bad Gateway"))
            return
        case .allowed(let list):
            addresses = list
        }
        guard let upstream = connectUpstream(addresses, target: head.authority) else {
            state.withLock { $0.report.unreachable += 1 }
            Self.sendAll(client, Self.answer(502, "Bad Gateway"))
            return
        }
        defer {
            state.withLock { _ = $0.open.remove(upstream) }
            close(upstream)
        }
        state.withLock { $0.report.served += 1 }
        logger.debug("the egress proxy connected", [("target", head.authority), ("method", head.method)])
        switch head.target {
        case .tunnel:
            guard Self.sendAll(client, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)) else { return }
        case .forward:
            guard Self.sendAll(upstream, head.upstreamHead()) else { return }
        }
        if !early.isEmpty, !Self.sendAll(upstream, early) { return }
        splice(client, upstream)
    }

    private func reject(_ client: Int32, _ status: Int, _ message: String, reason: String) {
        state.withLock { $0.report.rejected += 1 }
        logger.warn(message, [("status", String(status)), ("reason", reason)])
        let phrase =
            switch status {
            case 407: "Proxy Authentication Required"
            case 431: "Request Header Fields Too Large"
            case 408: "Request Timeout"
            case 505: "HTTP Version Not Supported"
            default: "Bad Request"
            }
        var extra: [(String, String)] = []
        if status == 407 { extra.append(("Proxy-Authenticate", "Basic realm=\"fetch\"")) }
        Self.sendAll(client, Self.answer(status, phrase, extra))
    }

    /// Reads up to the blank line that ends the head, within the head time limit and size cap.
    /// - Returns: the head and whatever bytes came after it; nil after answering an error.
    private func readHead(_ client: Int32) -> ([UInt8], [UInt8])? {
        let deadline = Self.now() + Int64(limits.headMilliseconds)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var searchFrom = 0
        while true {
            let wait = deadline - Self.now()
            guard wait > 0 else {
                reject(client, 408, "the proxy dropped a request that came too slowly", reason: "head timeout")
                return nil
            }
            var entry = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(wait, 1000)))
            if ready < 0 && errno != EINTR { return nil }
            if ready <= 0 { continue }
            let count = recv(client, &chunk, chunk.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
            if let end = Self.blankLine(in: buffer, from: searchFrom) {
                return (Array(buffer[..<end]), Array(buffer[end...]))
            }
            searchFrom = max(0, buffer.count - 3)
            if buffer.count > ProxyRequestHead.maxHeadBytes {
                reject(
                    client, 431, "the proxy refused a request head that is too large", reason: "\(buffer.count) bytes")
                return nil
            }
        }
    }

    /// The index just past the first CRLF CRLF at or after `from`.
    static func blankLine(in buffer: [UInt8], from: Int) -> Int? {
        var index = from
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    enum Verdict {
        case allowed([SocketAddress])
        case refused(String)
        case unresolved(String)
    }

    /// The URL guard on the target: first as a URL (no lookup for a host the allow-list leaves
    /// out), then on every address it resolves to.
    func vet(_ head: ProxyRequestHead) -> Verdict {
        let checked: URLGuard.CheckedURL
        do {
            checked = try urlGuard.check(head.guardURL)
        } catch {
            return .refused(error.message)
        }
        let port = UInt16(head.port)
        var addresses: [SocketAddress]
        if let literal = checked.literalAddress {
            addresses = [literal]
        } else {
            switch resolver(checked.host, port) {
            case .success(let list): addresses = list
            case .failure(let failure): return .unresolved(failure.description)
            }
        }
        guard !addresses.isEmpty else { return .unresolved("no address") }
        for address in addresses {
            if case .refuse(let reason) = urlGuard.decide(address) {
                return .refused("\(checked.host) resolves to \(address): \(reason)")
            }
        }
        return .allowed(addresses)
    }

    // MARK: Helpers

    static func answer(_ status: Int, _ phrase: String, _ headers: [(String, String)] = []) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(phrase)\r\nContent-Length: 0\r\nConnection: close\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    @discardableResult
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    static func setTimeouts(_ fd: Int32, milliseconds: Int) {
        var time = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    static func now() -> Int64 {
        Timestamp.now().millisecondsSinceEpoch
    }
}
