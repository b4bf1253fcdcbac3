import Cloud
import LocalIAM
import LocalStore
import Runtime

extension S3Store {
    /// What IAM is asked about an S3 request, as the Service Authorization Reference defines S3's
    /// actions: `s3:ListBucket` on the bucket's ARN (with `s3:prefix`, `s3:delimiter` and
    /// `s3:max-keys` when the listing has them) for ListObjects(V2) and HeadBucket;
    /// `s3:GetObject`/`s3:PutObject`/`s3:DeleteObject` on `arn:aws:s3:::bucket/key` for
    /// Get/HeadObject, PutObject and the multipart upload's create, parts and completion, and
    /// DeleteObject; `s3:AbortMultipartUpload`, `s3:ListMultipartUploadParts`,
    /// `s3:ListBucketMultipartUploads`; CopyObject and UploadPartCopy need `s3:GetObject` of the
    /// source too; DeleteObjects needs `s3:DeleteObject` of every key it names.
    public static func authorizationRequests(for request: ServiceRequest) -> [AuthorizationRequest] {
        let target = Target(rawPath: request.rawPath)
        guard let bucket = target.bucket else {
            return [AuthorizationRequest(action: "s3:ListAllMyBuckets", resource: "*")]
        }
        let bucketARN = "arn:aws:s3:::\(bucket)"
        func onBucket(_ action: String, _ context: RequestContext = [:]) -> [AuthorizationRequest] {
            [AuthorizationRequest(action: "s3:\(action)", resource: bucketARN, context: context)]
        }
        guard let key = target.key else {
            switch request.method {
            case "GET" where request.hasQuery("location"): return onBucket("GetBucketLocation")
            case "GET" where request.hasQuery("uploads"): return onBucket("ListBucketMultipartUploads")
            case "GET" where request.hasQuery("versions"): return onBucket("ListBucketVersions")
            case "GET" where request.hasQuery("cors"): return onBucket("GetBucketCORS")
            case "GET":
                var context = RequestContext()
                for (name, parameter) in [
                    ("s3:prefix", "prefix"), ("s3:delimiter", "delimiter"), ("s3:max-keys", "max-keys"),
                ] {
                    if let value = request.queryValue(parameter) { context[name] = .single(value) }
                }
                return onBucket("ListBucket", context)
            case "HEAD": return onBucket("ListBucket")
            case "PUT" where request.hasQuery("cors"): return onBucket("PutBucketCORS")
            case "PUT": return onBucket("CreateBucket")
            case "DELETE" where request.hasQuery("cors"): return onBucket("PutBucketCORS")
            case "DELETE": return onBucket("DeleteBucket")
            case "POST" where request.hasQuery("delete"):
                let keys = (try? XMLElement.parse(request.bodyBytes()))?.children("Object").compactMap {
                    $0.child("Key")?.text
                }
                // An unreadable body is S3's MalformedXML to answer; it deletes nothing.
                return (keys ?? []).map {
                    AuthorizationRequest(action: "s3:DeleteObject", resource: "\(bucketARN)/\($0)")
                }
            default: return onBucket("ListBucket")
            }
        }
        let objectARN = "\(bucketARN)/\(key)"
        func onObject(_ action: String) -> [AuthorizationRequest] {
            [AuthorizationRequest(action: "s3:\(action)", resource: objectARN)]
        }
        var copied: [AuthorizationRequest] = []
        if request.method == "PUT", let source = request.header("x-amz-copy-source") {
            var path = Substring(PercentEncoding.decode(source))
            if let query = path.firstIndex(of: "?") { path = path[..<query] }
            while path.hasPrefix("/") { path = path.dropFirst() }
            copied = [AuthorizationRequest(action: "s3:GetObject", resource: "arn:aws:s3:::\(path)")]
        }
        if request.hasQuery("uploadId") {
            switch request.method {
            case "DELETE": return onObject("AbortMultipartUpload")
            case "GET": return onObject("ListMultipartUploadParts")
            default: return copied + onObject("PutObject")
            }
        }
        let versioned = request.hasQuery("versionId")
        switch request.method {
        case "GET", "HEAD": return onObject(versioned ? "GetObjectVersion" : "GetObject")
        case "DELETE": return onObject(versioned ? "DeleteObjectVersion" : "DeleteObject")
        default: return copied + onObject("PutObject")
        }
    }

    /// The bucket's ARN when `response` is S3's 404 to an object read (a key that does not exist),
    /// which S3 shows only to a caller that may list the bucket (`s3:ListBucket`); others get 403.
    public static func missingObjectBucketARN(_ request: ServiceRequest, _ response: ServiceResponse) -> String? {
        let target = Target(rawPath: request.rawPath)
        guard request.method == "GET" || request.method == "HEAD", let bucket = target.bucket, target.key != nil,
            response.status == 404
        else { return nil }
        return "arn:aws:s3:::\(bucket)"
    }
}
