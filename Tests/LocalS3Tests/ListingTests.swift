import LocalStore
import Testing

@testable import LocalS3

@Suite struct ListingTests {
    private func list(_ s3: S3Fixture, _ parameters: [(name: String, value: String)]) -> ServiceResponse {
        s3.send("GET", "/media", query: [("list-type", "2")] + parameters)
    }

    @Test func paginationWalksTwoThousandFiveHundredKeysOnceEachInOrder() throws {
        let s3 = try S3Fixture()
        let keys = (0..<2500).map { "k/\(String(format: "%05d", $0))" }
        for key in keys.shuffled() { #expect(s3.put("/media/\(key)", "v").status == 200) }

        var seen: [String] = []
        var token: String?
        var pages = 0
        repeat {
            var parameters: [(name: String, value: String)] = [("max-keys", "300")]
            if let token { parameters.append(("continuation-token", token)) }
            let page = list(s3, parameters)
            #expect(page.status == 200)
            let pageKeys = page.elements("Key")
            #expect(page.elements("KeyCount") == [String(pageKeys.count)])
            seen += pageKeys
            token = page.elements("NextContinuationToken").first
            #expect(page.elements("IsTruncated") == [token == nil ? "false" : "true"])
            pages += 1
        } while token != nil
        #expect(pages == 9)
        #expect(seen == keys)
    }

    @Test func defaultPageIsAThousandKeys() throws {
        let s3 = try S3Fixture()
        for index in 0..<1001 { s3.put("/media/\(String(format: "%04d", index))", "") }
        let page = list(s3, [])
        #expect(page.elements("Key").count == 1000)
        #expect(page.elements("MaxKeys") == ["1000"])
        #expect(page.elements("IsTruncated") == ["true"])
    }

    @Test func delimiterGroupsKeysIntoCommonPrefixes() throws {
        let s3 = try S3Fixture()
        for key in ["uploads/u1/a", "uploads/u1/b", "uploads/u2/a", "uploads/top.txt", "audio/u1/x", "readme"] {
            s3.put("/media/\(key)", "")
        }
        let root = list(s3, [("delimiter", "/")])
        #expect(root.elements("Key") == ["readme"])
        #expect(root.elements("Prefix").dropFirst() == ["audio/", "uploads/"])
        #expect(root.elements("KeyCount") == ["3"])

        let uploads = list(s3, [("delimiter", "/"), ("prefix", "uploads/")])
        #expect(uploads.elements("Key") == ["uploads/top.txt"])
        #expect(uploads.elements("Prefix").dropFirst() == ["uploads/u1/", "uploads/u2/"])
    }

    @Test func commonPrefixesArePaginatedWithoutRepeats() throws {
        let s3 = try S3Fixture()
        for group in ["a", "b", "c"] {
            for index in 0..<5 { s3.put("/media/\(group)/\(index)", "") }
        }
        s3.put("/media/d", "")
        var entries: [String] = []
        var token: String?
        repeat {
            var parameters: [(name: String, value: String)] = [("delimiter", "/"), ("max-keys", "1")]
            if let token { parameters.append(("continuation-token", token)) }
            let page = list(s3, parameters)
            entries += page.elements("Prefix").dropFirst() + page.elements("Key")
            token = page.elements("NextContinuationToken").first
        } while token != nil
        #expect(entries == ["a/", "b/", "c/", "d"])
    }

    @Test func startAfterAndPrefixNarrowTheListing() throws {
        let s3 = try S3Fixture()
        for key in ["a1", "a2", "a3", "b1"] { s3.put("/media/\(key)", "") }
        #expect(list(s3, [("start-after", "a1"), ("prefix", "a")]).elements("Key") == ["a2", "a3"])
        #expect(list(s3, [("prefix", "b")]).elements("Key") == ["b1"])
        #expect(list(s3, [("prefix", "zz")]).elements("KeyCount") == ["0"])
    }

    @Test func urlEncodingTypeEncodesKeysAndPrefixes() throws {
        let s3 = try S3Fixture()
        s3.put("/media/dir%20one/a+b%C3%A9", "")
        let page = list(s3, [("encoding-type", "url")])
        #expect(page.elements("Key") == ["dir%20one/a%2Bb%C3%A9"])
        #expect(page.elements("EncodingType") == ["url"])
    }

    @Test func badContinuationTokenIsRefused() throws {
        let s3 = try S3Fixture()
        let response = list(s3, [("continuation-token", "!!!")])
        #expect(response.status == 400)
        #expect(response.errorCode == "InvalidArgument")
    }

    @Test func keysListInUTF8ByteOrder() throws {
        let s3 = try S3Fixture()
        // "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9) < "✓" (0xE2 …)
        for key in ["%E2%9C%93", "a", "%C3%A9", "Z"] { s3.put("/media/\(key)", "") }
        #expect(list(s3, []).elements("Key") == ["Z", "a", "é", "✓"])
    }
}
