import LocalSQS
import LocalStore
import Runtime
import Testing

@Suite struct MD5Tests {
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (
            "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
            "57edf4a22be3c955ac49da2e2107b67a"
        ),
    ])
    func digestMatchesRFC1321TestSuite(input: String, expected: String) {
        #expect(MD5.hex(input) == expected)
    }

    @Test func digestIsTheSameWhenFedInPieces() {
        let text = Array(String(repeating: "transcriptor ", count: 100).utf8)
        var md5 = MD5()
        md5.update(text[..<7])
        md5.update(text[7..<130])
        md5.update(text[130...])
        #expect(Hex.encode(md5.finalize()) == MD5.hex(text))
    }

    @Test func blockBoundaryLengthsAreDigested() {
        // 55, 56 and 64 bytes exercise the padding's edge cases.
        #expect(MD5.hex(String(repeating: "a", count: 55)) == "ef1772b6dff9a122358552954ad0df65")
        #expect(MD5.hex(String(repeating: "a", count: 56)) == "3b0c8ac703f828b04c6c197006d17218")
        #expect(MD5.hex(String(repeating: "a", count: 64)) == "014842d480b571495a4a0363793f7367")
    }

    @Test func messageAttributeDigestMatchesTheAWSAlgorithm() {
        // Computed independently, as botocore checks MD5OfMessageAttributes.
        #expect(SQSStore.md5(of: ["a": .string("b")]) == "bef8bf215374a0a228d67533b1a488be")
        let attributes: [String: SQSStore.MessageAttribute] = [
            "size": SQSStore.MessageAttribute(dataType: "Number", stringValue: "42"), "job.id": .string("j-1"),
        ]
        #expect(SQSStore.md5(of: attributes) == "56b042b381cd83c1cae28d3ba590d7f1")
        #expect(SQSStore.md5(of: [:]) == nil)
    }
}
