import Cloud
import Foundation
import LocalStore
import Runtime
import Testing

@testable import LocalS3

/// Multipart uploads as the AWS CLI and SDKs make them for large objects.
@Suite struct MultipartUploadTests {
    static let mebibyte = 1024 * 1024

    /// CreateMultipartUpload's upload id.
    func create(_ s3: S3Fixture, _ path: String, headers: [(name: String, value: String)] = []) throws -> String {
        let response = s3.send("POST", path, query: [("uploads", "")], headers: headers)
        #expect(response.status == 200, "\(response.text)")
        return try #require(response.elements("UploadId").first)
    }

    @discardableResult
    func part(_ s3: S3Fixture, _ path: String, _ uploadID: String, _ number: Int, _ bytes: [UInt8]) -> ServiceResponse {
        s3.send("PUT", path, query: [("partNumber", String(number)), ("uploadId", uploadID)], body: bytes)
    }

    func complete(
        _ s3: S3Fixture, _ path: String, _ uploadID: String, _ parts: [(Int, String)],
        headers: [(name: String, value: String)] = []
    ) -> ServiceResponse {
        let list = parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\($0.1)</ETag></Part>" }.joined()
        return s3.send(
            "POST", path, query: [("uploadId", uploadID)], headers: headers,
            body: Array("<CompleteMultipartUpload>\(list)</CompleteMultipartUpload>".utf8))
    }

