import Foundation
import LocalSQS
import LocalStore

/// A store on a fresh database file in a temporary folder, with AWS seconds scaled by `scale`.
func makeStore(
    queues: [QueueConfig] = [QueueConfig(name: "jobs")], scale: Double = 0.01, path: String? = nil
) throws -> SQSStore {
    let file = path ?? temporaryDatabasePath()
    return try SQSStore(
        database: try SQLiteDatabase(path: file), queues: queues, endpoint: "http://127.0.0.1:4566",
        accountID: "000000000000", region: "us-east-1", timeScale: TimeScale(factor: scale))
}

func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sqs-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("state.sqlite").path
}

/// One JSON-protocol call's answer.
struct JSONAnswer {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [String: Any]

    var errorType: String? { body["__type"] as? String }
    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// Sends `AmazonSQS.<operation>` with `input` as its JSON body.
func call(_ store: SQSStore, _ operation: String, _ input: [String: Any] = [:]) async throws -> JSONAnswer {
    let data = try JSONSerialization.data(withJSONObject: input)
    let request = ServiceRequest(
        method: "POST", rawPath: "/", query: [],
        headers: [("X-Amz-Target", "AmazonSQS.\(operation)"), ("Content-Type", "application/x-amz-json-1.0")],
        body: .bytes(Array(data)), accessKeyID: "local")
    let response = await store.handle(request)
    guard case .bytes(let bytes) = response.body else { fatalError("SQS answers from memory") }
    let object = bytes.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:])
    return JSONAnswer(status: response.status, headers: response.headers, body: object)
}

let jobsURL = "http://127.0.0.1:4566/000000000000/jobs"

/// Sleeps for `seconds` of real time.
func pause(_ seconds: Double) async throws { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
