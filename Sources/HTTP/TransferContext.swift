import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of one request that libcurl's callbacks work on.
///
/// It lives for one ``HTTPClient/execute(_:)`` call; libcurl holds it only as an unretained
/// pointer, set before the transfer and cleared by the handle's reset after it.
final class TransferContext {
    private enum Upload {
        case bytes([UInt8])
        case file(FileDescriptor, size: Int)
    }

    let url: String
    private let policy: AddressPolicy?
    private let sizeLimit: Int?
    private let upload: Upload?
    private var uploadOffset = 0
    private let output: FileDescriptor?
    private(set) var body: [UInt8] = []
    private(set) var bytesReceived = 0
    private(set) var head = ResponseHeadParser()
    private var refusals: [(address: SocketAddress?, reason: String)] = []
    /// Why a callback stopped the transfer, when one did.
    private var failure: HTTPClientError?

    /// Opens the request's body file and creates its response file, if it has them.
    init(request: HTTPRequest, policy: AddressPolicy?) throws {
        url = request.url
        self.policy = policy
        sizeLimit = request.responseSizeLimit
        switch request.body {
        case .none: upload = nil
        case .bytes(let bytes): upload = .bytes(bytes)
        case .file(let path):
            let file = try FileDescriptor.openForReading(path)
            upload = .file(file, size: try file.size())
        }
        switch request.destination {
        case .memory: output = nil
        case .file(let path): output = try FileDescriptor.create(path)
        }
    }

    /// The request body's length, nil without a body.
    var uploadSize: Int? {
        switch upload {
        case .bytes(let bytes): bytes.count
        case .file(_, let size): size
        case nil: nil
        }
    }

    /// Closes the response file, which now holds the whole body.
    func finish() throws {
        try output?.close()
    }

    /// Closes and removes the partly written response file after a failure.
    func abandon() {
        guard let output else { return }
        try? output.close()
        unlink(output.path)
    }

    /// The error to throw for a failed transfer: the callback's own reason when it stopped the
    /// transfer, the policy's refusal when that is why no connection was made, else libcurl's.
    func error(for curlError: HTTPClientError) -> HTTPClientError {
        var error = curlError
        if let failure {
            error = failure
            error.curlCode = curlError.curlCode
        } else if curlError == .couldNotConnect, let refusal = refusals.first {
            error = HTTPClientError(
                .addressRefused, message: refusal.reason, curlCode: curlError.curlCode, address: refusal.address)
        }
        error.url = url
        return error
    }

    // MARK: Callbacks

    /// One header line, status lines and the blank line included.
    func receiveHeader(_ line: UnsafeRawBufferPointer) {
        head.consume(line: line)
    }

    /// A piece of the body; false stops the transfer.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let sizeLimit, bytes.count > sizeLimit - bytesReceived {
            failure = HTTPClientError(.responseTooLarge, message: "the body is longer than \(sizeLimit) bytes")
            return false
        }
        bytesReceived += bytes.count
        guard let output else {
            if body.isEmpty, let declared = head.contentLength {
                // One allocation of the declared size instead of doublings up to twice the body.
                body.reserveCapacity(min(declared, sizeLimit ?? declared, 1 << 30))
            }
            // Signed and unsigned chars may alias; a typed buffer makes the append one copy.
            body.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
            return true
        }
        do {
            try output.write(bytes)
            return true
        } catch {
            failure = error as? HTTPClientError
            return false
        }
    }

    /// Fills `buffer` with the next piece of the request body: the count, 0 at the end, nil on failure.
    func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch upload {
        case .bytes(let bytes):
            let count = min(buffer.count, bytes.count - uploadOffset)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploadOffset..<uploadOffset + count]))
            }
            uploadOffset += count
            return count
        case .file(let file, _):
            do {
                return try file.read(into: buffer)
            } catch {
                failure = error as? HTTPClientError
                return nil
            }
        case nil:
            return 0
        }
    }

    /// Rewinds the request body to `offset` (libcurl resends it after some redirects); false on failure.
    func seekBody(to offset: Int) -> Bool {
        guard let uploadSize, offset >= 0, offset <= uploadSize else { return false }
        switch upload {
        case .bytes: uploadOffset = offset
        case .file(let file, _):
            do {
                try file.seek(to: offset)
            } catch {
                failure = error as? HTTPClientError
                return false
            }
        case nil: return false
        }
        return true
    }

    /// Asks the policy about the address libcurl is about to connect to, and opens the socket for
    /// it, or refuses with `CURL_SOCKET_BAD`.
    func openSocket(for address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let request = address.pointee
        let sockaddrOffset = MemoryLayout<curl_sockaddr>.offset(of: \.addr)!
        let target = SocketAddress(
            sockaddr: UnsafeRawPointer(address) + sockaddrOffset, length: Int(request.addrlen))
        if let policy {
            guard let target else {
                refusals.append((nil, "not an IP address"))
                return ccurl_socket_bad()
            }
            if case .refuse(let reason) = policy(target) {
                refusals.append((target, reason))
                return ccurl_socket_bad()
            }
        }
        let descriptor = socket(request.family, request.socktype | Int32(SOCK_CLOEXEC.rawValue), request.protocol)
        return descriptor >= 0 ? descriptor : ccurl_socket_bad()
    }
}
