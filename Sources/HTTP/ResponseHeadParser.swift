/// Collects the header lines libcurl hands over one at a time, keeping only the last block: each
/// status line (`HTTP/1.1 100 Continue`, a followed redirect, the final response) starts afresh.
struct ResponseHeadParser {
    private(set) var status: Int?
    private(set) var headers: [(name: String, value: String)] = []

    /// Takes one line, with or without its CRLF.
    mutating func consume<Line: Collection<UInt8>>(line: Line) {
        var bytes = Array(line)
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            bytes.removeLast()
        }
        if bytes.isEmpty { return }
        if bytes.starts(with: Self.statusPrefix) {
            headers.removeAll(keepingCapacity: true)
            let fields = bytes.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: true)
            status = fields.count >= 2 ? Int(String(decoding: fields[1], as: UTF8.self)) : nil
        } else if Self.isBlank(bytes[0]) {
            // An obsolete folded continuation of the previous header's value.
            guard let last = headers.indices.last else { return }
            headers[last].value += " " + Self.trimmed(bytes[...])
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: bytes[..<colon], as: UTF8.self)
            headers.append((name: name, value: Self.trimmed(bytes[(colon + 1)...])))
        }
    }

    /// The current block's `Content-Length`, if it has a valid one.
    var contentLength: Int? {
        headers.last { HTTPResponse.sameName($0.name, "Content-Length") }.flatMap { Int($0.value) }.flatMap {
            $0 >= 0 ? $0 : nil
        }
    }

    private static let statusPrefix = Array("HTTP/".utf8)

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, isBlank(first) { slice.removeFirst() }
        while let last = slice.last, isBlank(last) { slice.removeLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
