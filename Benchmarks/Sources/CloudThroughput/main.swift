// PutObject/GetObject throughput of our S3 client against an S3-compatible endpoint, streaming a
// file of SIZE_MB from and to disk, and the process's peak RSS (which must not grow with the file).
//
//   cloud-throughput ENDPOINT SIZE_MB   ->  "s3 put_MBps get_MBps peak_rss_kb"
import Cloud
import Glibc
import HTTP
import Runtime

func seconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let megabytes = Int(arguments[2]) else {
    print("usage: cloud-throughput ENDPOINT SIZE_MB")
    exit(2)
}
let configuration = AWSConfiguration(
    region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
    endpoints: [.s3: try Endpoint(url: arguments[1])])
let s3 = try S3Client(configuration: configuration)
let bucket = "bench-\(RandomBytes.uuid().prefix(8))"
try s3.createBucket(bucket)

let source = "/tmp/cloud-throughput-\(getpid()).src"
let target = "/tmp/cloud-throughput-\(getpid()).dst"
defer {
    unlink(source)
    unlink(target)
}
let fd = open(source, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
var block = RandomBytes.generate(count: 1 << 20)
for _ in 0..<megabytes { _ = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } }
close(fd)

var start = seconds()
try s3.putObject(bucket: bucket, key: "big.bin", body: .file(path: source), contentType: "application/octet-stream")
let put = Double(megabytes) / (seconds() - start)
start = seconds()
let info = try s3.getObject(bucket: bucket, key: "big.bin", toFile: target)
let get = Double(megabytes) / (seconds() - start)
precondition(info.size == Int64(megabytes) << 20, "size mismatch")
try s3.deleteObject(bucket: bucket, key: "big.bin")
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("s3 \(Int(put)) \(Int(get)) \(usage.ru_maxrss)")
