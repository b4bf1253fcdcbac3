/// MD5 (RFC 1321), fed in pieces so a large object is hashed while it streams.
///
/// Used only for S3 ETags and `Content-MD5`, never for security. CommonCrypto is not on Linux and
/// Foundation has no MD5, hence this small implementation.
public struct MD5: Sendable {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
    private var buffer = [UInt8](repeating: 0, count: 64)
    private var buffered = 0
    private var length: UInt64 = 0

    public init() {}

    /// The digest of `bytes` in one call.
    /// The digest as lowercase hex (SQS's `MD5OfMessageBody`).
    public static func hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        digest(bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    public static func digest<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var md5 = MD5()
        md5.update(Array(bytes))
        return md5.finalize()
    }

    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let copied: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if copied == nil { update(Array(bytes)) }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if buffered > 0 {
            let take = min(64 - buffered, bytes.count)
            buffer.withUnsafeMutableBytes {
                $0.baseAddress!.advanced(by: buffered).copyMemory(from: base, byteCount: take)
            }
            buffered += take
            offset = take
            guard buffered == 64 else { return }
            buffer.withUnsafeBytes { compress($0.baseAddress!) }
            buffered = 0
        }
        while bytes.count - offset >= 64 {
            compress(base.advanced(by: offset))
            offset += 64
        }
        let rest = bytes.count - offset
        if rest > 0 {
            buffer.withUnsafeMutableBytes {
                $0.baseAddress!.copyMemory(from: base.advanced(by: offset), byteCount: rest)
            }
            buffered = rest
        }
    }

    /// Pads, and returns the 16-byte digest; the hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var padding: [UInt8] = [0x80]
        let padTo = buffered < 56 ? 56 : 120
        padding += [UInt8](repeating: 0, count: padTo - buffered - 1)
        for shift in stride(from: 0, to: 64, by: 8) {
            padding.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        let savedLength = length
        update(padding)
        length = savedLength
        precondition(buffered == 0, "MD5 padding must end on a block boundary")
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for word in [state.0, state.1, state.2, state.3] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return out
    }

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]

    /// `floor(abs(sin(i + 1)) * 2^32)`, RFC 1321's table T.
    private static let constants: [UInt32] = [
        0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
        0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
        0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
        0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
        0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
        0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
        0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
        0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391,
    ]

    private mutating func compress(_ block: UnsafeRawPointer) {
        var words = (
            UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0),
            UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0), UInt32(0)
        )
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(start: block, count: 64)) }
        var (a, b, c, d) = state
        Self.shifts.withUnsafeBufferPointer { shifts in
            Self.constants.withUnsafeBufferPointer { constants in
                withUnsafeBytes(of: &words) { raw in
                    let m = raw.bindMemory(to: UInt32.self)
                    for i in 0..<64 {
                        var f: UInt32
                        let g: Int
                        switch i {
                        case 0..<16:
                            f = (b & c) | (~b & d)
                            g = i
                        case 16..<32:
                            f = (d & b) | (~d & c)
                            g = (5 &* i &+ 1) & 15
                        case 32..<48:
                            f = b ^ c ^ d
                            g = (3 &* i &+ 5) & 15
                        default:
                            f = c ^ (b | ~d)
                            g = (7 &* i) & 15
                        }
                        f = f &+ a &+ constants[i] &+ UInt32(littleEndian: m[g])
                        a = d
                        d = c
                        c = b
                        let s = shifts[i]
                        b = b &+ ((f << s) | (f >> (32 &- s)))
                    }
                }
            }
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
