/// The largest request body the AWS endpoint takes, per service. Each is AWS's own limit (or just
/// above it, where AWS counts something smaller than the HTTP body), so a client that works here is
/// not refused on AWS for its size, and no request can fill the disk or the memory of the machine.
/// A body over its limit is refused as AWS refuses it (`EntityTooLarge` for S3, 413 with
/// `RequestEntityTooLargeException` for the JSON and query services) and is not kept.
enum BodyLimits {
    static let kibibyte: Int64 = 1024
    static let mebibyte: Int64 = 1024 * 1024
    static let gibibyte: Int64 = 1024 * 1024 * 1024

    /// S3 PutObject and UploadPart: 5 GiB, AWS's largest single PUT (and part).
    static let s3Put = 5 * gibibyte
    /// S3 POST Object (a browser's form upload): 5 GiB of file, plus the form's fields.
    static let s3Form = 5 * gibibyte + mebibyte
    /// S3's other POSTs (DeleteObjects of 1,000 keys, CompleteMultipartUpload of 10,000 parts):
    /// XML well under 16 MiB.
    static let s3XML = 16 * mebibyte

    /// A request to a service other than S3, whose body is held in memory.
    static func body(of service: String) -> Int64 {
        switch service {
        // BatchWriteItem and TransactWriteItems: 16 MB per request.
        case "dynamodb": 16 * mebibyte
        // A 6 MB synchronous payload (a larger one is refused by Invoke itself, in the same shape).
        case "lambda": 6 * mebibyte
        // A message or batch of 1 MiB, JSON- or form-encoded (escaping can grow it).
        case "sqs": 4 * mebibyte
        // SendRawEmail's 10 MB message, base64 in a form body.
        case "ses", "email": 16 * mebibyte
        // A 64 KiB secret (SecretBinary travels as base64) and the request's other fields.
        case "secretsmanager": 1 * mebibyte
        // A service the endpoint does not serve is refused after its signature; its body is not needed.
        default: 64 * kibibyte
        }
    }
}
