import LocalStore

/// An S3 API error: the AWS error code, HTTP status and message, rendered as S3's XML error body.
struct S3Error: Error, CustomStringConvertible {
    private enum Code: String {
        case accessDenied = "AccessDenied"
        case entityTooLarge = "EntityTooLarge"
        case entityTooSmall = "EntityTooSmall"
        case invalidAccessKeyID = "InvalidAccessKeyId"
        case invalidPart = "InvalidPart"
        case invalidPartOrder = "InvalidPartOrder"
        case invalidPolicyDocument = "InvalidPolicyDocument"
        case malformedPOSTRequest = "MalformedPOSTRequest"
        case maxPostPreDataLengthExceeded = "MaxPostPreDataLengthExceededError"
        case noSuchUpload = "NoSuchUpload"
        case signatureDoesNotMatch = "SignatureDoesNotMatch"
        case badDigest = "BadDigest"
        case bucketNotEmpty = "BucketNotEmpty"
        case corsForbidden = "CORSResponse"
        case badRequest = "BadRequest"
        case internalError = "InternalError"
        case invalidArgument = "InvalidArgument"
        case invalidBucketName = "InvalidBucketName"
        case invalidDigest = "InvalidDigest"
        case invalidRange = "InvalidRange"
        case invalidRequest = "InvalidRequest"
        case keyTooLong = "KeyTooLongError"
        case malformedXML = "MalformedXML"
        case methodNotAllowed = "MethodNotAllowed"
        case noSuchBucket = "NoSuchBucket"
        case noSuchKey = "NoSuchKey"
        case notImplemented = "NotImplemented"
        case preconditionFailed = "PreconditionFailed"
    }

    private let code: Code
    let status: Int
    let message: String
    /// Extra elements of the error body (`Key`, `BucketName`, `Condition`, ...), in order.
    private(set) var details: [(name: String, value: String)] = []
    /// Extra response headers (`Content-Range` of a 416).
    private(set) var headers: [(name: String, value: String)] = []

    var codeName: String { code.rawValue }
    var description: String { "\(code.rawValue): \(message)" }

    static func noSuchBucket(_ bucket: String) -> S3Error {
        S3Error(
            code: .noSuchBucket, status: 404, message: "The specified bucket does not exist",
            details: [("BucketName", bucket)])
    }

    static func noSuchKey(_ key: String) -> S3Error {
        S3Error(code: .noSuchKey, status: 404, message: "The specified key does not exist.", details: [("Key", key)])
    }

    static func bucketNotEmpty(_ bucket: String) -> S3Error {
        S3Error(
            code: .bucketNotEmpty, status: 409, message: "The bucket you tried to delete is not empty",
            details: [("BucketName", bucket)])
    }

    static func invalidBucketName(_ bucket: String) -> S3Error {
        S3Error(
            code: .invalidBucketName, status: 400, message: "The specified bucket is not valid.",
            details: [("BucketName", bucket)])
    }

    static func preconditionFailed(_ condition: String) -> S3Error {
        S3Error(
            code: .preconditionFailed, status: 412,
            message: "At least one of the pre-conditions you specified did not hold",
            details: [("Condition", condition)])
    }

    static func badDigest() -> S3Error {
        S3Error(code: .badDigest, status: 400, message: "The Content-MD5 you specified did not match what we received.")
    }

    static func invalidDigest() -> S3Error {
        S3Error(code: .invalidDigest, status: 400, message: "The Content-MD5 you specified is not valid.")
    }

    static func invalidRange(size: Int64) -> S3Error {
        S3Error(
            code: .invalidRange, status: 416, message: "The requested range is not satisfiable",
            details: [("ActualObjectSize", String(size))], headers: [("Content-Range", "bytes */\(size)")])
    }

    static func keyTooLong() -> S3Error {
        S3Error(code: .keyTooLong, status: 400, message: "Your key is too long (at most 1024 bytes of UTF-8).")
    }

    static func invalidArgument(_ message: String) -> S3Error {
        S3Error(code: .invalidArgument, status: 400, message: message)
    }

    static func invalidRequest(_ message: String) -> S3Error {
        S3Error(code: .invalidRequest, status: 400, message: message)
    }

    static func malformedXML() -> S3Error {
        S3Error(
            code: .malformedXML, status: 400,
            message: "The XML you provided was not well-formed or did not validate against our published schema")
    }

    static func methodNotAllowed(_ method: String) -> S3Error {
        S3Error(
            code: .methodNotAllowed, status: 405, message: "The specified method is not allowed against this resource.",
            details: [("Method", method)])
    }

