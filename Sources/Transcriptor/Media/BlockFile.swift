#if canImport(Glibc)
    import Glibc
#endif

/// A file read or written in blocks through stdio, closed when the object goes away; every
/// failure is a `MediaError.toolFailed` naming the file and the system's reason.
public final class BlockFile {
    public let path: String
    private var handle: UnsafeMutablePointer<FILE>?

    public init(_ path: String, mode: String) throws(MediaError) {
        self.path = path
        guard let handle = fopen(path, mode) else { throw Self.failure("cannot open", path) }
        self.handle = handle
    }

    deinit {
        if let handle { fclose(handle) }
    }

    private static func failure(_ what: String, _ path: String, _ code: Int32 = errno) -> MediaError {
        .toolFailed(detail: "\(what) \(path): \(String(cString: strerror(code)))")
    }

    private var file: UnsafeMutablePointer<FILE> {
        guard let handle else { preconditionFailure("\(path) used after it was closed") }
        return handle
    }

    /// A whole (small) file: a chunk to send, a checksum file.
    public static func contents(of path: String) throws(MediaError) -> [UInt8] {
        let file = try BlockFile(path, mode: "rb")
        return try file.read(try file.size())
    }

    /// The file's size in bytes.
    public func size() throws(MediaError) -> Int {
        var info = stat()
        guard fstat(fileno(file), &info) == 0 else { throw Self.failure("cannot stat", path) }
        return Int(info.st_size)
    }

    func seek(to offset: Int) throws(MediaError) {
        guard fseeko(file, off_t(offset), SEEK_SET) == 0 else { throw Self.failure("cannot seek in", path) }
    }

    /// Up to `count` bytes; fewer only at the end of the file.
    public func read(_ count: Int) throws(MediaError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try read(into: &bytes, count: count)
        bytes.removeSubrange(got...)
        return bytes
    }

    /// Reads up to `count` bytes into the start of `buffer`; returns how many (0 at the end).
    public func read(into buffer: inout [UInt8], count: Int) throws(MediaError) -> Int {
        precondition(count <= buffer.count, "a read past the buffer's end")
        guard count > 0 else { return 0 }
        let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, count, file) }
        if got < count, ferror(file) != 0 { throw Self.failure("cannot read", path) }
        return got
    }

    func write(_ bytes: ArraySlice<UInt8>) throws(MediaError) {
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw Self.failure("cannot write", path) }
    }

    /// Flushes and closes; a write error that stdio held back surfaces here.
    func close() throws(MediaError) {
        guard let handle else { return }
        self.handle = nil
        guard fclose(handle) == 0 else { throw Self.failure("cannot write", path) }
    }
}
