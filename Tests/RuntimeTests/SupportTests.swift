import Foundation
import Testing

@testable import Runtime

/// The small replacements for Foundation: time, hex, base64, percent-encoding, random ids.
@Suite struct SupportTests {
    @Test func timestampFormatsAndParsesISO8601InUTC() throws {
        let t = Timestamp(millisecondsSinceEpoch: 1_795_881_730_123)
        #expect(t.iso8601 == "2026-11-28T16:02:10.123Z")
        #expect(Timestamp(iso8601: "2026-11-28T16:02:10.123Z") == t)
        #expect(Timestamp(iso8601: "2026-11-28T17:02:10.123+01:00") == t)
        #expect(Timestamp(iso8601: "2026-11-28T16:02:10.123456Z") == t, "fractions beyond milliseconds are truncated")
        #expect(Timestamp(iso8601: "2026-11-28T16:02:10Z")?.millisecondsSinceEpoch == 1_795_881_730_000)
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.999Z")?.millisecondsSinceEpoch == -1)
        #expect(Timestamp(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(iso8601: "2024-02-29T00:00:00Z") != nil)
        for bad in ["2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-28 16:02", "2026-11-28T16:02:10", "", "x"]
        {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad) is refused")
        }
        #expect(t.amzDate == "20261128T160210Z")
        #expect(Timestamp(amzDate: "20150830T123600Z")?.iso8601Seconds == "2015-08-30T12:36:00Z")
    }

    @Test func timestampAgreesWithFoundationOverManyInstants() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let millis = Int64.random(in: -2_000_000_000_000...10_000_000_000_000, using: &generator)
            let ours = Timestamp(millisecondsSinceEpoch: millis).iso8601
            let theirs = formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
            #expect(ours == theirs)
            #expect(Timestamp(iso8601: ours)?.millisecondsSinceEpoch == millis)
        }
    }

    @Test func hexAndBase64RoundTripAndAgreeWithFoundation() {
        for length in 0..<70 {
            let bytes = RandomBytes.generate(count: length)
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, urlSafe: true)) == bytes)
            #expect(!Base64.encode(bytes, urlSafe: true).contains("="))
        }
        #expect(Hex.encode([0xde, 0xad, 0xbe, 0xef]) == "deadbeef")
        #expect(Hex.decode("DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Base64.decode("a") == nil)
        #expect(Base64.decode("ab*d") == nil)
    }

    @Test func percentEncodingFollowsRFC3986() {
        #expect(PercentEncoding.encode("a b/c~d_e.f-g") == "a%20b%2Fc~d_e.f-g")
        #expect(PercentEncoding.encode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.decode("a%20b+c") == "a b+c")
        #expect(PercentEncoding.decode("a%20b+c", plusAsSpace: true) == "a b c")
        #expect(PercentEncoding.decode("100%") == "100%", "a malformed escape is kept")
        #expect(PercentEncoding.decode("%e2%82%ac") == "€")
        let pairs = PercentEncoding.parseQuery("limit=20&q=my+talk&cursor=a%3Db&empty")
        #expect(pairs.map(\.name) == ["limit", "q", "cursor", "empty"])
        #expect(pairs.map(\.value) == ["20", "my talk", "a=b", ""])
    }

    @Test func uuidsAreVersion4AndDistinct() {
        let ids = (0..<1000).map { _ in RandomBytes.uuid() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            #expect(UUID(uuidString: id) != nil)
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
        }
        #expect(RandomBytes.token(byteCount: 32).count == 43)
    }

    @Test func trimmingRemovesSurroundingWhitespaceOnly() {
        #expect("  a b \t\r\n".trimmingWhitespace() == "a b")
        #expect("   ".trimmingWhitespace() == "")
    }
}
