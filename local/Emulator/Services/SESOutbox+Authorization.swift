import Foundation
import LocalIAM
import LocalStore

extension SESOutbox {
    /// What IAM is asked about an SES v2 request: SendEmail is `ses:SendEmail` on the sending
    /// identity (`arn:aws:ses:<region>:<account>:identity/<address>`, or the identity ARN the
    /// request names); CreateEmailIdentity is `ses:CreateEmailIdentity` on the identity it creates.
    func authorizationRequests(
        for request: ServiceRequest, region: String, accountID: String
    ) -> [AuthorizationRequest] {
        let input =
            (try? request.bodyBytes()).flatMap { try? JSONSerialization.jsonObject(with: Data($0)) }
            as? [String: Any] ?? [:]
        func identity(_ name: String) -> String { "arn:aws:ses:\(region):\(accountID):identity/\(name)" }
        switch request.rawPath {
        case "/v2/email/outbound-emails":
            let from = input["FromEmailAddress"] as? String ?? ""
            let resource = input["FromEmailAddressIdentityArn"] as? String ?? identity(Self.address(in: from))
            return [AuthorizationRequest(action: "ses:SendEmail", resource: resource)]
        case "/v2/email/identities":
            let name = input["EmailIdentity"] as? String ?? "*"
            return [AuthorizationRequest(action: "ses:CreateEmailIdentity", resource: identity(name))]
        default:
            return [AuthorizationRequest(action: "ses:\(request.method)", resource: "*")]
        }
    }

    /// The address of `Name <address>` (or the text itself).
    static func address(in mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close else {
            return mailbox.trimmingCharacters(in: .whitespaces)
        }
        return String(mailbox[mailbox.index(after: open)..<close])
    }
}
