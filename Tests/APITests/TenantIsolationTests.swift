import Cloud
import Foundation
import HTTP
import Runtime
import Testing

/// A second user gets 404 for every one of the first user's ids on every route, sees none of
/// their data, and cannot reach their objects through presigned URLs of their own.
@Suite(.serialized) struct TenantIsolationTests {
    let api: APIHarness

    init() throws { api = try APIHarness() }

    @Test func anotherUsersIdsAreNotFoundOnEveryRoute() throws {
        let owner = try api.signup()
        let intruder = try api.signup()
        let job = try api.call(
            .post, "/v1/jobs", token: owner.accessToken,
            json: ["source": ["url": "http://127.0.0.1:9/secret.mp3"], "title": "Secret plans"])
        let jobID = try #require((job.json["job"] as? [String: Any])?["id"] as? String)
        let keyID = try #require(
            try api.call(.post, "/v1/api-keys", token: owner.accessToken, json: ["name": "owner"]).json["id"] as? String
        )
        let intruderKey = try #require(
            try api.call(.post, "/v1/api-keys", token: intruder.accessToken, json: ["name": "mine"]).json["key"]
                as? String)

        for credential in [intruder.accessToken, intruderKey] {
            let attempts: [(HTTPMethod, String, [String: Any]?)] = [
                (.get, "/v1/jobs/\(jobID)", nil),
                (.patch, "/v1/jobs/\(jobID)", ["title": "mine now"]),
                (.get, "/v1/jobs/\(jobID)/transcript?format=json", nil),
                (.get, "/v1/jobs/\(jobID)/media", nil),
                (.delete, "/v1/jobs/\(jobID)", nil),
                (.delete, "/v1/api-keys/\(keyID)", nil),
            ]
            for (method, path, body) in attempts {
                let reply = try api.call(method, path, token: credential, json: body)
                #expect(reply.status == 404, "\(method) \(path): \(reply)")
                #expect(reply.errorCode == "not_found")
                #expect(!reply.text.contains("Secret"), "nothing of the owner's leaks")
            }
            let list = try api.call(.get, "/v1/jobs?q=secret", token: credential)
            #expect((list.json["jobs"] as? [Any])?.isEmpty == true)
            // A cursor made from the owner's job id only positions the intruder's own listing.
            let cursor = Base64.encode(Array(jobID.utf8), urlSafe: true)
            let paged = try api.call(.get, "/v1/jobs?cursor=\(cursor)", token: credential)
            #expect(paged.status == 200 && (paged.json["jobs"] as? [Any])?.isEmpty == true, "\(paged)")
            let keys = try api.call(.get, "/v1/api-keys", token: credential)
            #expect(!keys.text.contains(keyID))
        }
        // The owner's job and key are untouched.
        let mine = try api.call(.get, "/v1/jobs/\(jobID)", token: owner.accessToken)
        #expect(mine.status == 200 && mine.json["title"] as? String == "Secret plans")
        #expect(try api.call(.delete, "/v1/api-keys/\(keyID)", token: owner.accessToken).status == 204)
    }

    @Test func aPresignedUrlReachesOnlyItsOwnKey() throws {
        let owner = try api.signup()
        let intruder = try api.signup()
        let upload: [String: Any] = [
            "source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 4]]
        ]
        let ownerJob = try api.call(.post, "/v1/jobs", token: owner.accessToken, json: upload)
        let ownerURL = try #require((ownerJob.json["upload"] as? [String: Any])?["url"] as? String)
        let ownerJobID = try #require((ownerJob.json["job"] as? [String: Any])?["id"] as? String)
        let client = try HTTPClient()
        #expect(
            try client.execute(
                HTTPRequest(.put, url: ownerURL, headers: [("Content-Type", "audio/wav")], body: .bytes([9, 9, 9, 9]))
            )
            .status == 200)

        let theirs = try api.call(.post, "/v1/jobs", token: intruder.accessToken, json: upload)
        let theirURL = try #require((theirs.json["upload"] as? [String: Any])?["url"] as? String)
        let theirJobID = try #require((theirs.json["job"] as? [String: Any])?["id"] as? String)
        // The intruder's URL pointed at the owner's key: the signature covers the path.
        let redirected = theirURL.replacingOccurrences(
            of: "\(intruder.userID)/\(theirJobID)", with: "\(owner.userID)/\(ownerJobID)")
        #expect(redirected != theirURL)
        let overwrite = try client.execute(
            HTTPRequest(.put, url: redirected, headers: [("Content-Type", "audio/wav")], body: .bytes([6, 6, 6, 6])))
        #expect(overwrite.status == 403)
        let read = try client.execute(HTTPRequest(.get, url: redirected.components(separatedBy: "?")[0]))
        #expect(read.status == 403, "no unsigned reads")
        // The same URL turned into a GET is refused too: the method is signed.
        #expect(try client.execute(HTTPRequest(.get, url: redirected)).status == 403)
        let s3 = try S3Client(configuration: api.aws)
        let stored = try s3.getObject(bucket: api.bucket, key: "uploads/\(owner.userID)/\(ownerJobID)/source")
        #expect(stored.body == [9, 9, 9, 9])
    }
}
