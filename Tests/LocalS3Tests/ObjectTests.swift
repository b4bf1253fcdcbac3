import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalS3

@Suite struct ObjectTests {
    @Test func putThenGetReturnsTheBytesWithTheirHeaders() throws {
        let s3 = try S3Fixture()
        let put = s3.put(
            "/media/notes/hello.txt", "hello world",
            headers: [("content-type", "text/plain"), ("x-amz-meta-owner", "ada"), ("cache-control", "no-cache")])
        #expect(put.status == 200)
        #expect(put.header("ETag") == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
        #expect(put.header("x-amz-request-id") != nil)

        let get = s3.send("GET", "/media/notes/hello.txt")
        #expect(get.status == 200)
        #expect(get.text == "hello world")
        #expect(get.header("Content-Type") == "text/plain")
        #expect(get.header("Content-Length") == "11")
        #expect(get.header("ETag") == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
        #expect(get.header("Accept-Ranges") == "bytes")
        #expect(get.header("x-amz-meta-owner") == "ada")
        #expect(get.header("Cache-Control") == "no-cache")
        let lastModified = try #require(get.header("Last-Modified"))
        #expect(lastModified.hasSuffix(" GMT"))
        #expect(HTTPDate.parse(lastModified) != nil)
        guard case .file = get.body else {
            Issue.record("GetObject must answer with a file range to stream")
            return
        }
    }

