import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import LocalDynamoDB
import LocalGateway
import LocalS3
import LocalSQS
import LocalStore
import NIOCore
import Runtime

/// The AWS-compatible endpoint on 127.0.0.1:4566, as LocalStack's edge port: the service is told
/// by the SigV4 credential scope (and `X-Amz-Target`), every request's signature is verified (the
/// local credentials, or a function's role credentials with their session token), a role's request
/// is decided by its policies (`AccessControl`), and each service answers in AWS's formats.
struct AWSResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let lambda: LambdaService
    let invoker: AsyncInvoker
    let verifier: SigV4Verifier
    let s3: S3Store
    let sqs: SQSStore
    let dynamodb: DynamoDBStore
    let ses: SESOutbox
    let secrets: SecretsStore
    let uploads: String
    /// The functions' roles: what a request signed with a role's credentials may do.
    let access: AccessControl

    func respond(to request: Request, context: Context) async throws -> Response {
        // A page of another site reaches 127.0.0.1 by DNS rebinding with its own name as Host.
        guard LoopbackHost.accepts(request.head.authority) else { return .misdirected }
        let (rawPath, rawQuery) = request.rawPathAndQuery
        let headers = request.headerPairs
        let signable = SignableRequest(
            method: request.method.rawValue, path: rawPath, query: rawQuery, headers: headers)
        let query = signable.queryParameters
        let declaredLength = request.headers[.contentLength].flatMap { Int64($0) }
        // Browsers' CORS preflights carry no signature: only S3 answers them, from the bucket's rules.
        if request.method == .options {
            return try await Self.response(
                s3.handle(
                    ServiceRequest(
                        method: "OPTIONS", rawPath: rawPath, query: query, headers: headers,
                        body: .bytes([]), accessKeyID: nil)))
        }
        // The local credentials are public, so a page of any site can sign a request that needs no
        // preflight (a form upload, a presigned Invoke). Browsers say whose page sent a request:
        // only S3, for an origin its bucket's CORS rules allow (the web app's), takes one.
        if let origin = signable.header("origin"),
            !s3.allowsBrowser(origin: origin, method: request.method.rawValue, rawPath: rawPath)
        {
            return Self.s3Error(
                403, "AccessForbidden", "CORSResponse: this origin may not send requests to the local AWS endpoint")
        }
        let service = Self.service(of: signable)
        // A browser's form upload (POST Object) is authorized by the signed policy in its body, not
        // by a request signature: S3 checks it after the body is on disk, so the body is capped.
        if service.isEmpty, request.method == .post, signable.header("authorization") == nil,
            signable.header("content-type")?.lowercased().hasPrefix("multipart/form-data") == true
        {
            let file: ReceivedFile
            switch try await receive(request.body, declaredLength: declaredLength, limit: BodyLimits.s3Form) {
            case .file(let received): file = received
            case .refused(let response): return response
            }
            defer { unlink(file.path) }
            return try await Self.response(
                s3.handle(
                    ServiceRequest(
                        method: "POST", rawPath: rawPath, query: query, headers: headers,
                        body: .file(path: file.path, size: file.size), accessKeyID: nil)))
        }
        // Unsigned (and not a form upload): refused before its body is read.
        if signable.header("authorization") == nil, !query.contains(where: { $0.name == "X-Amz-Signature" }) {
            do {
                _ = try verifier.verify(signable, payloadHash: "")
            } catch let failure as SignatureError {
                let other =
                    signable.header("x-amz-target") != nil || rawPath.hasPrefix("/2015-03-31/")
                    || rawPath.hasPrefix("/v2/")
                return other ? Self.signatureError(failure) : Self.s3SignatureError(failure)
            }
        }
        if service == "s3" && (request.method == .put || request.method == .post) {
            return try await s3Upload(request, signable: signable, declaredLength: declaredLength)
        }
        // Other services' bodies are small JSON or forms, held in memory.
        let limit = BodyLimits.body(of: service)
        if let declaredLength, declaredLength > limit { return Self.tooLarge(service: service, limit: limit) }
        guard let bytes = try await request.collectBytes(limit: Int(limit)) else {
            return Self.tooLarge(service: service, limit: limit)
        }
        let verified: SigV4Verifier.Verified
        do {
            verified = try verifier.verify(signable, payloadHash: Digest.sha256Hex(bytes))
        } catch let failure as SignatureError {
            return service == "s3" ? Self.s3SignatureError(failure) : Self.signatureError(failure)
        }
        let serviceRequest = ServiceRequest(
            method: request.method.rawValue, rawPath: rawPath, query: query, headers: headers,
            body: .bytes(bytes), accessKeyID: verified.accessKeyID, isPresigned: verified.isPresigned)
        return try await answer(serviceRequest, verified: verified, request: request, path: rawPath)
    }

    /// Sends a verified request to its service.
    private func answer(
        _ serviceRequest: ServiceRequest, verified: SigV4Verifier.Verified, request: Request, path: String
    ) async throws -> Response {
        if let refused = refusal(of: serviceRequest, service: verified.service, path: path) { return refused }
        switch verified.service {
        case "lambda": return await invoke(request, path: path, body: (try? serviceRequest.bodyBytes()) ?? [])
        case "s3":
            if FaultInjection.current.failsAnS3Request() {
                return Self.s3Error(503, "SlowDown", "Please reduce your request rate. (fault injection)")
            }
            return try await Self.response(s3Answer(to: serviceRequest, s3.handle(serviceRequest)))
        case "sqs": return try await Self.response(sqs.handle(serviceRequest))
        case "dynamodb": return try await Self.response(dynamodb.handle(serviceRequest))
        case "ses", "email": return try await Self.response(ses.handle(serviceRequest))
        case "secretsmanager": return try await Self.response(secrets.handle(serviceRequest))
        default:
            return Self.error(
                400, "UnknownService",
                "The local emulator serves lambda, s3, sqs, dynamodb, ses and secretsmanager, not \(verified.service)")
        }
    }

    /// An S3 PUT or POST (PutObject, UploadPart, DeleteObjects, CompleteMultipartUpload): its
    /// signature covers the headers and the declared `x-amz-content-sha256` (or, presigned, the
    /// query), so it is checked before a byte of the body is read; the body then streams to a file
    /// whose hash must be the declared one. A refused, oversized, cut or mismatched body leaves no file.
    private func s3Upload(
        _ request: Request, signable: SignableRequest, declaredLength: Int64?
    ) async throws
        -> Response
    {
        let declaredHash = signable.header("x-amz-content-sha256")
        if signable.header("authorization") != nil, declaredHash == nil {
            return Self.s3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
        }
        let verified: SigV4Verifier.Verified
        do {
            // Header-signed: the declared hash is what was signed (the body is compared with it
            // below). Presigned: S3 signs UNSIGNED-PAYLOAD and the hash is not used.
            verified = try verifier.verify(signable, payloadHash: declaredHash ?? SigV4.unsignedPayload)
        } catch let failure as SignatureError {
            return Self.s3SignatureError(failure)
        }
        let limit = request.method == .put ? BodyLimits.s3Put : BodyLimits.s3XML
        let file: ReceivedFile
        switch try await receive(request.body, declaredLength: declaredLength, limit: limit) {
        case .file(let received): file = received
        case .refused(let response): return response
        }
        defer { unlink(file.path) }
        if let declaredHash, Self.isSHA256Hex(declaredHash), declaredHash.lowercased() != file.sha256 {
            return Self.s3Error(
                400, "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.")
        }
        let rawPath = request.rawPathAndQuery.path
        let serviceRequest = ServiceRequest(
            method: request.method.rawValue, rawPath: rawPath, query: signable.queryParameters,
            headers: request.headerPairs, body: .file(path: file.path, size: file.size),
            accessKeyID: verified.accessKeyID, isPresigned: verified.isPresigned)
        return try await answer(serviceRequest, verified: verified, request: request, path: rawPath)
    }

    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.allSatisfy(\.isHexDigit)
    }

    /// A request body written whole to a file of the uploads folder.
    struct ReceivedFile {
        var path: String
        var size: Int64
        var sha256: String
    }

    enum Received {
        case file(ReceivedFile)
        /// Too large or cut short: the answer to send (no file is left).
        case refused(Response)
    }

    /// Streams a body of at most `limit` bytes to a new file of the uploads folder. A body over the
    /// limit (declared or counted), shorter than its `Content-Length`, or cut by the client going
    /// away leaves no file behind (the last by an error thrown after the file is removed).
    func receive(_ body: RequestBody, declaredLength: Int64?, limit: Int64) async throws -> Received {
        if let declaredLength, declaredLength > limit {
            return .refused(Self.s3EntityTooLarge(size: declaredLength, limit: limit))
        }
        let path = "\(uploads)/\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            return .refused(Self.s3Error(500, "InternalError", "The upload could not be stored"))
        }
        var kept = false
        defer { if !kept { unlink(path) } }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let digest = StreamingDigest.sha256()
        var size: Int64 = 0
        for try await buffer in body {
            size += Int64(buffer.readableBytes)
            if size > limit { return .refused(Self.s3EntityTooLarge(size: size, limit: limit)) }
            buffer.withUnsafeReadableBytes { digest.update($0) }
            try handle.write(contentsOf: buffer.readableBytesView)
        }
        if let declaredLength, size != declaredLength {
            return .refused(
                Self.s3Error(
                    400, "IncompleteBody",
                    "You did not provide the number of bytes specified by the Content-Length HTTP header"
                ))
        }
        kept = true
        return .file(ReceivedFile(path: path, size: size, sha256: Hex.encode(digest.finish())))
    }

    /// The service named by the credential scope (`…/us-east-1/s3/aws4_request`).
    static func service(of request: SignableRequest) -> String {
        let credential =
            request.header("authorization").flatMap { value in
                value.split(separator: ",").first { $0.contains("Credential=") }.map {
                    String($0.split(separator: "=").last ?? "")
                }
            } ?? request.queryParameters.first { $0.name == "X-Amz-Credential" }?.value ?? ""
        let parts = credential.split(separator: "/")
        return parts.count == 5 ? String(parts[3]) : ""
    }

    /// A service's answer as an HTTP response; files stream in chunks.
    static func response(_ answer: ServiceResponse) async throws -> Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        switch answer.body {
        case .bytes(let bytes):
            return Response(
                status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .file(let path, let offset, let length):
            let body = ResponseBody(contentLength: Int(length)) { writer in
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                try handle.seek(toOffset: UInt64(offset))
                var remaining = length
                while remaining > 0 {
                    let chunk = try handle.read(upToCount: Int(min(remaining, 256 * 1024))) ?? Data()
                    if chunk.isEmpty { break }
                    try await writer.write(ByteBuffer(bytes: chunk))
                    remaining -= Int64(chunk.count)
                }
                try await writer.finish(nil)
            }
            return Response(status: .init(code: answer.status), headers: fields, body: body)
        }
    }
}
