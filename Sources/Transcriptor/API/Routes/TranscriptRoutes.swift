import Cloud
import Runtime

/// `GET /v1/jobs/{id}/transcript?format=json|txt|srt|vtt|md|docx` → the transcript as it is now
/// (`ETag: "N"`, its version), written on the way out with the names its owner gave the speakers;
/// `?version=original` → the machine's original. `timestamps=true` puts start times in txt, md and
/// docx; `maxLineLength`, `maxLines`, `maxCueSeconds` and `minGapMs` cut srt and vtt. 409 until
/// done, 410 past the retention.
public struct TranscriptRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let text = call.request.query("format") ?? "json"
        guard let format = TranscriptFormat(rawValue: text) else {
            throw APIError.badRequest(
                "format must be one of json, txt, srt, vtt, md or docx, not \"\(text.prefix(20))\".")
        }
        var options = try Self.options(call.request)
        var original = false
        if let version = call.request.query("version") {
            guard version == "original" else {
                throw APIError.badRequest(
                    "version may only be \"original\" (the machine's transcript); without it, the current version.")
            }
            original = true
        }
        let job = try call.ownedJob(caller)
        guard job.status == .done else { throw APIError.notReady }
        options.title = job.title
        var (transcript, version) = try call.currentTranscript(job, original: original)
        if !original { transcript.version = version }
        let body = try format.render(transcript, options)
        var headers = [
            "content-type": format.contentType, "cache-control": "no-store",
            "content-disposition": Self.disposition(title: job.title, format: format),
        ]
        // The version is the JSON's (`version`); other formats are written from it with options.
        if !original, format == .json { headers["etag"] = "\"\(version)\"" }
        if format.isBinary {
            return .init(
                statusCode: 200, headers: headers, body: Base64.encode(body), isBase64Encoded: true)
        }
        return .init(statusCode: 200, headers: headers, body: String(decoding: body, as: UTF8.self))
    }

    /// `attachment` for Word, else `inline`, named after the title: its printable ASCII as
    /// `filename` (`transcript` when none is left) and the whole title as `filename*` (RFC 6266).
    static func disposition(title: String, format: TranscriptFormat) -> String {
        let ascii = title.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }
            .map(String.init).joined().trimmingWhitespace()
        let plain = ascii.isEmpty ? "transcript" : ascii
        let encoded = PercentEncoding.encode(title)
        return
            "\(format.isBinary ? "attachment" : "inline"); filename=\"\(plain).\(format.rawValue)\"; filename*=UTF-8''\(encoded).\(format.rawValue)"
    }

    /// The query's options, each checked against its range.
    static func options(_ request: APIRequest) throws(APIError) -> TranscriptFormat.Options {
        var options = TranscriptFormat.Options()
        if let text = request.query("timestamps") {
            guard text == "true" || text == "false" else {
                throw APIError.badRequest("timestamps must be true or false, not \"\(text.prefix(20))\".")
            }
            options.timestamps = text == "true"
        }
        func number(_ name: String, _ range: ClosedRange<Int>) throws(APIError) -> Int? {
            guard let text = request.query(name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw APIError.badRequest(
                    "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text.prefix(20))\"."
                )
            }
            return value
        }
        if let value = try number("maxLineLength", SubtitleFormatter.lineLengths) {
            options.subtitles.maxLineLength = value
        }
        if let value = try number("maxLines", SubtitleFormatter.lineCounts) { options.subtitles.maxLines = value }
        if let value = try number("maxCueSeconds", SubtitleFormatter.cueSeconds) {
            options.subtitles.maxCueSeconds = Double(value)
        }
        if let value = try number("minGapMs", SubtitleFormatter.gapsMs) { options.subtitles.minGapMs = value }
        return options
    }
}

