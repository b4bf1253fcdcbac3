import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import LocalDynamoDB
import LocalS3
import LocalSQS
import LocalStore
import NIOCore
import Runtime

/// The AWS-compatible endpoint on 127.0.0.1:4566, as LocalStack's edge port: the service is told
/// by the SigV4 credential scope (and `X-Amz-Target`), every request is verified with the local
/// credentials, and each service answers in AWS's formats.
struct AWSResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let lambda: LambdaService
    let invoker: AsyncInvoker
    let verifier: SigV4Verifier
    let s3: S3Store
    let sqs: SQSStore
    let dynamodb: DynamoDBStore
    let ses: SESOutbox
    let uploads: String

    func respond(to request: Request, context: Context) async throws -> Response {
        let (rawPath, rawQuery) = request.rawPathAndQuery
        let headers = request.headerPairs
        let signable = SignableRequest(
            method: request.method.rawValue, path: rawPath, query: rawQuery, headers: headers)
        let query = signable.queryParameters
        // Browsers' CORS preflights carry no signature: only S3 answers them, from the bucket's rules.
        if request.method == .options {
            return try await Self.response(
                s3.handle(
                    ServiceRequest(
                        method: "OPTIONS", rawPath: rawPath, query: query, headers: headers,
                        body: .bytes([]), accessKeyID: nil)))
        }
        let service = Self.service(of: signable)
        // A browser's form upload (POST Object) is authorized by the signed policy in its body, not
        // by a request signature: S3 checks it after the body is on disk.
        if service.isEmpty, request.method == .post, signable.header("authorization") == nil,
            signable.header("content-type")?.lowercased().hasPrefix("multipart/form-data") == true
        {
            let path = "\(uploads)/\(UUID().uuidString)"
            defer { unlink(path) }
            let (size, _) = try await Self.stream(request.body, to: path)
            return try await Self.response(
                s3.handle(
                    ServiceRequest(
                        method: "POST", rawPath: rawPath, query: query, headers: headers,
                        body: .file(path: path, size: size), accessKeyID: nil)))
        }
        // S3 bodies (media) stream to a file; other services' bodies are small JSON.
        let body: ServiceRequest.Body
        let payloadHash: String
        if service == "s3" && (request.method == .put || request.method == .post) {
            let path = "\(uploads)/\(UUID().uuidString)"
            let (size, hash) = try await Self.stream(request.body, to: path)
            body = .file(path: path, size: size)
            payloadHash = hash
        } else {
            guard let bytes = try await request.collectBytes(limit: 16 * 1024 * 1024) else {
                return Self.error(413, "RequestEntityTooLargeException", "The request body is too large")
            }
            body = .bytes(bytes)
            payloadHash = Digest.sha256Hex(bytes)
        }
        let verified: SigV4Verifier.Verified
        do {
            verified = try verifier.verify(signable, payloadHash: payloadHash)
        } catch let failure as SignatureError {
            if case .file(let path, _) = body { unlink(path) }
            return service == "s3" ? Self.s3SignatureError(failure) : Self.signatureError(failure)
        }
        let serviceRequest = ServiceRequest(
            method: request.method.rawValue, rawPath: rawPath, query: query, headers: headers,
            body: body, accessKeyID: verified.accessKeyID, isPresigned: verified.isPresigned)
        defer { if case .file(let path, _) = body { unlink(path) } }
        switch verified.service {
        case "lambda": return await invoke(request, path: rawPath, body: (try? serviceRequest.bodyBytes()) ?? [])
        case "s3":
            if FaultInjection.current.failsAnS3Request() {
                return Self.s3Error(503, "SlowDown", "Please reduce your request rate. (fault injection)")
            }
            return try await Self.response(s3.handle(serviceRequest))
        case "sqs": return try await Self.response(sqs.handle(serviceRequest))
        case "dynamodb": return try await Self.response(dynamodb.handle(serviceRequest))
        case "ses", "email": return try await Self.response(ses.handle(serviceRequest))
        default:
            return Self.error(
                400, "UnknownService",
                "The local emulator serves lambda, s3, sqs, dynamodb and ses, not \(verified.service)")
        }
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

    /// Writes a request body to a file, returning its size and SHA-256.
    static func stream(_ body: RequestBody, to path: String) async throws -> (Int64, String) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let digest = StreamingDigest.sha256()
        var size: Int64 = 0
        for try await buffer in body {
            buffer.withUnsafeReadableBytes { digest.update($0) }
            try handle.write(contentsOf: buffer.readableBytesView)
            size += Int64(buffer.readableBytes)
        }
        return (size, Hex.encode(digest.finish()))
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