    func bytes(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed } }

    @Test func completedUploadIsThePartsInOrderWithS3sMultipartETagAndOneEvent() throws {
        let s3 = try S3Fixture()
        let first = bytes(5 * Self.mebibyte, seed: 1)
        let second = bytes(1000, seed: 2)
        let id = try create(
            s3, "/media/uploads/big.mp3", headers: [("content-type", "audio/mpeg"), ("x-amz-meta-job", "j1")])
        // Parts may arrive in any order; each answers its MD5 as ETag.
        let secondTag = try #require(part(s3, "/media/uploads/big.mp3", id, 2, second).header("ETag"))
        let firstTag = try #require(part(s3, "/media/uploads/big.mp3", id, 1, first).header("ETag"))
        #expect(firstTag == "\"\(Hex.encode(MD5.digest(first)))\"")
        #expect(try s3.store.pendingNotifications(limit: 10).isEmpty, "parts are not objects")
        #expect(s3.send("GET", "/media/uploads/big.mp3").status == 404)

        let done = complete(s3, "/media/uploads/big.mp3", id, [(1, firstTag), (2, secondTag)])
        #expect(done.status == 200, "\(done.text)")
        let expected = "\(Hex.encode(MD5.digest(MD5.digest(first) + MD5.digest(second))))-2"
        #expect(done.elements("ETag") == ["\"\(expected)\""])
        #expect(done.elements("Key") == ["uploads/big.mp3"])

        let object = s3.send("GET", "/media/uploads/big.mp3")
        #expect(object.bytes == first + second)
        #expect(object.header("ETag") == "\"\(expected)\"")
        #expect(object.header("Content-Type") == "audio/mpeg")
        #expect(object.header("x-amz-meta-job") == "j1")
        let events = try s3.store.pendingNotifications(limit: 10)
        #expect(events.map(\.eventName) == ["ObjectCreated:CompleteMultipartUpload"])
        #expect(events.first?.size == Int64(first.count + second.count))
        // The upload is gone, and so are its part files: only the object's file is left.
        #expect(s3.send("GET", "/media/uploads/big.mp3", query: [("uploadId", id)]).errorCode == "NoSuchUpload")
        #expect(complete(s3, "/media/uploads/big.mp3", id, [(1, firstTag), (2, secondTag)]).status == 404)
        #expect(s3.objectFiles().count == 1)
    }

    @Test func badCompletionsAreRefusedAndTheUploadStaysUsable() throws {
        let s3 = try S3Fixture()
        let path = "/media/a.bin"
        let id = try create(s3, path)
        let small = try #require(part(s3, path, id, 1, bytes(100, seed: 1)).header("ETag"))
        let last = try #require(part(s3, path, id, 2, bytes(10, seed: 2)).header("ETag"))

        let outOfOrder = complete(s3, path, id, [(2, last), (1, small)])
        #expect(outOfOrder.status == 400)
        #expect(outOfOrder.errorCode == "InvalidPartOrder")
        let wrongTag = complete(s3, path, id, [(1, "\"0123\""), (2, last)])
        #expect(wrongTag.errorCode == "InvalidPart")
        #expect(complete(s3, path, id, [(3, last)]).errorCode == "InvalidPart")
        let tooSmall = complete(s3, path, id, [(1, small), (2, last)])
        #expect(tooSmall.status == 400)
        #expect(tooSmall.errorCode == "EntityTooSmall")
        let empty = s3.send("POST", path, query: [("uploadId", id)], body: Array("<CompleteMultipartUpload/>".utf8))
        #expect(empty.errorCode == "MalformedXML")
        #expect(
            s3.send("POST", path, query: [("uploadId", id)], body: Array("not xml".utf8)).errorCode == "MalformedXML")
        #expect(complete(s3, path, "no-such-upload", [(1, small)]).errorCode == "NoSuchUpload")
        #expect(
            complete(s3, "/media/other-key", id, [(1, small)]).errorCode == "NoSuchUpload", "an upload is for one key")
        #expect(s3.send("GET", path).status == 404)
        #expect(try s3.store.pendingNotifications(limit: 10).isEmpty)

        // A single part may be any size: the last part is exempt from the minimum.
        let done = complete(s3, path, id, [(2, last)])
        #expect(done.status == 200, "\(done.text)")
        #expect(s3.send("GET", path).bytes == bytes(10, seed: 2))
    }

    @Test func partNumbersOutsideOneToTenThousandAreRefused() throws {
        let s3 = try S3Fixture()
        let id = try create(s3, "/media/a")
        for number in ["0", "10001", "x"] {
            let response = s3.send("PUT", "/media/a", query: [("partNumber", number), ("uploadId", id)], body: [1])
            #expect(response.status == 400)
            #expect(response.errorCode == "InvalidArgument")
        }
        #expect(part(s3, "/media/a", "unknown", 1, [1]).errorCode == "NoSuchUpload")
        #expect(s3.send("POST", "/nope/a", query: [("uploads", "")]).errorCode == "NoSuchBucket")
    }

    @Test func reuploadingAPartReplacesItAndRemovesTheOldFile() throws {
        let s3 = try S3Fixture()
        let id = try create(s3, "/media/a")
        part(s3, "/media/a", id, 1, Array("first".utf8))
        let tag = try #require(part(s3, "/media/a", id, 1, Array("second".utf8)).header("ETag"))
        #expect(s3.objectFiles().count == 1)
        #expect(complete(s3, "/media/a", id, [(1, tag)]).status == 200)
        #expect(s3.send("GET", "/media/a").text == "second")
    }

    @Test func abortRemovesThePartsAndEndsTheUpload() throws {
        let s3 = try S3Fixture()
        let id = try create(s3, "/media/a")
        part(s3, "/media/a", id, 1, bytes(1000, seed: 3))
        part(s3, "/media/a", id, 2, bytes(1000, seed: 4))
        #expect(s3.objectFiles().count == 2)
        #expect(s3.send("DELETE", "/media/a", query: [("uploadId", id)]).status == 204)
        #expect(s3.objectFiles().isEmpty)
        #expect(s3.send("DELETE", "/media/a", query: [("uploadId", id)]).errorCode == "NoSuchUpload")
        #expect(part(s3, "/media/a", id, 3, [1]).errorCode == "NoSuchUpload")
        #expect(s3.send("GET", "/media", query: [("uploads", "")]).elements("UploadId").isEmpty)
    }

    @Test func listPartsPagesByPartNumber() throws {
        let s3 = try S3Fixture()
        let id = try create(s3, "/media/a")
        for number in [3, 1, 2] { part(s3, "/media/a", id, number, bytes(number * 10, seed: 0)) }
        let first = s3.send("GET", "/media/a", query: [("uploadId", id), ("max-parts", "2")])
        #expect(first.elements("PartNumber") == ["1", "2"])
        #expect(first.elements("Size") == ["10", "20"])
        #expect(first.elements("IsTruncated") == ["true"])
        #expect(first.elements("NextPartNumberMarker") == ["2"])
        let rest = s3.send("GET", "/media/a", query: [("uploadId", id), ("part-number-marker", "2")])
        #expect(rest.elements("PartNumber") == ["3"])
        #expect(rest.elements("IsTruncated") == ["false"])
        #expect(
            s3.send("GET", "/media/a", query: [("uploadId", id), ("max-parts", "-1")]).errorCode == "InvalidArgument")
    }

    @Test func listMultipartUploadsFiltersByPrefixAndPages() throws {
        let s3 = try S3Fixture()
        let a = try create(s3, "/media/uploads/a")
        let b = try create(s3, "/media/uploads/b")
        _ = try create(s3, "/media/other/c")
        let all = s3.send("GET", "/media", query: [("uploads", ""), ("prefix", "uploads/")])
        #expect(all.elements("Key") == ["uploads/a", "uploads/b"])
        #expect(Set(all.elements("UploadId")) == [a, b])
        let page = s3.send("GET", "/media", query: [("uploads", ""), ("max-uploads", "1")])
        #expect(page.elements("IsTruncated") == ["true"])
        let marker = try #require(page.elements("NextKeyMarker").first)
        let next = s3.send(
            "GET", "/media",
            query: [
                ("uploads", ""), ("key-marker", marker), ("upload-id-marker", page.elements("NextUploadIdMarker")[0]),
            ])
        #expect(next.elements("Key") == ["uploads/a", "uploads/b"])
    }

    @Test func uploadPartCopyTakesAByteRangeOfAnObject() throws {
        let s3 = try S3Fixture()
        let source = bytes(6 * Self.mebibyte, seed: 9)
        s3.send("PUT", "/media/source", body: source)
        let id = try create(s3, "/media/copy")
        let copied = s3.send(
            "PUT", "/media/copy", query: [("partNumber", "1"), ("uploadId", id)],
            headers: [("x-amz-copy-source", "/media/source"), ("x-amz-copy-source-range", "bytes=0-5242879")])
        #expect(copied.status == 200, "\(copied.text)")
        let firstTag = try #require(copied.elements("ETag").first)
        let rest = s3.send(
            "PUT", "/media/copy", query: [("partNumber", "2"), ("uploadId", id)],
            headers: [("x-amz-copy-source", "/media/source"), ("x-amz-copy-source-range", "bytes=5242880-6291455")])
        let secondTag = try #require(rest.elements("ETag").first)
        let outside = s3.send(
            "PUT", "/media/copy", query: [("partNumber", "3"), ("uploadId", id)],
            headers: [("x-amz-copy-source", "/media/source"), ("x-amz-copy-source-range", "bytes=0-99999999")])
        #expect(outside.errorCode == "InvalidArgument")
        let missing = s3.send(
            "PUT", "/media/copy", query: [("partNumber", "3"), ("uploadId", id)],
            headers: [("x-amz-copy-source", "/media/none")])
        #expect(missing.errorCode == "NoSuchKey")
        #expect(complete(s3, "/media/copy", id, [(1, firstTag), (2, secondTag)]).status == 200)
        #expect(s3.send("GET", "/media/copy").bytes == source)
    }

    @Test func uploadsInProgressSurviveARestartAndOrphanedPartFilesAreSwept() throws {
        let s3 = try S3Fixture()
        let id = try create(s3, "/media/a")
        let tag = try #require(part(s3, "/media/a", id, 1, Array("kept".utf8)).header("ETag"))
        // A part written to disk whose row never committed (a crash in between).
        let orphan = s3.directory + "/s3/objects/media/orphan-part"
        #expect(FileManager.default.createFile(atPath: orphan, contents: Data("lost".utf8)))
        try s3.reopen()
        #expect(!FileManager.default.fileExists(atPath: orphan))
        #expect(s3.send("GET", "/media/a", query: [("uploadId", id)]).elements("PartNumber") == ["1"])
        #expect(complete(s3, "/media/a", id, [(1, tag)]).status == 200)
        #expect(s3.send("GET", "/media/a").text == "kept")
    }

    @Test func completionHonoursIfNoneMatch() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a", "exists")
        let id = try create(s3, "/media/a")
        let tag = try #require(part(s3, "/media/a", id, 1, Array("new".utf8)).header("ETag"))
        let refused = complete(s3, "/media/a", id, [(1, tag)], headers: [("if-none-match", "*")])
        #expect(refused.status == 412)
        #expect(s3.send("GET", "/media/a").text == "exists")
        #expect(complete(s3, "/media/a", id, [(1, tag)]).status == 200, "a refused completion leaves the upload")
        #expect(s3.send("GET", "/media/a").text == "new")
    }
}
