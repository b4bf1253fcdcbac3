import Cloud
import Runtime

extension RateLimiter.Rule {
    /// Opening shared links: at most 300 in 15 minutes per address, so tokens cannot be guessed
    /// at any useful rate (they have 256 bits) and a link cannot be used to load the service.
    public static let shareViews = RateLimiter.Rule(scope: "share-views", limit: 300, window: 900)
    /// Transcript changes (edits): at most 1,200 an hour per account, a change every three seconds,
    /// far beyond a person typing and saving.
    public static let transcriptEdits = RateLimiter.Rule(scope: "transcript-edits", limit: 1200, window: 3600)
    /// Making links: at most 100 an hour per account.
    public static let shareCreation = RateLimiter.Rule(scope: "share-creation", limit: 100, window: 3600)
}

/// `POST /v1/jobs/{id}/shares` `{"expiresInDays"?: 1–365 (30), "includeMedia"?: false}` → 201
/// `{id, token, url, expiresAt}`: a read-only link to the done job's transcript (and its player
/// with `includeMedia`) for anyone holding it. The token is shown this once.
public struct CreateShareRoute: APIRoute {
    public init() {}

    struct Body: Decodable {
        var expiresInDays: Int?
        var includeMedia: Bool?
    }

    struct Created: Encodable {
        var id: String
        var token: String
        var url: String
        var expiresAt: String
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        // No body at all takes the defaults.
        let body = ((try? call.request.event.bodyBytes()) ?? []).isEmpty ? Body() : try call.body(Body.self)
        let days = body.expiresInDays ?? JobStore.defaultShareDays
        guard JobStore.shareLifetimeDays.contains(days) else {
            throw APIError.badRequest("expiresInDays must be a whole number from 1 to 365 (30 when not given).")
        }
        guard job.status == .done else {
            throw APIError.conflict("not_ready", "Only a done job's transcript can be shared; it has not finished yet.")
        }
        let services = call.services
        _ = try services.rateLimiter.admit(.shareCreation, subject: caller.userID, now: call.now) { minutes in
            "Too many links made in the last hour; try again in \(minutes) minutes."
        }
        guard
            try services.jobs.shares(userID: caller.userID, jobID: job.id, now: call.now).count
                < JobStore.maxSharesPerJob
        else {
            throw APIError.conflict(
                "too_many_shares", "A job has at most \(JobStore.maxSharesPerJob) live links; revoke one first.")
        }
        let (share, token) = try services.jobs.createShare(
            userID: caller.userID, jobID: job.id, days: days, includeMedia: body.includeMedia ?? false, now: call.now)
        return try .api(
            201,
            Created(
                id: share.id, token: token, url: "\(services.settings.webOrigin)/s/\(token)",
                expiresAt: share.expiresAt))
    }
}

/// `GET /v1/jobs/{id}/shares` → `{shares: [{id, createdAt, expiresAt, includeMedia}]}`, the live
/// ones, newest first (tokens are not kept, so not shown).
public struct ListSharesRoute: APIRoute {
    public init() {}

    struct List: Encodable { var shares: [JobStore.Share] }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        return try .api(
            200, List(shares: try call.services.jobs.shares(userID: caller.userID, jobID: job.id, now: call.now)))
    }
}

/// `DELETE /v1/jobs/{id}/shares/{shareId}` → 204: the link stops working at once.
public struct DeleteShareRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        guard
            try call.services.jobs.deleteShare(
                userID: caller.userID, jobID: job.id, shareID: call.request.pathParameter("shareId") ?? "")
        else { throw APIError.notFound("share") }
        return .noContent
    }
}

/// `GET /v1/shares/{token}` (no sign-in) → `{title, durationSec, transcript, media?}`: what a link
/// shows. Never cached or indexed; limited per address; an unknown, revoked or expired token, or
/// one whose job is gone, is 404 alike.
public struct GetShareRoute: APIRoute {
    public static var usesTokens: Bool { false }

    public init() {}

    struct Shared: Encodable {
        struct Media: Encodable { var url: String; var expiresAt: String }
        var title: String
        var durationSec: Double?
        var transcript: Transcript
        var media: Media?
    }

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let services = call.services
        _ = try services.rateLimiter.admit(.shareViews, subject: call.sourceAddress, now: call.now) { minutes in
            "Too many shared links opened from this address; try again in \(minutes) minutes."
        }
        let headers = ["x-robots-tag": "noindex, nofollow", "referrer-policy": "no-referrer"]
        let gone = APIError(
            status: 404, code: "not_found", message: "This link is not valid: it may have expired or been revoked.",
            headers: headers)
        guard let shared = try services.jobs.sharedJob(token: call.request.pathParameter("token") ?? "", now: call.now),
            let job = try services.jobs.job(userID: shared.userID, jobID: shared.jobID), job.status == .done
        else { throw gone }
        let transcript: Transcript
        do {
            (transcript, _) = try call.currentTranscript(job)
        } catch let error as APIError where error.status == 410 {
            throw gone  // past the retention: to a link holder, gone like any dead link
        }
        var media: Shared.Media?
        if shared.includeMedia {
            let key = StorageKey.rendition(job.userID, job.id).path
            if try services.s3.objectExists(bucket: services.settings.bucketName, key: key) {
                let lifetime = services.settings.mediaURLLifetime
                media = Shared.Media(
                    url: services.s3.presignedGetURL(
                        bucket: services.settings.bucketName, key: key, expires: Int(lifetime),
                        responseContentType: "audio/mp4", at: call.now),
                    expiresAt: call.now.adding(seconds: lifetime).iso8601)
            }
        }
        return try .api(
            200, Shared(title: job.title, durationSec: job.durationSec, transcript: transcript, media: media),
            headers: headers)
    }
}
