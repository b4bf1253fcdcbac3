import Runtime
import Testing

@testable import LocalS3

@Suite struct MD5Tests {
    /// The test suite of RFC 1321, appendix A.5.
    static let vectors: [(String, String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        (
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "d174ab98d277d9f5a5611c2c9f419d9f"
        ),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ]

    @Test func digestsMatchTheRFC1321TestSuite() {
        for (input, expected) in Self.vectors {
            #expect(Hex.encode(MD5.digest(Array(input.utf8))) == expected, "MD5(\"\(input)\")")
        }
    }

    @Test func feedingInUnevenPiecesGivesTheSameDigestAsOneCall() {
        let input = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = MD5.digest(input)
        for pieceSize in [1, 3, 55, 56, 63, 64, 65, 127, 1000] {
            var md5 = MD5()
            var offset = 0
            while offset < input.count {
                let end = min(offset + pieceSize, input.count)
                md5.update(Array(input[offset..<end]))
                offset = end
            }
            #expect(md5.finalize() == whole, "pieces of \(pieceSize)")
        }
    }

    @Test func paddingBoundaryLengthsMatchKnownDigests() {
        // 55, 56 and 64 bytes straddle the one-block / two-block padding boundary.
        #expect(Hex.encode(MD5.digest([UInt8](repeating: 0x61, count: 55))) == "ef1772b6dff9a122358552954ad0df65")
        #expect(Hex.encode(MD5.digest([UInt8](repeating: 0x61, count: 56))) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(Hex.encode(MD5.digest([UInt8](repeating: 0x61, count: 64))) == "014842d480b571495a4a0363793f7367")
    }
}
