// Invocations through the emulator's Invoke API, back to back on one keep-alive connection, signed
// as the AWS SDKs sign: invocations per second and the latency distribution.
//
//   emulator-throughput AWS_ENDPOINT FUNCTION COUNT   ->  "emulator inv_per_s p50_us p99_us"
import Cloud
import Glibc
import HTTP
import Runtime

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let count = Int(arguments[3]) else {
    print("usage: emulator-throughput AWS_ENDPOINT FUNCTION COUNT")
    exit(2)
}
let endpoint = try Endpoint(url: arguments[1])
let signer = SigV4(
    credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"), region: "us-east-1",
    service: "lambda")
let client = try HTTPClient()
let body = Array(#"{"hello":"world","n":42}"#.utf8)
let bodyHash = Digest.sha256Hex(body)
let path = "/2015-03-31/functions/\(arguments[2])/invocations"

@MainActor func invoke() throws -> Double {
    var request = SignableRequest(method: "POST", path: path, headers: [("Host", endpoint.hostHeader)])
    signer.sign(&request, payloadHash: bodyHash, at: .now())
    let started = now()
    let response = try client.execute(
        HTTPRequest(
            .post, url: endpoint.baseURL + path,
            headers: request.headers.filter { $0.name != "Host" }, body: .bytes(body)))
    precondition(
        response.status == 200 && response.header("X-Amz-Function-Error") == nil,
        "invocation failed: \(response.status)")
    return now() - started
}

for _ in 0..<50 { _ = try invoke() }
var latencies: [Double] = []
let started = now()
for _ in 0..<count { latencies.append(try invoke()) }
let elapsed = now() - started
latencies.sort()
print(
    "emulator \(Int(Double(count) / elapsed)) \(Int(latencies[count / 2] * 1e6)) \(Int(latencies[count * 99 / 100] * 1e6))"
)
