import Foundation
import HTTP
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The integration suites, run one at a time: the streaming test measures the process's memory,
/// and a timing test must not compete for the two cores.
@Suite(.serialized) enum HTTPClientIntegration {}

/// A deterministic byte pattern for large bodies: byte `i` of a body is `block[i % block.count]`,
/// the block's length a prime so the pattern does not line up with buffer sizes.
enum BodyPattern {
    static let block: [UInt8] = (0..<65521).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 8)) }

    /// The bytes from `offset` to the end of the current block (a server's `stream` chunk).
    static func chunk(at offset: Int) -> [UInt8] {
        Array(block[(offset % block.count)...])
    }

    /// Whether `bytes` are the pattern's bytes from `offset` on.
    static func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        var checked = 0
        while checked < bytes.count {
            let start = (offset + checked) % block.count
            let count = min(block.count - start, bytes.count - checked)
            let equal = block.withUnsafeBytes { expected in
                memcmp(expected.baseAddress! + start, bytes.baseAddress! + checked, count) == 0
            }
            guard equal else { return false }
            checked += count
        }
        return true
    }

    /// Writes `size` bytes of the pattern to a new file.
    static func writeFile(_ path: String, size: Int) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        var offset = 0
        while offset < size {
            let piece = chunk(at: offset).prefix(size - offset)
            try handle.write(contentsOf: piece)
            offset += piece.count
        }
    }

    /// Whether the file holds exactly `size` bytes of the pattern, read a block at a time.
    static func fileMatches(_ path: String, size: Int) throws -> Bool {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        var offset = 0
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            guard data.withUnsafeBytes({ matches($0, at: offset) }) else { return false }
            offset += data.count
        }
        return offset == size
    }
}

/// A value shared between a test and its server's or policy's threads.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: every access to `value` goes through `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.withLock { body(&value) }
    }

    var current: Value { withLock { $0 } }
}

/// A fresh path in the temporary directory; nothing is created there.
func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "http-tests-\(UUID().uuidString)-\(name)"
}

/// The process's resident memory now and at its peak, in bytes, from /proc/self/status.
func residentMemory() throws -> (current: Int, peak: Int) {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    func kilobytes(_ key: String) throws -> Int {
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(key + ":") })
        let number = try #require(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first)
        return try #require(Int(number)) * 1024
    }
    return (try kilobytes("VmRSS"), try kilobytes("VmHWM"))
}

/// A loopback port that refuses connections: bound (so no one else takes it) but not listening.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw ServerError("could not bind a loopback port")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
