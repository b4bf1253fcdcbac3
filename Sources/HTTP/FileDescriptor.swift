#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file that a request body is read from or a response body written to; closed by
/// ``close()`` or, failing that, when released.
final class FileDescriptor {
    let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// Opens the file to read it from the start.
    static func openForReading(_ path: String) throws -> FileDescriptor {
        let descriptor = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        return FileDescriptor(path: path, descriptor: descriptor)
    }

    /// Creates the file, or truncates it, to write it from the start (mode 0644 before the umask).
    static func create(_ path: String) throws -> FileDescriptor {
        let descriptor = try syscall("open", path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        return FileDescriptor(path: path, descriptor: descriptor)
    }

    /// The file's size in bytes now.
    func size() throws -> Int {
        var status = stat()
        _ = try Self.syscall("fstat", path) { fstat(descriptor, &status) }
        return Int(status.st_size)
    }

    /// Writes all of `bytes`, however many calls that takes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var written = 0
        while written < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[written...])
            written += try Self.syscall("write", path) {
                systemWrite(descriptor, remaining.baseAddress, remaining.count)
            }
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try Self.syscall("read", path) { systemRead(descriptor, buffer.baseAddress, buffer.count) }
    }

    /// Moves to `offset` bytes from the start.
    func seek(to offset: Int) throws {
        _ = try Self.syscall("lseek", path) { lseek(descriptor, off_t(offset), SEEK_SET) }
    }

    /// Closes the file, reporting a failure (a write-back error, say) that a plain release would hide.
    func close() throws {
        guard descriptor >= 0 else { return }
        let closing = descriptor
        descriptor = -1
        // Linux frees the descriptor even when close fails, so it is never retried.
        if systemClose(closing) == 0 { return }
        let code = errno
        if code == EINTR { return }
        throw Self.error("close", path, errno: code)
    }

    /// Runs a system call, again while it is interrupted, and throws ``HTTPClientError/fileIO`` with
    /// the system's message when it fails.
    private static func syscall<Result: BinaryInteger>(
        _ name: String, _ path: String, _ call: () -> Result
    ) throws -> Result {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = errno
            if code == EINTR { continue }
            throw error(name, path, errno: code)
        }
    }

    private static func error(_ name: String, _ path: String, errno code: Int32) -> HTTPClientError {
        HTTPClientError(.fileIO, message: "\(name) failed: \(String(cString: strerror(code)))", path: path)
    }
}

// The methods above shadow these system calls' names.
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