extension APICall {
    /// A finished job's transcript as it is now (or the original), with the names its owner gave
    /// its speakers, and its version.
    func currentTranscript(_ job: Job, original: Bool = false) throws -> (Transcript, Int) {
        let (transcript, state) = try storedTranscript(job, original: original)
        return (transcript.naming(state.speakerNames), state.version)
    }

    /// A finished job's transcript as stored (names not applied) and the state it was read in;
    /// 404 when the job is gone, 410 past the retention.
    func storedTranscript(_ job: Job, original: Bool = false) throws -> (Transcript, JobStore.TranscriptState) {
        // An edit that lands between reading the state and the object deletes the object read: the
        // state is read again then.
        for _ in 0..<3 {
            guard let state = try services.jobs.transcriptState(userID: job.userID, jobID: job.id) else {
                throw APIError.notFound("job")
            }
            do {
                let transcript = try services.jobs.storedTranscript(
                    userID: job.userID, jobID: job.id, revision: original ? nil : state.revision)
                return (transcript, state)
            } catch let error as AWSError where error.code == "NoSuchKey" || error.code == "AccessDenied" {
                // Gone. (S3 answers a missing key with 403 to a role that may read the prefix but not
                // list the bucket, as these routes' roles are: the object is not there either way.)
                if original || state.revision == nil { throw APIError.expired("transcript") }
            }
        }
        throw APIError.expired("transcript")
    }

    /// The version `If-Match` names (`"N"`, `N`, or `*` for whatever is current); nil when absent.
    func ifMatchVersion(current: Int) throws -> Int? {
        guard let given = request.event.header("if-match")?.trimmingWhitespace() else { return nil }
        if given == "*" {
            throw APIError.badRequest(
                "If-Match must name the version the change was made on (\"\(current)\" now), not *.")
        }
        var text = Substring(given)
        if text.hasPrefix("W/") {
            throw APIError.badRequest("If-Match takes the transcript's strong ETag (\"\(current)\"), not a weak one.")
        }
        if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
        guard let version = Int(text), version > 0 else {
            throw APIError.badRequest("If-Match must be the transcript's version: its ETag, such as \"\(current)\".")
        }
        return version
    }

    /// 412 with the current version.
    static func staleVersion(_ current: Int) -> APIError {
        APIError(
            status: 412, code: "version_mismatch",
            message:
                "The transcript changed since that version; it is at version \(current) now. Read it again and redo the change on it.",
            version: current)
    }

    /// The transcript after a change, with its new version as body and ETag.
    func transcriptResponse(
        _ transcript: Transcript, names: [String: String], version: Int
    ) throws
        -> APIGatewayV2Response
    {
        var named = transcript.naming(names)
        named.version = version
        return try .api(200, named, headers: ["etag": "\"\(version)\""])
    }
}

/// `PATCH /v1/jobs/{id}/transcript` `If-Match: "N"` `{"edits":[…]}` → 200 with the new transcript
/// (JSON, `ETag` its version). Edits name segments of version N (`TranscriptEdits`); 412 with the
/// current version when N is stale, 428 without `If-Match`.
public struct EditTranscriptRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        guard call.request.event.header("if-match") != nil else {
            throw APIError(
                status: 428, code: "precondition_required",
                message:
                    "Send If-Match with the version the edits were made on (the ETag of GET /v1/jobs/{id}/transcript), so that they never overwrite a change you have not seen."
            )
        }
        let edits = try call.body(TranscriptEdits.self)
        guard job.status == .done else { throw APIError.notReady }
        _ = try call.services.rateLimiter.admit(.transcriptEdits, subject: caller.userID, now: call.now) { minutes in
            "Too many transcript changes in the last hour; try again in \(minutes) minutes."
        }
        let (transcript, state) = try call.storedTranscript(job)
        guard let expected = try call.ifMatchVersion(current: state.version), expected == state.version else {
            throw APICall.staleVersion(state.version)
        }
        let edited: Transcript
        do {
            edited = try transcript.editing(edits)
        } catch let error where error.code == "no_speakers" {
            throw APIError.conflict(error.code, error.message)
        }
        do {
            guard
                let version = try call.services.jobs.saveTranscript(
                    userID: caller.userID, jobID: job.id, expected: state, edited, now: call.now)
            else { throw APIError.notFound("job") }
            return try call.transcriptResponse(edited, names: state.speakerNames, version: version)
        } catch let stale as JobStore.StaleVersion {
            throw APICall.staleVersion(stale.current)
        }
    }
}

