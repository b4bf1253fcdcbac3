import LocalIAM
import LocalSQS
import LocalStore
import Testing

/// Each SQS request's IAM action and queue ARN (batches are their single actions).
@Suite struct SQSAuthorizationTests {
    func needs(_ operation: String, _ body: String) throws -> [String] {
        try makeStore().authorizationRequests(
            for: ServiceRequest(
                method: "POST", rawPath: "/", query: [], headers: [("X-Amz-Target", "AmazonSQS.\(operation)")],
                body: .bytes(Array(body.utf8)), accessKeyID: "ASIA")
        ).map { "\($0.action) \($0.resource)" }
    }

    @Test func actionsAreOnTheQueueTheURLNames() throws {
        let url = #"{"QueueUrl":"http://127.0.0.1:4566/000000000000/jobs","#
        #expect(
            try needs("SendMessage", url + #""MessageBody":"x"}"#) == [
                "sqs:SendMessage arn:aws:sqs:us-east-1:000000000000:jobs"
            ])
        #expect(
            try needs("SendMessageBatch", url + #""Entries":[]}"#) == [
                "sqs:SendMessage arn:aws:sqs:us-east-1:000000000000:jobs"
            ])
        #expect(
            try needs("ChangeMessageVisibilityBatch", url + #""Entries":[]}"#)
                == ["sqs:ChangeMessageVisibility arn:aws:sqs:us-east-1:000000000000:jobs"])
        #expect(
            try needs("DeleteMessageBatch", url + #""Entries":[]}"#) == [
                "sqs:DeleteMessage arn:aws:sqs:us-east-1:000000000000:jobs"
            ])
        #expect(
            try needs("GetQueueUrl", #"{"QueueName":"jobs"}"#) == [
                "sqs:GetQueueUrl arn:aws:sqs:us-east-1:000000000000:jobs"
            ])
        #expect(try needs("ListQueues", "{}") == ["sqs:ListQueues *"])
    }
}
