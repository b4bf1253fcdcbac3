import Foundation
import HTTP
import TestSupport
import Testing

@testable import Cloud
@testable import Runtime

/// The S3 client against moto server and the emulator: what AWS returns, errors included.
@Suite struct S3ClientTests {

    @Test(arguments: Backend.allCases)
    func putGetAndHeadRoundTripBytesTypeAndMetadata(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        let body = Array("hello, transcript".utf8)
        let eTag = try s3.putObject(
            bucket: bucket, key: "a/b.txt", body: .bytes(body), contentType: "text/plain",
            metadata: ["job-id": "j1"])
        #expect(eTag == "\"\(Hex.encode(Digest.md5(body)))\"")
        let (info, bytes) = try s3.getObject(bucket: bucket, key: "a/b.txt")
        #expect(bytes == body)
        #expect(info.contentType == "text/plain")
        #expect(info.metadata["job-id"] == "j1")
        let head = try s3.headObject(bucket: bucket, key: "a/b.txt")
        #expect(head.size == Int64(body.count))
        #expect(head.eTag == eTag)
    }

    @Test(arguments: Backend.allCases)
    func keysWithSpacesUnicodeAndReservedCharactersRoundTrip(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        let keys = ["uploads/u 1/My Talk (final).mp3", "uploads/ü/€ + & = ?.wav", "uploads/a%20b/c~d"]
        for key in keys { try s3.putObject(bucket: bucket, key: key, body: .bytes(Array(key.utf8))) }
        for key in keys { #expect(try s3.getObject(bucket: bucket, key: key).body == Array(key.utf8)) }
        #expect(try s3.listAllObjects(bucket: bucket, prefix: "uploads/").map(\.key).sorted() == keys.sorted())
    }

    @Test(arguments: Backend.allCases)
    func largeObjectStreamsFromAndToFiles(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        let source = temporaryFile()
        let target = temporaryFile()
        defer {
            unlink(source)
            unlink(target)
        }
        var generator = SystemRandomNumberGenerator()
        let chunk = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = FileManager.default.createFile(atPath: source, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: source))
        for _ in 0..<24 { handle.write(Data(chunk)) }
        try handle.close()
        try s3.putObject(
            bucket: bucket, key: "big.bin", body: .file(path: source), contentType: "application/octet-stream")
        let info = try s3.getObject(bucket: bucket, key: "big.bin", toFile: target)
        #expect(info.size == 24 << 20)
        #expect(FileManager.default.contentsEqual(atPath: source, andPath: target))
    }

    @Test(arguments: Backend.allCases)
    func rangedGetReturnsThePartAndTheWholeSize(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        try s3.putObject(bucket: bucket, key: "r", body: .bytes(Array("0123456789".utf8)))
        let (info, bytes) = try s3.getObject(bucket: bucket, key: "r", range: 2...5)
        #expect(String(decoding: bytes, as: UTF8.self) == "2345")
        #expect(info.size == 10)
    }

    @Test(arguments: Backend.allCases)
    func objectListedFindsExactlyTheKeyNotOthersItBegins(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        for key in ["segments/u/j/chunk-0001.json.bak", "segments/u/j/chunk-0002.json"] {
            try s3.putObject(bucket: bucket, key: key, body: .bytes([1]))
        }
        #expect(try s3.objectListed(bucket: bucket, key: "segments/u/j/chunk-0002.json"))
        #expect(try !s3.objectListed(bucket: bucket, key: "segments/u/j/chunk-0001.json"))
        #expect(try !s3.objectListed(bucket: bucket, key: "segments/u/j/chunk-0002.jso"))
        #expect(try !s3.objectListed(bucket: bucket, key: "segments/u/j/"))
        #expect(try !s3.objectListed(bucket: bucket, key: "segments/u/j/chunk-0003.json"))
    }

