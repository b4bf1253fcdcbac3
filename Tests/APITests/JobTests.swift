import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing

/// Creating, listing, renaming and deleting jobs; uploads through presigned URLs; idempotency,
/// quota and the in-flight limit; the transcript and media routes before a job is done.
@Suite(.serialized) struct JobTests {
    let api: APIHarness
    let session: APIHarness.Session

    init() throws {
        api = try APIHarness(parameters: ["JobsInFlight": "6", "MaxUploadBytes": "1000000"])
        session = try api.signup()
        // These tests mean the deployment's caps (JobsInFlight 6), which Pro's limits are above.
        try api.setPlan(session.email, "pro")
    }

    func create(_ body: [String: Any], key: String? = nil) throws -> APIHarness.Reply {
        try api.call(
            .post, "/v1/jobs", token: session.accessToken, json: body,
            headers: key.map { [("Idempotency-Key", $0)] } ?? [])
    }

    @Test func aLinkJobIsQueuedAndFetchedThroughTheQueue() throws {
        let seen = PipelineMedia.Inbox()
        let server = try LoopbackHTTPServer { request in
            seen.add(request)
            return .text(404, "gone")
        }
        let link = "\(server.baseURL)/shows/Episode%2012.mp3?x=1"
        let hook = "\(server.baseURL)/hooks"
        let reply = try create(["source": ["url": link], "options": ["language": "de"], "webhook": ["url": hook]])
        #expect(reply.status == 201, "\(reply)")
        let job = try #require(reply.json["job"] as? [String: Any])
        #expect(reply.json["upload"] is NSNull)
        let id = try #require(job["id"] as? String)
        #expect(job["status"] as? String == "queued")
        #expect(job["filename"] as? String == "Episode 12.mp3")
        #expect(job["title"] as? String == "Episode 12.mp3")
        #expect((job["source"] as? [String: Any])?["type"] as? String == "url")
        #expect((job["source"] as? [String: Any])?["url"] as? String == link)
        #expect((job["options"] as? [String: Any])?["language"] as? String == "de")
        #expect((job["webhook"] as? [String: Any])?["url"] as? String == hook)
        #expect(job["durationSec"] is NSNull && job["language"] is NSNull && job["error"] == nil)
        let progress = try #require(job["progress"] as? [String: Any])
        #expect(progress["chunksDone"] as? Int == 0 && progress["chunksTotal"] as? Int == 0)

        // The fetch queue carries it to the fetch stage, which asks the link and reports the 404.
        var fetched: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            fetched = try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).json
            if fetched["status"] as? String == "failed" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(fetched["status"] as? String == "failed", "\(fetched)")
        #expect((fetched["error"] as? [String: Any])?["code"] as? String == "source_refused")
        #expect(seen.all.contains { $0.method == "GET" && $0.target == "/shows/Episode%2012.mp3?x=1" })
        while Date() < deadline && !seen.all.contains(where: { $0.path == "/hooks" }) {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(seen.all.contains { $0.method == "POST" && $0.path == "/hooks" }, "the job.failed webhook")
    }

    @Test func linksOutsideTheAllowedHostsAreRefusedBeforeAnyLookUp() throws {
        let reply = try create(["source": ["url": "https://media.example.com/a.mp3"]])
        #expect(reply.status == 400)
        #expect(reply.errorCode == "invalid_url")
        #expect(reply.errorMessage.contains("only fetches from"))
    }