    @Test func headAnswersTheHeadersWithoutABodyAnd404WithoutABody() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a.bin", "12345")
        let head = s3.send("HEAD", "/media/a.bin")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        #expect(head.bytes.isEmpty)
        let missing = s3.send("HEAD", "/media/missing")
        #expect(missing.status == 404)
        #expect(missing.bytes.isEmpty)
    }

    @Test func missingKeyAnswersNoSuchKeyNamingTheKey() throws {
        let s3 = try S3Fixture()
        let response = s3.send("GET", "/media/no%20such")
        #expect(response.status == 404)
        #expect(response.errorCode == "NoSuchKey")
        #expect(response.elements("Key") == ["no such"])
    }

    @Test func keysAreDecodedFromThePathWithPlusKeptAsPlus() throws {
        let s3 = try S3Fixture()
        s3.put("/media/my%20file+v2%C3%A9%E2%9C%93.txt", "x")
        let listing = s3.send("GET", "/media", query: [("list-type", "2")])
        #expect(listing.elements("Key") == ["my file+v2é✓.txt"])
        #expect(s3.send("GET", "/media/my%20file%2Bv2%C3%A9%E2%9C%93.txt").text == "x")
        #expect(s3.send("GET", "/media/my+file+v2%C3%A9%E2%9C%93.txt").status == 404)
    }

    @Test func ifNoneMatchStarRefusesToOverwriteAnExistingKey() throws {
        let s3 = try S3Fixture()
        #expect(s3.put("/media/once", "first", headers: [("if-none-match", "*")]).status == 200)
        let second = s3.put("/media/once", "second", headers: [("if-none-match", "*")])
        #expect(second.status == 412)
        #expect(second.errorCode == "PreconditionFailed")
        #expect(s3.send("GET", "/media/once").text == "first")
        #expect(try s3.store.pendingNotifications(limit: 10).count == 1)
        #expect(s3.objectFiles().count == 1)
    }

    @Test func ifMatchWritesOnlyOverTheNamedVersion() throws {
        let s3 = try S3Fixture()
        let missing = s3.put("/media/doc", "v0", headers: [("if-match", "\"0123\"")])
        #expect(missing.status == 404)
        #expect(missing.errorCode == "NoSuchKey")
        let v1 = try #require(s3.put("/media/doc", "v1").header("ETag"))
        let stale = s3.put("/media/doc", "v2", headers: [("if-match", "\"ffffffffffffffffffffffffffffffff\"")])
        #expect(stale.status == 412)
        #expect(s3.put("/media/doc", "v2", headers: [("if-match", v1)]).status == 200)
        #expect(s3.send("GET", "/media/doc").text == "v2")
    }

    @Test func contentMD5MismatchAnswersBadDigestAndStoresNothing() throws {
        let s3 = try S3Fixture()
        let wrong = Base64.encode(MD5.digest(Array("other".utf8)))
        let response = s3.put("/media/checked", "payload", headers: [("content-md5", wrong)])
        #expect(response.status == 400)
        #expect(response.errorCode == "BadDigest")
        #expect(s3.send("HEAD", "/media/checked").status == 404)
        let right = Base64.encode(MD5.digest(Array("payload".utf8)))
        #expect(s3.put("/media/checked", "payload", headers: [("content-md5", right)]).status == 200)
        #expect(s3.put("/media/checked", "payload", headers: [("content-md5", "nope")]).errorCode == "InvalidDigest")
    }

    @Test func rangesAnswer206WithContentRange() throws {
        let s3 = try S3Fixture()
        s3.put("/media/digits", "0123456789")
        let cases: [(String, String, String)] = [
            ("bytes=2-5", "2345", "bytes 2-5/10"),
            ("bytes=7-", "789", "bytes 7-9/10"),
            ("bytes=-3", "789", "bytes 7-9/10"),
            ("bytes=8-100", "89", "bytes 8-9/10"),
            ("bytes=-50", "0123456789", "bytes 0-9/10"),
        ]
        for (range, body, contentRange) in cases {
            let response = s3.send("GET", "/media/digits", headers: [("range", range)])
            #expect(response.status == 206, "\(range)")
            #expect(response.text == body, "\(range)")
            #expect(response.header("Content-Range") == contentRange, "\(range)")
            #expect(response.header("Content-Length") == String(body.utf8.count), "\(range)")
        }
    }

    @Test func unsatisfiableRangeAnswers416AndMalformedRangeIsIgnored() throws {
        let s3 = try S3Fixture()
        s3.put("/media/digits", "0123456789")
        let beyond = s3.send("GET", "/media/digits", headers: [("range", "bytes=10-")])
        #expect(beyond.status == 416)
        #expect(beyond.errorCode == "InvalidRange")
        #expect(beyond.header("Content-Range") == "bytes */10")
        #expect(s3.send("GET", "/media/digits", headers: [("range", "bytes=-0")]).status == 416)
        let malformed = s3.send("GET", "/media/digits", headers: [("range", "bytes=5-2")])
        #expect(malformed.status == 200)
        #expect(malformed.text == "0123456789")
    }

    @Test func responseContentTypeQueryOverridesTheStoredType() throws {
        let s3 = try S3Fixture()
        s3.put("/media/t.json", "{}", headers: [("content-type", "application/json")])
        let response = s3.send(
            "GET", "/media/t.json",
            query: [("response-content-type", "text/plain"), ("response-content-disposition", "attachment")])
        #expect(response.header("Content-Type") == "text/plain")
        #expect(response.header("Content-Disposition") == "attachment")
    }

    @Test func conditionalReadsAnswer304And412() throws {
        let s3 = try S3Fixture()
        let eTag = try #require(s3.put("/media/c", "c").header("ETag"))
        let notModified = s3.send("GET", "/media/c", headers: [("if-none-match", eTag)])
        #expect(notModified.status == 304)
        #expect(notModified.bytes.isEmpty)
        #expect(notModified.header("ETag") == eTag)
        #expect(s3.send("GET", "/media/c", headers: [("if-match", "\"abc\"")]).status == 412)
        let future = HTTPDate.format(Timestamp.now().adding(seconds: 3600))
        #expect(s3.send("GET", "/media/c", headers: [("if-modified-since", future)]).status == 304)
        #expect(
            s3.send("GET", "/media/c", headers: [("if-modified-since", "Sat, 01 Jan 2000 00:00:00 GMT")]).status == 200)
    }

    @Test func deleteIsIdempotentAndRemovesTheFile() throws {
        let s3 = try S3Fixture()
        s3.put("/media/gone", "bytes")
        #expect(s3.objectFiles().count == 1)
        #expect(s3.send("DELETE", "/media/gone").status == 204)
        #expect(s3.send("DELETE", "/media/gone").status == 204)
        #expect(s3.send("GET", "/media/gone").status == 404)
        #expect(s3.objectFiles().isEmpty)
    }

    @Test func overwriteReplacesTheBytesAndLeavesOneFile() throws {
        let s3 = try S3Fixture()
        s3.put("/media/k", "old bytes")
        s3.put("/media/k", "new")
        #expect(s3.send("GET", "/media/k").text == "new")
        #expect(s3.objectFiles().count == 1)
    }

    @Test func objectFilesAreNotNamedAfterTheKey() throws {
        let s3 = try S3Fixture()
        s3.put("/media/uploads/u1/j1/source", "x")
        let files = s3.objectFiles()
        #expect(files.count == 1)
        #expect(files.allSatisfy { !$0.contains("source") && $0.hasPrefix("media/") })
    }

    @Test func putFromAFileMovesItIntoPlace() throws {
        let s3 = try S3Fixture()
        let upload = s3.directory + "/upload.tmp"
        try Data("from a file".utf8).write(to: URL(fileURLWithPath: upload))
        let response = s3.store.handle(
            ServiceRequest(
                method: "PUT", rawPath: "/media/f.txt", query: [], headers: [], body: .file(path: upload, size: 11),
                accessKeyID: "local"))
        #expect(response.status == 200)
        #expect(response.header("ETag") == "\"\(Hex.encode(MD5.digest(Array("from a file".utf8))))\"")
        #expect(!FileManager.default.fileExists(atPath: upload))
        #expect(s3.send("GET", "/media/f.txt").text == "from a file")
    }
}
