import Foundation
import LocalStore
import Runtime

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The object bytes on disk: one immutable file per stored version, under
/// `objects/{bucket}/{hh}/{md5(key)}-{random}`, never named after the raw key.
///
/// A file is written under `tmp/`, synced, and renamed into place before the metadata row that names
/// it commits; an overwrite gets a new file, so a committed row always names complete bytes and a
/// crash between rename and commit leaves only an orphan, which `sweep(keeping:)` removes at start-up.
struct ObjectFiles: Sendable {
    /// The store's directory (absolute).
    let root: String
    static let chunkSize = 1 << 20

    init(root: String) throws {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: self.root + "/objects", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: self.root + "/tmp", withIntermediateDirectories: true)
    }

    func absolute(_ relative: String) -> String { root + "/" + relative }

    /// A fresh relative path for a new version of `key` in `bucket`, its folder created.
    func newPath(bucket: String, key: String) throws -> String {
        let hash = Hex.encode(MD5.digest(Array(key.utf8)))
        let folder = "objects/\(bucket)/\(hash.prefix(2))"
        try FileManager.default.createDirectory(atPath: absolute(folder), withIntermediateDirectories: true)
        return "\(folder)/\(hash)-\(Hex.encode(RandomBytes.generate(count: 8)))"
    }

    /// Writes `bytes` to `relative` through a synced temporary file and a rename.
    func store(_ bytes: [UInt8], at relative: String) throws {
        let temporary = root + "/tmp/" + RandomBytes.uuid()
        let fd = try syscall("open \(temporary)") { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        do {
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = try syscall("write \(temporary)") {
                        Int32(truncatingIfNeeded: write(fd, raw.baseAddress! + offset, raw.count - offset))
                    }
                    offset += Int(written)
                }
            }
            _ = try syscall("fsync \(temporary)") { fsync(fd) }
            close(fd)
            _ = try syscall("rename \(temporary)") { rename(temporary, absolute(relative)) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// The MD5 of a file, read in 1 MiB pieces (never whole).
    func md5(ofFile path: String) throws -> [UInt8] {
        let fd = try syscall("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var md5 = MD5()
        var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            let count = try chunk.withUnsafeMutableBytes { raw in
                try syscall("read \(path)") { Int32(truncatingIfNeeded: read(fd, raw.baseAddress!, raw.count)) }
            }
            if count == 0 { break }
            chunk.withUnsafeBytes { md5.update(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)])) }
        }
        return md5.finalize()
    }

    /// Moves an uploaded file to `relative` (synced first); across file systems, copies it in pieces.
    func adopt(file path: String, as relative: String) throws {
        let fd = try syscall("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
        _ = try? syscall("fsync \(path)") { fsync(fd) }
        close(fd)
        if rename(path, absolute(relative)) == 0 { return }
        guard errno == EXDEV else { throw S3Error.internalError(SystemError(operation: "rename \(path)", code: errno)) }
        _ = try assemble([Piece(path: path)], at: relative)
        unlink(path)
    }

    /// Gives `relative` the bytes of `source` (another object's file): a hard link, since object files
    /// are never modified, or a copy in pieces where links are not possible.
    func clone(_ source: String, to relative: String) throws {
        if link(absolute(source), absolute(relative)) == 0 { return }
        if errno == ENOENT { throw SystemError(operation: "link \(source)", code: ENOENT) }
        _ = try assemble([Piece(path: absolute(source))], at: relative)
    }

    /// A byte range of a file (absolute path); a nil length reads to the end.
    struct Piece {
        var path: String
        var offset: Int64 = 0
        var length: Int64? = nil
    }

    /// Writes a new file at `relative` from `pieces`, in order, 1 MiB at a time, synced and renamed into
    /// place; returns the MD5 of what it wrote. A piece shorter than its length is an error (`EIO`).
    func assemble(_ pieces: [Piece], at relative: String) throws -> [UInt8] {
        let temporary = root + "/tmp/" + RandomBytes.uuid()
        let output = try syscall("open \(temporary)") {
            open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        var md5 = MD5()
        do {
            var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
            for piece in pieces {
                let input = try syscall("open \(piece.path)") { open(piece.path, O_RDONLY | O_CLOEXEC) }
                defer { close(input) }
                var position = piece.offset
                var remaining = piece.length ?? Int64.max
                while remaining > 0 {
                    let wanted = Int(min(Int64(chunk.count), remaining))
                    let count = try chunk.withUnsafeMutableBytes { raw in
                        try syscall("read \(piece.path)") {
                            Int32(truncatingIfNeeded: pread(input, raw.baseAddress!, wanted, off_t(position)))
                        }
                    }
                    if count == 0 {
                        guard piece.length == nil else { throw SystemError(operation: "read \(piece.path)", code: EIO) }
                        break
                    }
                    try chunk.withUnsafeBytes { raw in
                        let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<Int(count)])
                        md5.update(bytes)
                        var offset = 0
                        while offset < bytes.count {
                            let written = try syscall("write \(temporary)") {
                                Int32(
                                    truncatingIfNeeded: write(output, bytes.baseAddress! + offset, bytes.count - offset)
                                )
                            }
                            offset += Int(written)
                        }
                    }
                    position += Int64(count)
                    remaining -= Int64(count)
                }
            }
            _ = try syscall("fsync \(temporary)") { fsync(output) }
            close(output)
            _ = try syscall("rename \(temporary)") { rename(temporary, absolute(relative)) }
        } catch {
            close(output)
            unlink(temporary)
            throw error
        }
        return md5.finalize()
    }

    func remove(_ relative: String) {
        unlink(absolute(relative))
    }

    /// Removes temporary files and object files no row names (left by a crash before a commit).
    func sweep(keeping referenced: Set<String>) {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: root + "/tmp")) ?? [] {
            unlink(root + "/tmp/" + name)
        }
        guard let walker = manager.enumerator(atPath: root + "/objects") else { return }
        while let item = walker.nextObject() as? String {
            let relative = "objects/" + item
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: absolute(relative), isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            if !referenced.contains(relative) { unlink(absolute(relative)) }
        }
    }
}

/// A failed system call, with its `errno`.
struct SystemError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// Runs a C call that returns -1 on failure (retrying `EINTR`), throwing a `SystemError` otherwise.
@discardableResult
func syscall(_ operation: @autoclosure () -> String, _ body: () throws -> Int32) throws -> Int32 {
    while true {
        let result = try body()
        if result != -1 { return result }
        if errno == EINTR { continue }
        throw SystemError(operation: operation(), code: errno)
    }
}