    @Test(arguments: Backend.allCases)
    func missingObjectsAreNoSuchKey(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        #expect { try s3.getObject(bucket: bucket, key: "nope") } throws: { ($0 as? AWSError)?.code == "NoSuchKey" }
        #expect { try s3.headObject(bucket: bucket, key: "nope") } throws: {
            ($0 as? AWSError)?.code == "NoSuchKey" && ($0 as? AWSError)?.status == 404
        }
        #expect(try s3.objectExists(bucket: bucket, key: "nope") == false)
        #expect { try s3.getObject(bucket: uniqueName("absent"), key: "k") } throws: {
            ($0 as? AWSError)?.code == "NoSuchBucket"
        }
    }

    @Test(arguments: Backend.allCases)
    func conditionalWritesRefuseWhatTheyMust(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        let first = try s3.putObject(bucket: bucket, key: "c", body: .bytes([1]), ifNoneMatch: true)
        #expect { try s3.putObject(bucket: bucket, key: "c", body: .bytes([2]), ifNoneMatch: true) } throws: {
            ($0 as? AWSError)?.code == "PreconditionFailed" && ($0 as? AWSError)?.status == 412
        }
        #expect { try s3.putObject(bucket: bucket, key: "c", body: .bytes([3]), ifMatch: "\"0000\"") } throws: {
            ($0 as? AWSError)?.code == "PreconditionFailed"
        }
        try s3.putObject(bucket: bucket, key: "c", body: .bytes([4]), ifMatch: first)
        #expect(try s3.getObject(bucket: bucket, key: "c").body == [4])
    }

    @Test(arguments: Backend.allCases)
    func listingPaginatesAndGroupsByDelimiter(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        for index in 0..<25 {
            try s3.putObject(bucket: bucket, key: "p/\(String(format: "%02d", index))", body: .bytes([]))
        }
        try s3.putObject(bucket: bucket, key: "p/sub/x", body: .bytes([]))
        var pages: [S3Client.ListPage] = []
        var token: String?
        repeat {
            let page = try s3.listObjects(bucket: bucket, prefix: "p/", maxKeys: 10, continuationToken: token)
            pages.append(page)
            token = page.isTruncated ? page.nextContinuationToken : nil
        } while token != nil
        #expect(pages.map(\.objects.count) == [10, 10, 6])
        #expect(pages.flatMap(\.objects).map(\.key) == (0..<25).map { "p/\(String(format: "%02d", $0))" } + ["p/sub/x"])
        let grouped = try s3.listObjects(bucket: bucket, prefix: "p/", delimiter: "/")
        #expect(grouped.commonPrefixes == ["p/sub/"])
        #expect(grouped.objects.count == 25)
    }

    @Test(arguments: Backend.allCases)
    func copyAndBatchDeleteAndPrefixDelete(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        try s3.putObject(bucket: bucket, key: "src", body: .bytes([9, 9]))
        try s3.copyObject(from: bucket, key: "src", to: bucket, key: "dst/copy")
        #expect(try s3.getObject(bucket: bucket, key: "dst/copy").body == [9, 9])
        #expect { try s3.copyObject(from: bucket, key: "missing", to: bucket, key: "x") } throws: {
            ($0 as? AWSError)?.code == "NoSuchKey"
        }
        for index in 0..<5 { try s3.putObject(bucket: bucket, key: "dst/\(index)", body: .bytes([])) }
        let result = try s3.deleteObjects(bucket: bucket, keys: ["dst/0", "dst/1", "never-existed"])
        #expect(Set(result.deleted) == ["dst/0", "dst/1", "never-existed"])
        #expect(result.errors.isEmpty)
        #expect(try s3.deletePrefix(bucket: bucket, prefix: "dst/") == 4)
        #expect(try s3.listAllObjects(bucket: bucket, prefix: "dst/").isEmpty)
        try s3.deleteObject(bucket: bucket, key: "src")
        #expect(try s3.objectExists(bucket: bucket, key: "src") == false)
    }

    @Test(arguments: Backend.allCases)
    func presignedURLsWorkWithoutCredentials(_ backend: Backend) throws {
        let s3 = try S3Client(configuration: backend.configuration())
        let bucket = uniqueName("media")
        try s3.createBucket(bucket)

        try s3.putObject(bucket: bucket, key: "shared/a.txt", body: .bytes(Array("shared".utf8)))
        let http = try HTTPClient()
        let get = s3.presignedGetURL(bucket: bucket, key: "shared/a.txt", expires: 300)
        #expect(get.contains("X-Amz-Signature="))
        #expect(try http.execute(HTTPRequest(.get, url: get)).bodyText == "shared")

        let body = Array("uploaded through a presigned URL".utf8)
        let put = s3.presignedPutURL(
            bucket: bucket, key: "shared/up.txt", expires: 300, contentType: "text/plain",
            contentLength: Int64(body.count))
        #expect(put.url.contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost"))
        let response = try http.execute(
            HTTPRequest(.put, url: put.url, headers: [("Content-Type", "text/plain")], body: .bytes(body)))
        #expect(response.status == 200)
        #expect(try s3.getObject(bucket: bucket, key: "shared/up.txt").body == body)
    }
}
