import Foundation
import TestSupport
import Testing

@testable import Cloud

/// Retries with backoff: transient failures of idempotent calls and throttling of any call are
/// retried, a bounded number of times; other failures are not.
@Suite struct RetryTests {
    final class Counter: @unchecked Sendable {
        // @unchecked Sendable: guarded by `lock`.
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1; return value
            }
        }
        var count: Int { lock.withLock { value } }
    }

    func configuration(_ server: LoopbackHTTPServer) throws -> AWSConfiguration {
        AWSConfiguration(
            region: "us-east-1", credentials: .init(accessKeyID: "k", secretAccessKey: "s"),
            endpoints: [.dynamodb: try Endpoint(url: server.baseURL), .sqs: try Endpoint(url: server.baseURL)],
            maxAttempts: 3)
    }

    @Test func transientServerErrorsOfIdempotentCallsAreRetriedThenSucceed() throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            counter.next() < 3
                ? .text(503, #"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"busy"}"#)
                : .text(200, #"{"Item":{"pk":{"S":"a"}}}"#)
        }
        defer { server.stop() }
        let db = try DynamoDBClient(configuration: configuration(server))
        var slept: [Duration] = []
        db.transport.sleep = { slept.append($0) }
        #expect(try db.getItem(table: "t", key: ["pk": .s("a")])?["pk"] == .s("a"))
        #expect(counter.count == 3)
        #expect(slept.count == 2)
        #expect(slept.allSatisfy { $0 <= .milliseconds(100) }, "full jitter below base·2ⁿ")
    }

    @Test func retriesAreBoundedAndTheLastErrorCarriesCodeStatusAndRequestID() throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            _ = counter.next()
            return .text(
                400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#,
                headers: [("x-amzn-RequestId", "REQ123")])
        }
        defer { server.stop() }
        let db = try DynamoDBClient(configuration: configuration(server))
        db.transport.sleep = { _ in }
        #expect { try db.putItem(table: "t", item: ["pk": .s("a")]) } throws: {
            let error = $0 as? AWSError
            return error?.code == "ThrottlingException" && error?.status == 400 && error?.requestID == "REQ123"
        }
        #expect(counter.count == 3)
    }

    @Test func nonIdempotentCallsAreNotRetriedAfterAServerError() throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            _ = counter.next()
            return .text(500, #"{"__type":"com.amazonaws.sqs#InternalError","message":"oops"}"#)
        }
        defer { server.stop() }
        let sqs = try SQSClient(configuration: configuration(server))
        sqs.transport.sleep = { _ in }
        #expect { try sqs.sendMessage(queueURL: "\(server.baseURL)/000000000000/q", body: "x") } throws: {
            ($0 as? AWSError)?.code == "InternalError"
        }
        #expect(counter.count == 1, "a send that may have reached the queue is not sent twice")
    }

    @Test func clientErrorsAreNotRetried() throws {
        let counter = Counter()
        let server = try LoopbackHTTPServer { _ in
            _ = counter.next()
            return .text(400, #"{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad key"}"#)
        }
        defer { server.stop() }
        let db = try DynamoDBClient(configuration: configuration(server))
        #expect { try db.getItem(table: "t", key: [:]) } throws: { ($0 as? AWSError)?.code == "ValidationException" }
        #expect(counter.count == 1)
    }

    @Test func endpointsAndRegionComeFromTheEnvironmentAsTheSDKsRead() throws {
        let saved = [
            "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3",
        ]
        .map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        setenv("AWS_REGION", "eu-west-1", 1)
        setenv("AWS_ACCESS_KEY_ID", "AKID", 1)
        setenv("AWS_SECRET_ACCESS_KEY", "SECRET", 1)
        setenv("AWS_SESSION_TOKEN", "TOKEN", 1)
        setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", 1)
        setenv("AWS_ENDPOINT_URL_S3", "http://localhost:9000/", 1)
        let configuration = try AWSConfiguration.fromEnvironment()
        #expect(configuration.region == "eu-west-1")
        #expect(
            configuration.credentials
                == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
        #expect(configuration.endpoint(for: .s3).endpoint.baseURL == "http://localhost:9000")
        #expect(configuration.endpoint(for: .dynamodb).endpoint.baseURL == "http://127.0.0.1:4566")
        unsetenv("AWS_ENDPOINT_URL")
        unsetenv("AWS_ENDPOINT_URL_S3")
        let aws = try AWSConfiguration.fromEnvironment()
        #expect(
            aws.endpoint(for: .sqs) == (
                Endpoint(scheme: "https", host: "sqs.eu-west-1.amazonaws.com", port: nil), false
            ))
        #expect(throws: (any Error).self) { try Endpoint(url: "ftp://x") }
    }
}