/// `POST /v1/jobs/{id}/transcript/revert` (optional `If-Match`) → 200 with the machine's original
/// as the new version; the names given to the speakers stay. A transcript never edited is returned
/// as it is.
public struct RevertTranscriptRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        guard job.status == .done else { throw APIError.notReady }
        let (original, state) = try call.storedTranscript(job, original: true)
        if let expected = try call.ifMatchVersion(current: state.version), expected != state.version {
            throw APICall.staleVersion(state.version)
        }
        guard state.revision != nil else {
            return try call.transcriptResponse(original, names: state.speakerNames, version: state.version)
        }
        do {
            guard
                let version = try call.services.jobs.pointTranscript(
                    userID: caller.userID, jobID: job.id, expected: state, at: nil, now: call.now)
            else { throw APIError.notFound("job") }
            return try call.transcriptResponse(original, names: state.speakerNames, version: version)
        } catch let stale as JobStore.StaleVersion {
            throw APICall.staleVersion(stale.current)
        }
    }
}

/// `PATCH /v1/jobs/{id}/speakers` `{"S1":"Ada","S2":"Grace"}` → 200 with the transcript (JSON) as
/// named now, its version one more (`ETag`). Names are trimmed, 1 to 60 characters, no control
/// characters; every id must be one of the transcript's speakers. 409 `not_ready` until done, 409
/// `no_speakers` for a job without.
public struct SpeakersRoute: APIRoute {
    public init() {}

    public func respond(_ call: APICall) throws -> APIGatewayV2Response {
        let (caller, _) = try call.authenticate()
        let job = try call.ownedJob(caller)
        let asked = try call.body([String: String].self)
        guard job.options.speakers else {
            throw APIError.conflict("no_speakers", "The job did not ask for speakers, so it has none to name.")
        }
        guard job.status == .done else { throw APIError.notReady }
        guard job.speakersState == .done else {
            throw APIError.conflict(
                "no_speakers", "The job's speakers could not be found (see its warnings), so it has none to name.")
        }
        guard !asked.isEmpty else {
            throw APIError.badRequest("Name at least one speaker: {\"S1\": \"Ada\"}.")
        }
        let (transcript, _) = try call.storedTranscript(job)
        let known = Set((transcript.speakers ?? []).map(\.id))
        var names: [String: String] = [:]
        for (id, given) in asked.sorted(by: { $0.key < $1.key }) {
            guard known.contains(id) else {
                throw APIError.badRequest(
                    "\(id.prefix(20)) is not one of the transcript's speakers (\(known.sorted().joined(separator: ", ")))."
                )
            }
            let name = given.trimmingWhitespace()
            guard !name.isEmpty, name.count <= Transcript.maxSpeakerNameLength else {
                throw APIError.badRequest(
                    "The name of \(id) must have 1 to \(Transcript.maxSpeakerNameLength) characters.")
            }
            try DisplayText.check(name, field: "the name of \(id)")
            names[id] = name
        }
        guard try call.services.jobs.nameSpeakers(userID: caller.userID, jobID: job.id, names, now: call.now) != nil
        else { throw APIError.notFound("job") }
        // Read again, so that the version sent is the one of the transcript sent (an edit may have
        // landed since the read above).
        let (current, state) = try call.storedTranscript(job)
        return try call.transcriptResponse(current, names: state.speakerNames, version: state.version)
    }
}
