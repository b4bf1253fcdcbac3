// Operations per second of the SQS and DynamoDB clients against an AWS-compatible endpoint (the
// emulator or moto), one client, requests back to back.
//
//   service-throughput ENDPOINT COUNT   ->  "services sqs_send_per_s sqs_receive_delete_per_s ddb_put_per_s ddb_get_per_s ddb_query_per_s"
import Cloud
import Glibc
import Runtime

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func rate(_ count: Int, _ body: () throws -> Void) rethrows -> Int {
    let started = now()
    try body()
    return Int(Double(count) / (now() - started))
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    print("usage: service-throughput ENDPOINT COUNT")
    exit(2)
}
let endpoint = try Endpoint(url: arguments[1])
let configuration = AWSConfiguration(
    region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
    endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
let suffix = String(RandomBytes.uuid().prefix(8))

let sqs = try SQSClient(configuration: configuration)
let queue = try sqs.createQueue(name: "bench-\(suffix)")
let send = try rate(count) {
    for index in 0..<count { _ = try sqs.sendMessage(queueURL: queue, body: "message \(index)") }
}
var received = 0
let receiveDelete = try rate(count) {
    while received < count {
        let messages = try sqs.receiveMessages(queueURL: queue, maxMessages: 10, waitSeconds: 1)
        for message in messages { try sqs.deleteMessage(queueURL: queue, receiptHandle: message.receiptHandle) }
        received += messages.count
    }
}

let db = try DynamoDBClient(configuration: configuration)
let table = "bench-\(suffix)"
try db.createTable(table, key: .init(partitionKey: "pk", sortKey: "sk"))
let put = try rate(count) {
    for index in 0..<count {
        try db.putItem(
            table: table,
            item: ["pk": .s("user#\(index % 10)"), "sk": .s("job#\(index)"), "title": .s("Talk \(index)")])
    }
}
let get = try rate(count) {
    for index in 0..<count {
        _ = try db.getItem(table: table, key: ["pk": .s("user#\(index % 10)"), "sk": .s("job#\(index)")])
    }
}
let query = try rate(count) {
    for index in 0..<count {
        _ = try db.query(table: table, keyCondition: "pk = :pk", values: [":pk": .s("user#\(index % 10)")], limit: 20)
    }
}
print("services \(send) \(receiveDelete) \(put) \(get) \(query)")
