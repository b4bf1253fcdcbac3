import LocalIAM
import LocalStore
import Runtime

extension SecretsStore {
    /// What IAM is asked about a Secrets Manager request: `secretsmanager:<Operation>` on the
    /// secret's full ARN (`…:secret:<name>-<6 characters>`), whether the request names it by name,
    /// by full ARN or by partial ARN; ListSecrets on `*`.
    func authorizationRequests(for request: ServiceRequest) -> [AuthorizationRequest] {
        let operation = String((request.header("x-amz-target") ?? "").dropFirst("secretsmanager.".count))
        guard operation != "ListSecrets" else {
            return [AuthorizationRequest(action: "secretsmanager:ListSecrets", resource: "*")]
        }
        let input = (try? request.bodyBytes()).flatMap { try? JSON.decode(JSONValue.self, from: $0) }
        let id = input?["SecretId"]?.stringValue ?? input?["Name"]?.stringValue ?? ""
        let resource: String
        if let secret = try? find(id) {
            resource = secret.arn
        } else {
            resource = id.hasPrefix("arn:") ? id : "arn:aws:secretsmanager:\(region):\(accountID):secret:\(id)"
        }
        return [AuthorizationRequest(action: "secretsmanager:\(operation)", resource: resource)]
    }
}
