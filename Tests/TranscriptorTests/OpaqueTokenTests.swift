import Testing

@testable import Transcriptor

/// Refresh tokens, API keys and link tokens: random, prefixed by kind, stored as hashes.
@Suite struct OpaqueTokenTests {
    @Test func tokensAreRandomPrefixedAndRecognisedOnlyAsTheirKind() throws {
        let key = OpaqueToken(kind: .apiKey)
        #expect(key.text.hasPrefix("tsk_"))
        #expect(key.text.count == 4 + 43)
        #expect(OpaqueToken(kind: .apiKey) != key)
        let presented = try #require(OpaqueToken(presented: key.text, kind: .apiKey))
        #expect(presented.hash == key.hash)
        #expect(OpaqueToken(presented: key.text, kind: .refresh) == nil)
        #expect(OpaqueToken(presented: "tsk_short", kind: .apiKey) == nil)
        #expect(OpaqueToken(presented: key.text + "A", kind: .apiKey) == nil)
    }

    @Test func storedHashAndVisiblePrefixRevealNothingUsable() {
        let refresh = OpaqueToken(kind: .refresh)
        #expect(refresh.hash.count == 64)
        #expect(!refresh.hash.contains(refresh.text))
        #expect(refresh.visiblePrefix == String(refresh.text.prefix(11)))
        #expect(refresh.visiblePrefix.hasPrefix("rt_"))
    }
}