    @Test func anUploadJobGetsAPresignedPutBoundToItsTypeAndSize() throws {
        let reply = try create([
            "source": ["upload": ["filename": "interview.m4a", "contentType": "audio/mp4", "size": 5]],
            "title": "Interview",
        ])
        #expect(reply.status == 201, "\(reply)")
        let job = try #require(reply.json["job"] as? [String: Any])
        let id = try #require(job["id"] as? String)
        #expect(job["title"] as? String == "Interview" && job["filename"] as? String == "interview.m4a")
        let upload = try #require(reply.json["upload"] as? [String: Any])
        #expect(upload["method"] as? String == "PUT")
        #expect((upload["headers"] as? [String: String])?["Content-Type"] == "audio/mp4")
        #expect(upload["expiresAt"] as? String != nil)
        let url = try #require(upload["url"] as? String)
        #expect(url.contains("/uploads/\(session.userID)/\(id)/source?"))
        let client = try HTTPClient()
        let wrongType = try client.execute(
            HTTPRequest(.put, url: url, headers: [("Content-Type", "video/mp4")], body: .bytes([1, 2, 3, 4, 5])))
        #expect(wrongType.status == 403, "another content type breaks the signature")
        let wrongSize = try client.execute(
            HTTPRequest(.put, url: url, headers: [("Content-Type", "audio/mp4")], body: .bytes([1, 2, 3])))
        #expect(wrongSize.status == 403, "another length breaks the signature")
        let right = try client.execute(
            HTTPRequest(.put, url: url, headers: [("Content-Type", "audio/mp4")], body: .bytes([1, 2, 3, 4, 5])))
        #expect(right.status == 200, "\(right.bodyText)")
    }

    @Test func everyInvalidFieldGetsA400ThatNamesIt() throws {
        let cases: [(body: [String: Any], code: String, mentions: String)] = [
            (["source": ["url": "ftp://example.com/a.mp3"]], "invalid_url", "http"),
            (["source": ["url": "http://user:pw@example.com/a.mp3"]], "invalid_url", "source.url"),
            (["source": ["url": "http://10.0.0.1/a.mp3"]], "invalid_url", "private"),
            (["source": ["url": "http://0xa9fea9fe/latest/meta-data"]], "invalid_url", "link-local"),
            (["source": [:]], "invalid_request", "exactly one"),
            (
                [
                    "source": [
                        "url": "http://127.0.0.1:9/x",
                        "upload": ["filename": "a", "contentType": "audio/wav", "size": 1],
                    ]
                ], "invalid_request", "exactly one"
            ),
            (
                ["source": ["upload": ["filename": "a.exe", "contentType": "application/x-msdownload", "size": 10]]],
                "invalid_request", "audio or video"
            ),
            (
                ["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 0]]], "invalid_request",
                "size"
            ),
            (
                ["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 2_000_000]]],
                "invalid_request", "limit"
            ),
            (
                ["source": ["upload": ["filename": "../x.wav", "contentType": "audio/wav", "size": 10]]],
                "invalid_request", "filename"
            ),
            (
                ["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": "10"]]],
                "invalid_request", "size"
            ),
            (["source": ["url": "http://127.0.0.1:9/x"], "title": ""], "invalid_request", "title"),
            (
                ["source": ["url": "http://127.0.0.1:9/x"], "title": String(repeating: "t", count: 201)],
                "invalid_request", "title"
            ),
            (
                ["source": ["url": "http://127.0.0.1:9/x"], "options": ["language": "klingon"]], "invalid_request",
                "options.language"
            ),
            (
                ["source": ["url": "http://127.0.0.1:9/x"], "webhook": ["url": "file:///etc/passwd"]], "invalid_url",
                "webhook.url"
            ),
            (["title": "no source"], "invalid_request", "source"),
        ]
        for item in cases {
            let reply = try create(item.body)
            #expect(reply.status == 400, "\(item.body) → \(reply)")
            #expect(reply.errorCode == item.code, "\(item.body) → \(reply)")
            if !item.mentions.isEmpty { #expect(reply.errorMessage.contains(item.mentions), "\(item.body) → \(reply)") }
        }
        #expect(try api.call(.post, "/v1/jobs", token: session.accessToken, body: "{").status == 400)
        #expect(
            try create(["source": ["url": "http://127.0.0.1:9/x"]], key: String(repeating: "k", count: 300)).status
                == 400)
    }

