import Cloud
import Foundation
import Hummingbird
import LocalIAM
import LocalS3
import LocalStore

/// IAM before each service: what a request signed with a function's role credentials needs, and
/// AWS's refusal in the service's shape when the role does not allow it.
extension AWSResponder {
    /// The refusal of a request the caller's role does not allow, or nil to serve it.
    func refusal(of request: ServiceRequest, service: String, path: String) -> Response? {
        guard access.session(forAccessKey: request.accessKeyID) != nil else { return nil }
        let needed: [AuthorizationRequest]
        switch service {
        case "s3": needed = S3Store.authorizationRequests(for: request)
        case "sqs": needed = sqs.authorizationRequests(for: request)
        case "dynamodb": needed = dynamodb.authorizationRequests(for: request)
        case "ses", "email":
            needed = ses.authorizationRequests(for: request, region: secrets.region, accountID: secrets.accountID)
        case "secretsmanager": needed = secrets.authorizationRequests(for: request)
        case "lambda": needed = lambdaAuthorizationRequests(path: path)
        default: return nil
        }
        guard let denial = access.check(needed, accessKeyID: request.accessKeyID) else { return nil }
        return Self.accessDenied(service: service, message: service == "s3" ? denial.s3Message : denial.message)
    }

    /// S3 answers a read of a missing key with 404 only to a caller that may list the bucket
    /// (`s3:ListBucket`, whatever the prefix); to others with 403, so that a key's absence does not
    /// leak. The refused listing is logged as a denial like any other.
    func s3Answer(to request: ServiceRequest, _ answer: ServiceResponse) -> ServiceResponse {
        guard let bucketARN = S3Store.missingObjectBucketARN(request, answer),
            access.check(
                [AuthorizationRequest(action: "s3:ListBucket", resource: bucketARN)], accessKeyID: request.accessKeyID)
                != nil
        else { return answer }
        var denied = ServiceResponse(
            status: 403, headers: answer.headers.filter { $0.name.lowercased() != "content-length" })
        denied.headers.removeAll { $0.name.lowercased() == "content-type" }
        denied.headers.append(("Content-Type", "application/xml"))
        if request.method != "HEAD" {
            denied.body = .bytes(Array(Self.s3ErrorDocument("AccessDenied", "Access Denied").utf8))
        }
        return denied
    }

    /// Lambda's Invoke: `lambda:InvokeFunction` on the function's ARN (with its qualifier, if any).
    private func lambdaAuthorizationRequests(path: String) -> [AuthorizationRequest] {
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count >= 3, parts[1] == "functions" else {
            return [AuthorizationRequest(action: "lambda:ListFunctions", resource: "*")]
        }
        var name = parts[2]
        if let range = name.range(of: "function:") { name = String(name[range.upperBound...]) }
        let action = parts.count == 4 && parts[3] == "invocations" ? "lambda:InvokeFunction" : "lambda:GetFunction"
        return [
            AuthorizationRequest(
                action: action, resource: "arn:aws:lambda:\(secrets.region):\(secrets.accountID):function:\(name)")
        ]
    }

    /// AWS's AccessDenied in each service's protocol.
    static func accessDenied(service: String, message: String) -> Response {
        switch service {
        case "s3":
            return s3Error(403, "AccessDenied", message)
        case "dynamodb":
            return json(400, type: "com.amazonaws.dynamodb.v20120810#AccessDeniedException", message: message)
        case "secretsmanager":
            return json(400, type: "AccessDeniedException", message: message, code: "AccessDeniedException")
        case "sqs":
            // The JSON protocol's type, and the query protocol's code for SDKs that map it.
            return json(
                403, type: "com.amazon.coral.service#AccessDeniedException", message: message,
                code: "AccessDeniedException", extra: [("x-amzn-query-error", "AccessDenied;Sender")])
        case "lambda":
            return error(403, "AccessDeniedException", message)
        default:
            return json(403, type: "AccessDeniedException", message: message, code: "AccessDeniedException")
        }
    }

    private static func json(
        _ status: Int, type: String, message: String, code: String? = nil, extra: [(String, String)] = []
    ) -> Response {
        let object = ["__type": type, "message": message]
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return .bytes(
            status,
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-ErrorType", code ?? type),
                ("x-amzn-RequestId", UUID().uuidString.lowercased()),
            ] + extra, body: Array(body))
    }
}
