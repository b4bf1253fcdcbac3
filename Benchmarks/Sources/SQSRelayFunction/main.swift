// The SQS latency benchmark's handler: for each record of its batch, sends `"{sent} {handled}"` (wall
// clock, microseconds: the body's own send time and the time this handler saw it) to REPLY_QUEUE_URL,
// so the client can measure the send → handler latency of the emulator's event-source mapping.
import Cloud
import Glibc
import Runtime

struct Relay: LambdaHandler {
    let sqs: SQSClient
    let replies: String

    init() throws {
        sqs = try SQSClient(configuration: .fromEnvironment())
        replies = try Environment.require("REPLY_QUEUE_URL")
    }

    func handle(_ event: JSONValue, context: LambdaContext) throws -> JSONValue {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let handled = Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
        for record in event["Records"]?.arrayValue ?? [] {
            _ = try sqs.sendMessage(queueURL: replies, body: "\(record["body"]?.stringValue ?? "0") \(handled)")
        }
        return .null
    }
}

Lambda.run { try Relay() }
