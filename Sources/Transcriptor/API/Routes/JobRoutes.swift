import Cloud
import Runtime

extension APICall {
    /// The `{id}` of a job route, for the log.
    func jobIDParameter() -> String {
        let id = request.pathParameter("id") ?? ""
        if Identifiers.isWellFormed(id, prefix: "job") { jobID = id }
        return id
    }

    /// The caller's job with the route's `{id}`: 404 for anything else, another user's job included.
    func ownedJob(_ caller: Caller) throws -> Job {
        guard let job = try services.jobs.job(userID: caller.userID, jobID: jobIDParameter()) else {
            throw APIError.notFound("job")
        }
        return job
    }
}

/// `POST /v1/jobs` → 201 `{job, upload}`: a link goes to the fetch queue; an upload gets a
/// presigned PUT bound to the job's key, content type and size. `Idempotency-Key` makes a retry
/// return the job the first request made.
public struct CreateJobRoute: APIRoute {
    public init() {}

    public struct Upload: Encodable, Sendable {
        public var url: String
        public var method = "PUT"
        public var headers: [String: String]
        public var expiresAt: String
    }

    struct Created: Encodable {
        var job: Job
        var upload: Upload?

        enum CodingKeys: String, CodingKey { case job, upload }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(job, forKey: .job)
            if let upload { try c.encode(upload, forKey: .upload) } else { try c.encodeNil(forKey: .upload) }
        }
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (_, record) = try call.authenticate()
        let services = call.services
        let checked = try call.body(JobRequest.self).check(
            limits: services.settings.limits(forPlan: record.plan), guard: .fromEnvironment(),
            speech: services.settings.speech)
        var key: String?
        if let given = call.request.event.header("idempotency-key") {
            guard !given.isEmpty, given.utf8.count <= 255, given.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else {
                throw APIError.badRequest("The Idempotency-Key header must be 1 to 255 printable ASCII characters.")
            }
            key = given
        }
        let job: Job
        let created = try services.jobs.create(
            checked, user: record, idempotencyKey: key, logger: call.context.logger, now: call.now)
        switch created {
        case .repeated(let earlier):
            job = earlier
        case .new(let created):
            job = created
            if case .url = checked.kind { try enqueueFetch(job, services: services) }
        }
        call.jobID = job.id
        if case .new = created {
            var metrics: MetricsLogger = call.context.logger.metrics(namespace: "Transcriptor")
            metrics.put("JobsCreated", 1)
            metrics.flush()
        }
        var upload: Upload?
        if case .upload(_, let contentType, let size) = checked.kind, job.status == .queued {
            let lifetime = services.settings.uploadURLLifetime
            let signed = services.s3.presignedPutURL(
                bucket: services.settings.bucketName, key: StorageKey.upload(record.user.id, job.id).path,
                expires: Int(lifetime), contentType: contentType, contentLength: size, at: call.now)
            upload = Upload(
                url: signed.url, headers: ["Content-Type": contentType],
                expiresAt: call.now.adding(seconds: lifetime).iso8601)
        }
        return try .api(201, Created(job: job, upload: upload))
    }

    private func enqueueFetch(_ job: Job, services: Services) throws {
        do {
            guard let fetchQueueURL = services.settings.fetchQueueURL else {
                throw ServiceSettings.Invalid(description: "the setting FETCH_QUEUE_URL is missing")
            }
            _ = try services.sqs().sendMessage(
                queueURL: fetchQueueURL, body: try JSON.encodeString(FetchMessage(userID: job.userID, jobID: job.id)))
        } catch {
            // Not started means not created: take the job back so a retry starts afresh.
            try services.jobs.withdraw(job)
            throw error
        }
    }
}

/// `GET /v1/jobs?limit=&cursor=&q=&tag=` → `{jobs, nextCursor}`, newest first.
public struct ListJobsRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        var limit = 20
        if let text = call.request.query("limit") {
            guard let value = Int(text), (1...100).contains(value) else {
                throw APIError.badRequest("limit must be a whole number from 1 to 100.")
            }
            limit = value
        }
        let search = call.request.query("q")?.trimmingWhitespace()
        if let search, search.count > 100 { throw APIError.badRequest("q has at most 100 characters.") }
        let cursor = call.request.query("cursor").flatMap { $0.isEmpty ? nil : $0 }
        let tag = call.request.query("tag")?.trimmingWhitespace()
        if let tag, tag.count > Tags.maxLength {
            throw APIError.badRequest("tag has at most \(Tags.maxLength) characters.")
        }
        return try .api(
            200,
            try call.services.jobs.list(userID: caller.userID, limit: limit, cursor: cursor, search: search, tag: tag))
    }
}

/// `GET /v1/jobs/{id}` → the job.
public struct GetJobRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        return try .api(200, try call.ownedJob(caller))
    }
}

/// `PATCH /v1/jobs/{id}` `{title?, tags?}` (at least one) → the job as changed.
public struct UpdateJobRoute: APIRoute {
    public init() {}

    struct Body: Decodable {
        var title: String?
        var tags: [String]?
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let jobID = call.jobIDParameter()
        let body = try call.body(Body.self)
        guard body.title != nil || body.tags != nil else {
            throw APIError.badRequest("Send a title, tags, or both: {\"title\": \"…\", \"tags\": [\"…\"]}.")
        }
        var title: String?
        if let given = body.title {
            let trimmed = given.trimmingWhitespace()
            guard !trimmed.isEmpty, trimmed.count <= JobRequest.maxTitleLength else {
                throw APIError.badRequest("title must have 1 to \(JobRequest.maxTitleLength) characters.")
            }
            try DisplayText.check(trimmed, field: "title")
            title = trimmed
        }
        let tags = try body.tags.map { tags throws(InvalidInput) in try Tags.check(tags) }
        guard
            let job = try call.services.jobs.updateDetails(
                userID: caller.userID, jobID: jobID, title: title, tags: tags, now: call.now)
        else { throw APIError.notFound("job") }
        return try .api(200, job)
    }
}

/// `DELETE /v1/jobs/{id}` → 204; cancels the job and removes its media, chunks and transcripts.
public struct DeleteJobRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        guard try call.services.jobs.delete(userID: caller.userID, jobID: call.jobIDParameter()) else {
            throw APIError.notFound("job")
        }
        return .noContent
    }
}

extension APIError {
    /// The job's files are gone past the deployment's media retention (`MediaRetentionDays`).
    static func expired(_ what: String) -> APIError {
        APIError(
            status: 410, code: "\(what)_expired",
            message: "The job's \(what) was deleted after the retention period; the job's details remain.")
    }

    static let notReady = APIError.conflict(
        "not_ready", "The job has not finished yet; its status and progress say how far it is.")
}

/// `GET /v1/jobs/{id}/media` → `{url, expiresAt}` of the playable rendition; 409 until transcoded.
public struct MediaRoute: APIRoute {
    public init() {}

    struct Media: Encodable { var url: String; var expiresAt: String }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        let services = call.services
        let bucket = services.settings.bucketName
        let key = StorageKey.rendition(caller.userID, job.id).path
        guard try services.s3.objectExists(bucket: bucket, key: key) else {
            if job.status == .done { throw APIError.expired("media") }
            throw APIError.conflict("not_ready", "The job's media is not ready to play yet; it is after transcoding.")
        }
        let lifetime = services.settings.mediaURLLifetime
        let url = services.s3.presignedGetURL(
            bucket: bucket, key: key, expires: Int(lifetime), responseContentType: "audio/mp4", at: call.now)
        return try .api(200, Media(url: url, expiresAt: call.now.adding(seconds: lifetime).iso8601))
    }
}
