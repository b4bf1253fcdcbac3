// SQS latency, one message at a time, as p50 and p99 in milliseconds.
//
//   sqs-latency ENDPOINT COUNT consumer
//       send → receive: a second thread long-polls the queue (WaitTimeSeconds 20) and notes when
//       each message arrived; the peer comparison, since moto has no event-source mappings.
//   sqs-latency ENDPOINT COUNT handler REQUEST_QUEUE REPLY_QUEUE
//       send → handler: the emulator's event-source mapping delivers REQUEST_QUEUE's messages to
//       sqs-relay-function, which reports on REPLY_QUEUE when it saw each one.
//
// Output: "sqs_latency p50_ms p99_ms".
import Cloud
import Foundation
import Glibc
import Runtime

func wallMicros() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, let count = Int(arguments[2]), ["consumer", "handler"].contains(arguments[3]) else {
    print("usage: sqs-latency ENDPOINT COUNT consumer | handler REQUEST_QUEUE REPLY_QUEUE")
    exit(2)
}
let endpointURL = arguments[1]

@Sendable func client(_ url: String) throws -> SQSClient {
    let endpoint = try Endpoint(url: url)
    return try SQSClient(
        configuration: AWSConfiguration(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
            endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) })))
}

let sqs = try client(endpointURL)
let requests: String
let replies: String
if arguments[3] == "handler" {
    guard arguments.count == 6 else { print("handler needs REQUEST_QUEUE REPLY_QUEUE"); exit(2) }
    requests = try sqs.getQueueURL(name: arguments[4])
    replies = try sqs.getQueueURL(name: arguments[5])
} else {
    let suffix = String(RandomBytes.uuid().prefix(8))
    requests = try sqs.createQueue(name: "latency-requests-\(suffix)")
    replies = try sqs.createQueue(name: "latency-replies-\(suffix)")
    // The consumer: long-polls the requests and answers each with the time it arrived.
    let (queue, answers, total) = (requests, replies, count + 10)
    let url = endpointURL
    let consumer = Thread {
        do {
            let sqs = try client(endpointURL)
            var seen = 0
            while seen < total {
                for message in try sqs.receiveMessages(queueURL: queue, maxMessages: 1, waitSeconds: 20) {
                    let arrived = wallMicros()
                    try sqs.deleteMessage(queueURL: queue, receiptHandle: message.receiptHandle)
                    _ = try sqs.sendMessage(queueURL: answers, body: "\(message.body) \(arrived)")
                    seen += 1
                }
            }
        } catch {
            print("consumer: \(error)")
            exit(1)
        }
    }
    consumer.start()
}

var latencies: [Double] = []
// Ten unmeasured round trips first: connections opened and the handler's process warm.
for index in 0..<(count + 10) {
    _ = try sqs.sendMessage(queueURL: requests, body: String(wallMicros()))
    var reply: [SQSClient.Message] = []
    while reply.isEmpty { reply = try sqs.receiveMessages(queueURL: replies, maxMessages: 1, waitSeconds: 20) }
    try sqs.deleteMessage(queueURL: replies, receiptHandle: reply[0].receiptHandle)
    let times = reply[0].body.split(separator: " ").compactMap { Int64($0) }
    guard times.count == 2 else { print("unexpected reply: \(reply[0].body)"); exit(1) }
    if index >= 10 { latencies.append(Double(times[1] - times[0]) / 1000) }
}
let sorted = latencies.sorted()
let p50 = sorted[sorted.count / 2]
let p99 = sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
print("sqs_latency " + String(format: "%.2f %.2f", p50, p99))
