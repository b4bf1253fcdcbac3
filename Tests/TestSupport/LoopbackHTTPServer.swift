import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests: real sockets, one thread per connection,
/// keep-alive, and a handler that decides each reply (including closing the connection without
/// one, or streaming a body of any size).
public final class LoopbackHTTPServer: @unchecked Sendable {
    // @unchecked Sendable: the mutable counters are guarded by `lock`; the listening socket is
    // written once in `init` and closed once in `stop`.

    public struct Request: Sendable {
        public var method: String
        public var target: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The connection's index (0 for the first accepted connection) and the request's index on it.
        public var connection: Int
        public var sequence: Int

        public var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        public var query: String? {
            let parts = target.split(separator: "?", maxSplits: 1)
            return parts.count == 2 ? String(parts[1]) : nil
        }
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var bodyString: String { String(decoding: body, as: UTF8.self) }
    }

    public enum Reply: Sendable {
        /// A complete response with a `Content-Length`; with `thenClose`, the server closes the
        /// connection right after it (without saying `Connection: close`), as an idle timeout would.
        case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], thenClose: Bool = false)
        /// Close the connection without answering.
        case close
        /// Write the status line and headers, then `contentLength` bytes produced by `chunk`
        /// (called with the offset; return the next piece), so a large body never sits in memory.
        case stream(status: Int, headers: [(String, String)], contentLength: Int, chunk: @Sendable (Int) -> [UInt8])
        /// Write these exact bytes and close (malformed responses, partial bodies).
        case raw([UInt8])

        public static func text(
            _ status: Int, _ body: String, headers: [(String, String)] = [], thenClose: Bool = false
        )
            -> Reply
        {
            .respond(status: status, headers: headers, body: Array(body.utf8), thenClose: thenClose)
        }
    }

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let lock = NSLock()
    private var _connections = 0
    private var _requests = 0
    private var openSockets: Set<Int32> = []
    private var stopped = false

    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket: \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw ServerError("bind/listen: \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.listener = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Connections accepted so far.
    public var connectionCount: Int { lock.withLock { _connections } }
    /// Requests read so far, over all connections.
    public var requestCount: Int { lock.withLock { _requests } }

    public func stop() {
        // Shut down only: the accept loop closes the listener once it is done with it, and a
        // connection closes after its thread leaves the set, so no descriptor is touched after its
        // number may have been reused (a second `stop`, from `deinit`, must not close another
        // server's listener).
        lock.withLock {
            if stopped { return }
            stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            for socket in openSockets { shutdown(socket, Int32(SHUT_RDWR)) }
        }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let index: Int? = lock.withLock {
                if stopped { return nil }
                openSockets.insert(client)
                defer { _connections += 1 }
                return _connections
            }
            guard let index else { close(client); return }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in
                self.serve(client, connection: index)
                self.lock.withLock { _ = self.openSockets.remove(client) }
                close(client)
            }
            thread.start()
        }
    }

    private func serve(_ socket: Int32, connection: Int) {
        var reader = SocketReader(socket: socket)
        var sequence = 0
        while let request = reader.readRequest(connection: connection, sequence: sequence) {
            sequence += 1
            lock.withLock { _requests += 1 }
            switch handler(request) {
            case .close:
                return
            case .raw(let bytes):
                writeAll(socket, bytes)
                return
            case .respond(let status, let headers, let body, let thenClose):
                var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "Content-Length: \(body.count)\r\n\r\n"
                guard writeAll(socket, Array(head.utf8)), writeAll(socket, body), !thenClose else { return }
            case .stream(let status, let headers, let contentLength, let chunk):
                var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
                for (name, value) in headers { head += "\(name): \(value)\r\n" }
                head += "Content-Length: \(contentLength)\r\n\r\n"
                guard writeAll(socket, Array(head.utf8)) else { return }
                var offset = 0
                while offset < contentLength {
                    var piece = chunk(offset)
                    if piece.isEmpty { return }
                    if piece.count > contentLength - offset { piece.removeLast(piece.count - (contentLength - offset)) }
                    guard writeAll(socket, piece) else { return }
                    offset += piece.count
                }
            }
        }
    }

    @discardableResult
    private func writeAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes {
                send(socket, $0.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            written += n
        }
        return true
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Buffered reads of HTTP/1.1 requests from a socket.
struct SocketReader {
    let socket: Int32
    var buffer: [UInt8] = []

    mutating func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, 65536, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
    }

    mutating func readLine() -> String? {
        while true {
            if let index = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<index])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                buffer.removeSubrange(...index)
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { return nil }
        }
    }

    mutating func read(count: Int) -> [UInt8]? {
        while buffer.count < count { guard fill() else { return nil } }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    mutating func readRequest(connection: Int, sequence: Int) -> LoopbackHTTPServer.Request? {
        guard let requestLine = readLine(), !requestLine.isEmpty else { return nil }
        let parts = requestLine.split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: [(name: String, value: String)] = []
        while let line = readLine(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var request = LoopbackHTTPServer.Request(
            method: String(parts[0]), target: String(parts[1]), headers: headers, body: [],
            connection: connection, sequence: sequence)
        if request.header("expect")?.lowercased() == "100-continue" {
            let interim = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
            _ = interim.withUnsafeBytes { send(socket, $0.baseAddress!, interim.count, Int32(MSG_NOSIGNAL)) }
        }
        if let length = request.header("content-length").flatMap(Int.init) {
            guard let body = read(count: length) else { return nil }
            request.body = body
        } else if request.header("transfer-encoding")?.lowercased() == "chunked" {
            while let sizeLine = readLine(), let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) {
                if size == 0 { _ = readLine(); break }
                guard let piece = read(count: size) else { return nil }
                request.body += piece
                _ = readLine()
            }
        }
        return request
    }
}
