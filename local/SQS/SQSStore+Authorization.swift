import LocalIAM
import LocalStore

extension SQSStore {
    /// What IAM is asked about an SQS request (JSON protocol): `sqs:<Operation>` on the queue's ARN,
    /// the batch operations as their single actions (SendMessageBatch is `sqs:SendMessage`,
    /// DeleteMessageBatch `sqs:DeleteMessage`, ChangeMessageVisibilityBatch
    /// `sqs:ChangeMessageVisibility`), ListQueues on `*`.
    public func authorizationRequests(for request: ServiceRequest) -> [AuthorizationRequest] {
        let operation = String((request.header("x-amz-target") ?? "").dropFirst("AmazonSQS.".count))
        let action: String
        switch operation {
        case "SendMessageBatch": action = "SendMessage"
        case "DeleteMessageBatch": action = "DeleteMessage"
        case "ChangeMessageVisibilityBatch": action = "ChangeMessageVisibility"
        default: action = operation
        }
        let input = try? JSONInput(bytes: request.bodyBytes())
        let name: String?
        switch operation {
        case "ListQueues": name = nil
        case "CreateQueue", "GetQueueUrl": name = (try? input?.string("QueueName")) ?? nil
        default:
            if let url = (try? input?.string("QueueUrl")) ?? nil {
                name = queueName(fromURL: url)
            } else if request.rawPath.split(separator: "/").count == 2 {
                name = queueName(fromURL: request.rawPath)
            } else {
                name = nil
            }
        }
        return [AuthorizationRequest(action: "sqs:\(action)", resource: name.map(queueARN) ?? "*")]
    }
}