    @Test func theSameIdempotencyKeyAndBodyGiveTheSameJob() throws {
        let body: [String: Any] = ["source": ["url": "http://127.0.0.1:9/one.mp3"], "title": "One"]
        let first = try create(body, key: "retry-1")
        let second = try create(body, key: "retry-1")
        #expect(first.status == 201 && second.status == 201)
        let id = (first.json["job"] as? [String: Any])?["id"] as? String
        #expect(id != nil && id == (second.json["job"] as? [String: Any])?["id"] as? String)
        let different = try create(["source": ["url": "http://127.0.0.1:9/two.mp3"]], key: "retry-1")
        #expect(different.status == 422)
        #expect(different.errorCode == "idempotency_key_reused")
        let list = try api.call(.get, "/v1/jobs", token: session.accessToken)
        #expect((list.json["jobs"] as? [Any])?.count == 1)
        // Another user's identical key is theirs alone.
        let other = try api.signup()
        let theirs = try api.call(
            .post, "/v1/jobs", token: other.accessToken, json: body, headers: [("Idempotency-Key", "retry-1")])
        #expect((theirs.json["job"] as? [String: Any])?["id"] as? String != id)
    }

    @Test func listingIsNewestFirstWithCursorsAndTitleSearch() throws {
        var ids: [String] = []
        for index in 0..<5 {
            let reply = try create([
                "source": ["url": "http://127.0.0.1:9/\(index).mp3"],
                "title": index % 2 == 0 ? "Team Meeting \(index)" : "Podcast \(index)",
            ])
            ids.append(try #require((reply.json["job"] as? [String: Any])?["id"] as? String))
        }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let query = "/v1/jobs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try api.call(.get, query, token: session.accessToken)
            #expect(page.status == 200, "\(page)")
            let jobs = try #require(page.json["jobs"] as? [[String: Any]])
            #expect(jobs.count <= 2)
            seen += jobs.compactMap { $0["id"] as? String }
            cursor = page.json["nextCursor"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == ids.reversed(), "newest first, each job once")
        #expect(pages == 3)
        let search = try api.call(.get, "/v1/jobs?q=MEETING", token: session.accessToken)
        let titles = (search.json["jobs"] as? [[String: Any]])?.compactMap { $0["title"] as? String } ?? []
        #expect(titles == ["Team Meeting 4", "Team Meeting 2", "Team Meeting 0"])
        for bad in ["limit=0", "limit=101", "limit=ten", "cursor=%21%21", "q=" + String(repeating: "q", count: 101)] {
            let reply = try api.call(.get, "/v1/jobs?\(bad)", token: session.accessToken)
            #expect(reply.status == 400, "\(bad) → \(reply)")
        }
    }

    @Test func renameAndDelete() throws {
        let created = try create(["source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 3]]])
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        let url = try #require((created.json["upload"] as? [String: Any])?["url"] as? String)
        _ = try HTTPClient().execute(
            HTTPRequest(.put, url: url, headers: [("Content-Type", "audio/wav")], body: .bytes([1, 2, 3])))
        let renamed = try api.call(
            .patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["title": "  Board call  "])
        #expect(renamed.status == 200, "\(renamed)")
        #expect(renamed.json["title"] as? String == "Board call")
        #expect(renamed.json["filename"] as? String == "a.wav")
        #expect(try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["title": " "]).status == 400)
        #expect(try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["name": "x"]).status == 400)

        #expect(try api.call(.delete, "/v1/jobs/\(id)", token: session.accessToken).status == 204)
        #expect(try api.call(.get, "/v1/jobs/\(id)", token: session.accessToken).status == 404)
        #expect(try api.call(.delete, "/v1/jobs/\(id)", token: session.accessToken).status == 404)
        #expect(try api.call(.patch, "/v1/jobs/\(id)", token: session.accessToken, json: ["title": "x"]).status == 404)
        let s3 = try S3Client(configuration: api.aws)
        #expect(try s3.listAllObjects(bucket: api.bucket, prefix: "uploads/\(session.userID)/\(id)/").isEmpty)
        for missing in ["job_00000000000000000000000000", "nonsense", "job_%2F..%2Fx"] {
            #expect(try api.call(.get, "/v1/jobs/\(missing)", token: session.accessToken).status == 404, "\(missing)")
        }
    }

    @Test func transcriptAndMediaWaitForTheJob() throws {
        let created = try create(["source": ["url": "http://127.0.0.1:9/x.mp3"]])
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String)
        for format in ["json", "txt", "srt", "vtt", "md", "docx"] {
            let reply = try api.call(.get, "/v1/jobs/\(id)/transcript?format=\(format)", token: session.accessToken)
            #expect(reply.status == 409, "\(format): \(reply)")
            #expect(reply.errorCode == "not_ready")
        }
        #expect(try api.call(.get, "/v1/jobs/\(id)/transcript?format=pdf", token: session.accessToken).status == 400)
        let media = try api.call(.get, "/v1/jobs/\(id)/media", token: session.accessToken)
        #expect(media.status == 409)
        #expect(media.errorCode == "not_ready")
    }

    @Test func jobsInFlightAreLimitedAndDeletingOneFreesAPlace() throws {
        var ids: [String] = []
        for index in 0..<6 {
            let reply = try create(["source": ["url": "http://127.0.0.1:9/\(index).mp3"]])
            #expect(reply.status == 201, "\(reply)")
            if let id = (reply.json["job"] as? [String: Any])?["id"] as? String { ids.append(id) }
        }
        let over = try create(["source": ["url": "http://127.0.0.1:9/7.mp3"]])
        #expect(over.status == 429, "\(over)")
        #expect(over.errorCode == "too_many_jobs")
        #expect(over.header("retry-after") != nil)
        #expect(try api.call(.delete, "/v1/jobs/\(ids[0])", token: session.accessToken).status == 204)
        #expect(try create(["source": ["url": "http://127.0.0.1:9/8.mp3"]]).status == 201)
    }

    @Test func aCountOfJobsInFlightAheadOfTheJobsIsCorrectedWhenItWouldRefuseOne() throws {
        let first = try create(["source": ["url": "http://127.0.0.1:9/1.mp3"]])
        #expect(first.status == 201, "\(first)")
        // As if a finish had failed to release its place: the profile counts the limit (6 here).
        let db = try DynamoDBClient(configuration: api.aws)
        let profile: Item = ["pk": .s("USER#\(session.userID)"), "sk": .s("PROFILE")]
        try db.updateItem(
            table: "transcriptor-local-Table", key: profile, update: "SET jobsInFlight = :n", values: [":n": .number(6)]
        )
        let next = try create(["source": ["url": "http://127.0.0.1:9/2.mp3"]])
        #expect(next.status == 201, "one job runs, so five places are free: \(next)")
        let counted = try db.getItem(table: "transcriptor-local-Table", key: profile, consistentRead: true)?[
            "jobsInFlight"]
        #expect(counted == .number(2))
        #expect(api.emulator.output.contains("the count of jobs in flight was ahead of the jobs; corrected"))
    }

    @Test func overTheMonthlyQuotaGets402() throws {
        // The persist stage meters audio seconds per user and month in this item; stand in for it
        // (Pro includes 1,200 minutes).
        let db = try DynamoDBClient(configuration: api.aws)
        let now = Timestamp.now().components
        let month = "\(now.year)-\(now.month < 10 ? "0" : "")\(now.month)"
        try db.putItem(
            table: "transcriptor-local-Table",
            item: [
                "pk": .s("USER#\(session.userID)"), "sk": .s("USAGE#\(month)"), "audioSeconds": .number(1200 * 60),
                "jobs": .number(3),
            ])
        let reply = try create(["source": ["url": "http://127.0.0.1:9/x.mp3"]])
        #expect(reply.status == 402, "\(reply)")
        #expect(reply.errorCode == "quota_exceeded")
        let me = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect((me.json["usage"] as? [String: Any])?["audioSeconds"] as? Double == 72000)
    }
}
