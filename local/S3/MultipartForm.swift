import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `multipart/form-data` body on disk (RFC 7578), as a browser's form upload sends it: the fields
/// before the file are read (at most `fieldBudget` bytes of them, as S3 limits them), the file is
/// only located (offset and length), and anything after the file is ignored, as S3 does.
public struct MultipartForm: Sendable {
    public struct File: Sendable {
        public var filename: String
        public var offset: Int64
        public var length: Int64
    }

    public enum Failure: Error, Equatable {
        /// Not well-formed multipart/form-data.
        case malformed
        /// The fields before the file exceed the budget.
        case fieldsTooLarge
    }

    /// Field names lowercased (S3 matches them without case), values in order of appearance.
    public private(set) var fields: [(name: String, value: String)] = []
    public private(set) var file: File?

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    public static func boundary(ofContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// - Throws: `Failure` for a body that is not well-formed (or whose fields pass the budget), a
    ///   `SystemError` when the file cannot be read.
    public init(path: String, boundary: String, fieldBudget: Int) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError(operation: "open \(path)", code: errno) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw SystemError(operation: "stat \(path)", code: errno) }
        let reader = Reader(fd: fd, size: Int64(status.st_size))
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        // The first boundary line, at the start or after a preamble.
        var position: Int64
        if reader.bytes(at: 0, count: dashBoundary.count) == dashBoundary {
            position = Int64(dashBoundary.count)
        } else {
            guard let found = try reader.find(delimiter, from: 0) else { throw Failure.malformed }
            position = found + Int64(delimiter.count)
        }
        var budget = fieldBudget
        while true {
            // After a boundary: "--" ends the body; otherwise optional spaces and a line break.
            if reader.bytes(at: position, count: 2) == Array("--".utf8) { return }
            while reader.bytes(at: position, count: 1) == [0x20] || reader.bytes(at: position, count: 1) == [0x09] {
                position += 1
            }
            guard reader.bytes(at: position, count: 2) == [0x0D, 0x0A] else { throw Failure.malformed }
            let start = position + 2
            guard let end = try reader.find(delimiter, from: start) else { throw Failure.malformed }
            let head = reader.bytes(at: start, count: Int(min(end - start, 8192)))
            let (headers, headerLength) = try Self.headers(head)
            guard let disposition = headers["content-disposition"],
                let parameters = Self.dispositionParameters(disposition), let name = parameters["name"]
            else { throw Failure.malformed }
            let bodyOffset = start + Int64(headerLength)
            if let filename = parameters["filename"] {
                file = File(filename: filename, offset: bodyOffset, length: end - bodyOffset)
                return
            }
            let length = Int(end - bodyOffset)
            budget -= length + name.utf8.count
            guard budget >= 0 else { throw Failure.fieldsTooLarge }
            fields.append(
                (name.lowercased(), String(decoding: reader.bytes(at: bodyOffset, count: length), as: UTF8.self)))
            position = end + Int64(delimiter.count)
        }
    }

    /// A part's header lines, by lowercased name, and the length of the header block with its blank line.
    private static func headers(_ head: [UInt8]) throws -> ([String: String], Int) {
        if head.starts(with: [0x0D, 0x0A]) { return ([:], 2) }
        guard
            let end = head.indices.dropLast(3).first(where: {
                head[$0..<$0 + 4].elementsEqual([0x0D, 0x0A, 0x0D, 0x0A])
            })
        else { throw Failure.malformed }
        var headers: [String: String] = [:]
        for line in String(decoding: head[..<end], as: UTF8.self).components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[
                line.index(after: colon)...
            ]
            .trimmingCharacters(in: .whitespaces)
        }
        return (headers, end + 4)
    }

    /// `form-data; name="key"; filename="a.mp3"` → ["name": "key", "filename": "a.mp3"]; nil unless form-data.
    static func dispositionParameters(_ value: String) -> [String: String]? {
        var parameters: [String: String] = [:]
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current)
        guard items.first?.trimmingCharacters(in: .whitespaces).lowercased() == "form-data" else { return nil }
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            parameters[item[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = String(
                item[item.index(after: equals)...]
            ).trimmingCharacters(in: .whitespaces)
        }
        return parameters
    }

    /// Positioned reads of the body file, and a search through it 1 MiB at a time.
    private struct Reader {
        let fd: Int32
        let size: Int64

        func bytes(at offset: Int64, count: Int) -> [UInt8] {
            guard count > 0, offset < size else { return [] }
            var buffer = [UInt8](repeating: 0, count: count)
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, count, off_t(offset)) }
            return Array(buffer.prefix(max(0, read)))
        }

        /// The offset of the first `needle` at or after `start`.
        func find(_ needle: [UInt8], from start: Int64) throws -> Int64? {
            let window = 1 << 20
            var offset = start
            while offset < size {
                let chunk = bytes(at: offset, count: window + needle.count - 1)
                guard chunk.count >= needle.count else { return nil }
                let found = chunk.withUnsafeBytes { Self.index(of: needle, in: $0) }
                if let found { return offset + Int64(found) }
                offset += Int64(window)
            }
            return nil
        }

        /// The first occurrence of `needle` in `haystack`: `memchr` to each candidate first byte, then `memcmp`.
        static func index(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
            guard let base = haystack.baseAddress, !needle.isEmpty, needle.count <= haystack.count else { return nil }
            let last = haystack.count - needle.count
            var start = 0
            while start <= last {
                guard let hit = memchr(base + start, Int32(needle[0]), last - start + 1) else { return nil }
                let position = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + position, needle, needle.count) == 0 { return position }
                start = position + 1
            }
            return nil
        }
    }
}
