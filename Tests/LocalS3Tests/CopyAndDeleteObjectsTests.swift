import Cloud
import LocalStore
import Testing

@testable import LocalS3

@Suite struct CopyAndDeleteObjectsTests {
    @Test func copyDuplicatesBytesAndMetadata() throws {
        let s3 = try S3Fixture()
        let eTag = try #require(
            s3.put("/media/src%20dir/a", "copied", headers: [("content-type", "text/plain"), ("x-amz-meta-k", "v")])
                .header("ETag"))
        let copy = s3.send("PUT", "/media/dst", headers: [("x-amz-copy-source", "/media/src%20dir/a")])
        #expect(copy.status == 200)
        #expect(copy.elements("ETag") == [eTag])
        #expect(copy.elements("LastModified").count == 1)
        let get = s3.send("GET", "/media/dst")
        #expect(get.text == "copied")
        #expect(get.header("Content-Type") == "text/plain")
        #expect(get.header("x-amz-meta-k") == "v")
        let events = try s3.store.pendingNotifications(limit: 10)
        #expect(events.map(\.eventName) == ["ObjectCreated:Put", "ObjectCreated:Copy"])
        // The copy outlives its source.
        s3.send("DELETE", "/media/src%20dir/a")
        #expect(s3.send("GET", "/media/dst").text == "copied")
    }

    @Test func copyWithReplaceTakesTheRequestsMetadata() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a", "x", headers: [("x-amz-meta-old", "1")])
        s3.send(
            "PUT", "/media/b",
            headers: [
                ("x-amz-copy-source", "media/a"), ("x-amz-metadata-directive", "REPLACE"), ("x-amz-meta-new", "2"),
            ])
        let get = s3.send("GET", "/media/b")
        #expect(get.header("x-amz-meta-new") == "2")
        #expect(get.header("x-amz-meta-old") == nil)
    }

    @Test func copyFromAMissingSourceAnswersNoSuchKey() throws {
        let s3 = try S3Fixture()
        let response = s3.send("PUT", "/media/b", headers: [("x-amz-copy-source", "/media/nothing")])
        #expect(response.status == 404)
        #expect(response.errorCode == "NoSuchKey")
    }

    @Test func copyHonoursIfNoneMatchOnTheDestination() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a", "a")
        s3.put("/media/b", "b")
        let response = s3.send(
            "PUT", "/media/b", headers: [("x-amz-copy-source", "/media/a"), ("if-none-match", "*")])
        #expect(response.status == 412)
        #expect(s3.send("GET", "/media/b").text == "b")
        #expect(s3.objectFiles().count == 2)
    }

    @Test func copyOntoItselfWithoutReplaceIsRefused() throws {
        let s3 = try S3Fixture()
        s3.put("/media/a", "a")
        #expect(s3.send("PUT", "/media/a", headers: [("x-amz-copy-source", "/media/a")]).errorCode == "InvalidRequest")
    }

    @Test func deleteObjectsReportsDeletedKeysAndFailedConditions() throws {
        let s3 = try S3Fixture()
        s3.put("/media/one", "1")
        s3.put("/media/two", "2")
        s3.put("/media/a&b", "3")
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Object><Key>one</Key></Object>
              <Object><Key>two</Key><ETag>"00000000000000000000000000000000"</ETag></Object>
              <Object><Key>a&amp;b</Key></Object>
              <Object><Key>never-existed</Key></Object>
            </Delete>
            """
        let response = s3.send("POST", "/media", query: [("delete", "")], body: Array(body.utf8))
        #expect(response.status == 200)
        guard let result = try? XMLElement.parse(response.bytes) else {
            Issue.record("unparseable result: \(response.text)")
            return
        }
        #expect(result.name == "DeleteResult")
        #expect(result.children("Deleted").compactMap { $0.child("Key")?.text } == ["one", "a&b", "never-existed"])
        let errors = result.children("Error")
        #expect(errors.compactMap { $0.child("Key")?.text } == ["two"])
        #expect(errors.compactMap { $0.child("Code")?.text } == ["PreconditionFailed"])
        #expect(s3.send("GET", "/media/two").text == "2")
        #expect(s3.send("GET", "/media/one").status == 404)
    }

    @Test func quietDeleteObjectsListsOnlyErrors() throws {
        let s3 = try S3Fixture()
        s3.put("/media/one", "1")
        let body = "<Delete><Quiet>true</Quiet><Object><Key>one</Key></Object></Delete>"
        let response = s3.send("POST", "/media", query: [("delete", "")], body: Array(body.utf8))
        #expect(response.status == 200)
        #expect(response.elements("Deleted").isEmpty)
        #expect(response.elements("Error").isEmpty)
        #expect(s3.objectFiles().isEmpty)
    }

    @Test func malformedDeleteObjectsBodyAnswersMalformedXML() throws {
        let s3 = try S3Fixture()
        let response = s3.send("POST", "/media", query: [("delete", "")], body: Array("<Delete><Object>".utf8))
        #expect(response.status == 400)
        #expect(response.errorCode == "MalformedXML")
    }
}