    static func notImplemented(_ what: String) -> S3Error {
        S3Error(
            code: .notImplemented, status: 501,
            message: "A header or query you provided implies functionality that is not implemented: \(what).")
    }

    // MARK: Multipart uploads

    static func noSuchUpload(_ uploadID: String) -> S3Error {
        S3Error(
            code: .noSuchUpload, status: 404,
            message:
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            details: [("UploadId", uploadID)])
    }

    static func invalidPart(_ partNumber: Int, eTag: String) -> S3Error {
        S3Error(
            code: .invalidPart, status: 400,
            message:
                "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            details: [("PartNumber", String(partNumber)), ("ETag", eTag)])
    }

    static func invalidPartOrder() -> S3Error {
        S3Error(
            code: .invalidPartOrder, status: 400,
            message: "The list of parts was not in ascending order. Parts must be ordered by part number.")
    }

    /// A part but the last below the 5 MiB minimum, or a form upload below its policy's range.
    static func entityTooSmall(size: Int64, minimum: Int64) -> S3Error {
        S3Error(
            code: .entityTooSmall, status: 400,
            message: "Your proposed upload is smaller than the minimum allowed size",
            details: [("ProposedSize", String(size)), ("MinSizeAllowed", String(minimum))])
    }

    static func entityTooLarge(size: Int64, maximum: Int64) -> S3Error {
        S3Error(
            code: .entityTooLarge, status: 400, message: "Your proposed upload exceeds the maximum allowed size",
            details: [("ProposedSize", String(size)), ("MaxSizeAllowed", String(maximum))])
    }

    // MARK: Form uploads (POST Object)

    static func accessDenied(_ message: String = "Access Denied") -> S3Error {
        S3Error(code: .accessDenied, status: 403, message: message)
    }

    static func invalidPolicyDocument(_ why: String) -> S3Error {
        S3Error(code: .invalidPolicyDocument, status: 400, message: "Invalid Policy: \(why)")
    }

    static func signatureDoesNotMatch() -> S3Error {
        S3Error(
            code: .signatureDoesNotMatch, status: 403,
            message:
                "The request signature we calculated does not match the signature you provided. Check your key and signing method."
        )
    }

    static func malformedPOSTRequest() -> S3Error {
        S3Error(
            code: .malformedPOSTRequest, status: 400,
            message: "The body of your POST request is not well-formed multipart/form-data.")
    }

    static func invalidAccessKeyID() -> S3Error {
        S3Error(
            code: .invalidAccessKeyID, status: 403,
            message: "The AWS Access Key Id you provided does not exist in our records.")
    }

    static func maxPostPreDataLengthExceeded() -> S3Error {
        S3Error(
            code: .maxPostPreDataLengthExceeded, status: 400,
            message: "Your POST request fields preceeding the upload file was too large.",
            details: [("MaxPostPreDataLength", "20480")])
    }

    static func corsNotEnabled() -> S3Error {
        S3Error(code: .corsForbidden, status: 403, message: "CORS is not enabled for this bucket.")
    }

    static func corsNotAllowed(method: String, resource: String) -> S3Error {
        S3Error(
            code: .corsForbidden, status: 403,
            message:
                "This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
            details: [("Method", method), ("ResourceType", resource)])
    }

    static func corsInsufficient() -> S3Error {
        S3Error(
            code: .badRequest, status: 400,
            message: "Insufficient information. Origin request header needed.")
    }

    /// A local failure (disk, database); the message names it so the operator can act.
    static func internalError(_ underlying: any Error) -> S3Error {
        S3Error(
            code: .internalError, status: 500,
            message: "We encountered an internal error. Please try again. (\(underlying))")
    }

    /// The response: an XML body, or none for `HEAD` requests.
    func response(requestID: String, resource: String, withBody: Bool) -> ServiceResponse {
        var responseHeaders: [(name: String, value: String)] = [("x-amz-request-id", requestID)]
        responseHeaders += headers
        guard withBody else { return ServiceResponse(status: status, headers: responseHeaders) }
        var xml = XMLWriter()
        xml.element("Error") {
            $0.element("Code", code.rawValue)
            $0.element("Message", message)
            for (name, value) in details { $0.element(name, value) }
            if !details.contains(where: { $0.name == "Key" || $0.name == "BucketName" }) {
                $0.element("Resource", resource)
            }
            $0.element("RequestId", requestID)
        }
        responseHeaders.append(("Content-Type", "application/xml"))
        return ServiceResponse(status: status, headers: responseHeaders, body: .bytes(xml.bytes))
    }
}
