import Testing
import Transcriptor

/// The strict `Cookie` parser the refresh cookie is read with: RFC 6265's grammar, a name sent
/// twice or off the grammar refused when asked for, the limits.
@Suite struct CookieHeaderTests {
    @Test func wellFormedCookiesAreReadAsTheyCame() throws {
        let cookies = try CookieHeader(header: "a=1; refresh=rt_x-y_z; q=\"quoted\";\tempty=; ;")
        #expect(cookies.pairs.map(\.name) == ["a", "refresh", "q", "empty"])
        #expect(try cookies.value(of: "refresh") == "rt_x-y_z")
        #expect(try cookies.value(of: "q") == "quoted")
        #expect(try cookies.value(of: "empty") == "")
        #expect(try cookies.value(of: "missing") == nil)
        #expect(try cookies.value(of: "Refresh") == nil, "names are case-sensitive")
        #expect(cookies.headerValue == "a=1; refresh=rt_x-y_z; q=quoted; empty=")
    }

    @Test func aNameSentTwiceOrOffTheGrammarIsRefusedOnlyWhenAskedFor() throws {
        let twice = try CookieHeader(header: "refresh=a; other=1; refresh=b")
        #expect(throws: CookieHeader.Invalid.repeated("refresh")) { try twice.value(of: "refresh") }
        #expect(try twice.value(of: "other") == "1")
        for header in [
            "refresh=a b", "refresh =a", "refresh=a,b", "refresh=a\"b", "refresh=\"a", "refresh=a\\b", "refresh=\u{7F}",
            "refresh=é", "refresh=a\u{0}", "refresh",
        ] {
            let cookies = try CookieHeader(header: header + "; ok=1")
            #expect(throws: CookieHeader.Invalid.malformed("refresh"), "\(header.debugDescription)") {
                try cookies.value(of: "refresh")
            }
            #expect(try cookies.value(of: "ok") == "1", "\(header.debugDescription)")
        }
        let junk = try CookieHeader(header: "prefs={\"a\": 1}; =x; refresh=rt_1")
        #expect(try junk.value(of: "refresh") == "rt_1")
        #expect(junk.malformedNames == ["prefs", ""])
    }

    @Test func oversizedHeadersAndTooManyPairsAreRefusedWhole() throws {
        #expect(throws: CookieHeader.Invalid.tooLarge) {
            try CookieHeader(header: "a=" + String(repeating: "x", count: CookieHeader.maxBytes))
        }
        #expect(throws: CookieHeader.Invalid.tooLarge) {
            try CookieHeader(pairs: (0...CookieHeader.maxPairs).map { "c\($0)=1" })
        }
        #expect(
            try CookieHeader(pairs: (1...CookieHeader.maxPairs).map { "c\($0)=1" }).pairs.count == CookieHeader.maxPairs
        )
    }

    @Test func displayTextRefusesControlsAndBidiOverridesButNotOtherScripts() throws {
        for scalar: Unicode.Scalar in [
            "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{202A}", "\u{202E}", "\u{2066}",
            "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}",
        ] {
            #expect(DisplayText.isForbidden(scalar), "\(scalar.value)")
        }
        for text in ["Board call", "Интервью", "مقابلة", "שיחה", "会議 ✓", "naïve – “quoted”", "\u{200D}👩‍💻"] {
            #expect(DisplayText.firstForbidden(in: text) == nil, "\(text)")
        }
        #expect(DisplayText.stripped("a\u{202E}b\u{85}c\n") == "abc")
        #expect(
            throws: InvalidInput(
                "title must not hold control or bidirectional-formatting characters; remove U+202E.")
        ) {
            try DisplayText.check("x\u{202E}", field: "title")
        }
        #expect(
            throws: InvalidInput(
                "name must not hold control or bidirectional-formatting characters; remove U+0007.")
        ) {
            try DisplayText.check("x\u{7}", field: "name")
        }
    }
}
