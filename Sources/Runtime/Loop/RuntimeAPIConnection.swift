#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// HTTP/1.1 over one keep-alive TCP socket to the Lambda Runtime API on loopback.
///
/// Deliberately small: the Runtime API is a fixed, local peer, and a runtime that links no HTTP
/// library cold-starts faster (DESIGN.md). Blocking calls, no timeouts: `next` waits as long as
/// Lambda keeps the function frozen.
final class RuntimeAPIConnection {
    struct Response {
        var status: Int
        /// Header names lowercased.
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name == name }?.value
        }
    }

    let host: String
    let port: UInt16
    private var socket: Int32 = -1
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    /// Bytes received since the current request was sent: a request is sent again after a closed
    /// connection only when none of its response had arrived.
    private var receivedForResponse = 0

    /// `endpoint` is `host:port`, as in `AWS_LAMBDA_RUNTIME_API`.
    init(endpoint: String) throws {
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]),
            colon > endpoint.startIndex
        else { throw RuntimeError.invalidEndpoint(endpoint) }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
        self.buffer = [UInt8](repeating: 0, count: 64 * 1024)
    }

    deinit { disconnect() }

    func disconnect() {
        if socket >= 0 { close(socket) }
        socket = -1
        start = 0
        end = 0
    }

    private func connect() throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw RuntimeError.connection("cannot resolve \(host)", errno: status)
        }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = 0
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    socket = fd
                    return
                }
                lastErrno = errno
                close(fd)
            } else {
                lastErrno = errno
            }
            entry = info.pointee.ai_next
        }
        throw RuntimeError.connection("cannot connect to \(host):\(port)", errno: lastErrno)
    }

    /// Sends one request and reads its response. A connection the peer closed while idle is
    /// reopened once and the request sent again; any other failure throws.
    func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    )
        throws -> Response
    {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUser-Agent: transcriptor-runtime\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let headBytes = Array(head.utf8)
        let reused = socket >= 0
        receivedForResponse = 0
        do {
            if socket < 0 { try connect() }
            try send(headBytes, body)
            return try readResponse(path: path)
        } catch let error as RuntimeError where reused && error.isConnectionFailure && receivedForResponse == 0 {
            disconnect()
            try connect()
            try send(headBytes, body)
            return try readResponse(path: path)
        }
    }

    private func send(_ head: [UInt8], _ body: [UInt8]) throws {
        try head.withUnsafeBytes { headBuffer in
            try body.withUnsafeBytes { bodyBuffer in
                var vectors = [
                    iovec(
                        iov_base: UnsafeMutableRawPointer(mutating: headBuffer.baseAddress), iov_len: headBuffer.count),
                    iovec(
                        iov_base: UnsafeMutableRawPointer(mutating: bodyBuffer.baseAddress), iov_len: bodyBuffer.count),
                ]
                var index = 0
                var remaining = headBuffer.count + bodyBuffer.count
                while remaining > 0 {
                    let written = vectors.withUnsafeMutableBufferPointer { v in
                        writev(socket, v.baseAddress! + index, Int32(v.count - index))
                    }
                    if written < 0 {
                        if errno == EINTR { continue }
                        let code = errno
                        disconnect()
                        throw RuntimeError.connection("send", errno: code)
                    }
                    remaining -= written
                    var consumed = written
                    while index < vectors.count, consumed >= vectors[index].iov_len {
                        consumed -= vectors[index].iov_len
                        index += 1
                    }
                    if index < vectors.count, consumed > 0 {
                        vectors[index].iov_base = vectors[index].iov_base! + consumed
                        vectors[index].iov_len -= consumed
                    }
                }
            }
        }
    }

    // MARK: Reading

    /// Reads more bytes into the buffer; throws when the peer has closed.
    private func fill() throws {
        if start == end {
            start = 0
            end = 0
        } else if end == buffer.count {
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            } else {
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
        }
        while true {
            let received = buffer.withUnsafeMutableBytes { raw in
                recv(socket, raw.baseAddress! + end, raw.count - end, 0)
            }
            if received > 0 {
                end += received
                receivedForResponse += received
                return
            }
            if received < 0 && errno == EINTR { continue }
            let code = received == 0 ? 0 : errno
            disconnect()
            throw received == 0 ? RuntimeError.connectionClosed() : RuntimeError.connection("receive", errno: code)
        }
    }

    /// The next line (without CR LF) from the buffer.
    private func readLine() throws -> String {
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)..<end].firstIndex(of: 0x0a) {
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == 0x0d { lineEnd -= 1 }
                let line = String(decoding: buffer[start..<lineEnd], as: UTF8.self)
                start = newline + 1
                return line
            }
            scanned = end - start
            if scanned > 1 << 20 { throw RuntimeError.protocolViolation("header line over 1 MiB") }
            try fill()
        }
    }

    private func readBytes(_ count: Int, into out: inout [UInt8]) throws {
        var needed = count
        while needed > 0 {
            if start == end { try fill() }
            let take = min(needed, end - start)
            out.append(contentsOf: buffer[start..<start + take])
            start += take
            needed -= take
        }
    }

    private func readResponse(path: String) throws -> Response {
        var statusLine = try readLine()
        var status = try Self.parseStatus(statusLine)
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty {
                if (100..<200).contains(status) {
                    headers.removeAll()
                    statusLine = try readLine()
                    status = try Self.parseStatus(statusLine)
                    continue
                }
                break
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw RuntimeError.protocolViolation("header without a colon: \(line)")
            }
            let name = line[..<colon].lowercased()
            headers.append((name, line[line.index(after: colon)...].trimmingWhitespace()))
        }
        var response = Response(status: status, headers: headers, body: [])
        if let length = response.header("content-length") {
            guard let count = Int(length), count >= 0 else {
                throw RuntimeError.protocolViolation("bad Content-Length \(length)")
            }
            response.body.reserveCapacity(count)
            try readBytes(count, into: &response.body)
        } else if response.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";").first.map(String.init) ?? "", radix: 16) else {
                    throw RuntimeError.protocolViolation("bad chunk size \(sizeLine)")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                try readBytes(size, into: &response.body)
                _ = try readLine()
            }
        }
        if response.header("connection")?.lowercased() == "close" { disconnect() }
        return response
    }

    private static func parseStatus(_ line: String) throws -> Int {
        let parts = line.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw RuntimeError.protocolViolation("bad status line \(line)")
        }
        return status
    }
}
