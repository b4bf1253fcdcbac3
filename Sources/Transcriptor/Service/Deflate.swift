import CZlib

/// zlib's deflate over a whole buffer at once: a gzip stream for the API's responses
/// (`ResponseCompression`), a raw stream for the entries of a Word document's ZIP (`DocumentWriter`).
enum Deflate {
    enum Framing {
        /// RFC 1952: header and trailer (window bits 15 + 16).
        case gzip
        /// No header or trailer (window bits −15), as a ZIP entry holds it.
        case raw
    }

    /// `bytes` compressed at `level`, or nil if zlib fails.
    static func compress(_ bytes: [UInt8], framing: Framing, level: Int32 = 6) -> [UInt8]? {
        var stream = z_stream()
        let started =
            switch framing {
            case .gzip: czlib_deflate_init_gzip(&stream, level)
            case .raw: czlib_deflate_init_raw(&stream, level)
            }
        guard started == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
