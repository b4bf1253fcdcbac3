import Cloud
import Foundation
import HTTP
import TestSupport
import Testing

@testable import Runtime

/// The emulator's S3, SQS, DynamoDB and SES endpoints with our clients, the AWS CLI, and the event
/// wiring of the template (S3 → function, SQS → function, retries and OnFailure, redrive).
@Suite(.serialized) struct ServicesTests {
    let emulator: EmulatorHarness
    let log: String
    let configuration: AWSConfiguration
    let bucket = "transcriptor-local-media"

    init() throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("services-\(UUID().uuidString).log").path
        emulator = try EmulatorHarness(
            template: "services.yaml", environment: ["TIME_SCALE": "0.01"],
            config: "ECHO_LOG=\(log)\nECHO_FAIL_MATCH=uploads/poison\n")
        let endpoint = try Endpoint(url: emulator.aws)
        configuration = AWSConfiguration(
            region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
            endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) }))
    }

    /// The events the functions received so far.
    func events() -> [JSONValue] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSON.decode(JSONValue.self, from: String($0))
        }
    }

    func text(_ value: JSONValue) -> String { (try? JSON.encodeString(value)) ?? "" }

    /// SIGKILLs the emulator and serves its data folder again, logging events to the same file.
    func crashAndRestart() throws -> EmulatorHarness {
        emulator.crash()
        return try EmulatorHarness(
            template: "services.yaml", environment: ["TIME_SCALE": "0.01"], config: "ECHO_LOG=\(log)\n",
            reusing: emulator.dataDirectory)
    }

    @Test func s3ObjectCreatedUnderThePrefixInvokesTheFunctionWithAWSsEvent() throws {
        let s3 = try S3Client(configuration: configuration)
        try s3.putObject(
            bucket: bucket, key: "uploads/u1/j1/My Talk.mp3", body: .bytes(Array("ID3 audio".utf8)),
            contentType: "audio/mpeg")
        try s3.putObject(bucket: bucket, key: "renditions/u1/j1/audio.m4a", body: .bytes([1]))
        try waitFor { events().contains { $0["Records"]?[0]?["s3"]?["object"]?["key"] == "uploads/u1/j1/My+Talk.mp3" } }
        let event = try #require(events().first { $0["Records"] != nil })
        let record = try #require(event["Records"]?[0])
        #expect(record["eventSource"] == "aws:s3")
        #expect(record["eventName"] == "ObjectCreated:Put")
        #expect(record["s3"]?["bucket"]?["name"] == .string(bucket))
        #expect(record["s3"]?["object"]?["size"] == 9)
        #expect(record["s3"]?["object"]?["sequencer"]?.stringValue?.isEmpty == false)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(!events().contains { text($0).contains("renditions/") }, "keys outside the prefix trigger nothing")
    }

    @Test func failingAsyncInvocationIsRetriedTwiceThenLandsInTheFailureQueue() throws {
        let s3 = try S3Client(configuration: configuration)
        try s3.putObject(bucket: bucket, key: "uploads/poison.wav", body: .bytes([0]))
        let sqs = try SQSClient(configuration: configuration)
        let failures = try sqs.getQueueURL(name: "transcriptor-local-Failures")
        var received: [SQSClient.Message] = []
        try waitFor(timeout: 20) {
            received += (try? sqs.receiveMessages(queueURL: failures, maxMessages: 10, waitSeconds: 1)) ?? []
            return !received.isEmpty
        }
        let record = try JSON.decode(JSONValue.self, from: received[0].body)
        #expect(record["requestContext"]?["condition"] == "RetriesExhausted")
        #expect(record["requestContext"]?["approximateInvokeCount"] == 3)
        #expect(record["requestPayload"]?["Records"]?[0]?["s3"]?["object"]?["key"] == "uploads/poison.wav")
        #expect(events().filter { text($0).contains("uploads/poison.wav") }.count == 3, "one try and two retries")
    }

    @Test func sqsMessagesReachTheFunctionInBatchesAndAreDeleted() throws {
        let sqs = try SQSClient(configuration: configuration)
        let work = try sqs.getQueueURL(name: "transcriptor-local-Work")
        for index in 0..<3 { _ = try sqs.sendMessage(queueURL: work, body: #"{"job":"\#(index)"}"#) }
        try waitFor {
            let bodies = events().flatMap { $0["Records"]?.arrayValue ?? [] }.compactMap { $0["body"]?.stringValue }
            return (0..<3).allSatisfy { index in bodies.contains(#"{"job":"\#(index)"}"#) }
        }
        try waitFor { (try? sqs.getQueueAttributes(url: work)["ApproximateNumberOfMessages"]) == "0" }
        // Each message once; the mapping's batching window (10 s, 0.1 s at TIME_SCALE 0.01) gathers
        // messages that arrive together, so the two pollers cannot have taken them one by one.
        let batches = events().compactMap { $0["Records"]?.arrayValue }.filter { $0.first?["eventSource"] == "aws:sqs" }
        #expect(batches.map(\.count).reduce(0, +) == 3)
        #expect(batches.contains { $0.count > 1 })
        let record = try #require(
            events().flatMap { $0["Records"]?.arrayValue ?? [] }.first { $0["eventSource"] == "aws:sqs" })
        #expect(record["eventSourceARN"] == "arn:aws:sqs:us-east-1:000000000000:transcriptor-local-Work")
        #expect(record["attributes"]?["ApproximateReceiveCount"] == "1")
    }

    @Test func clientsWorkAgainstTheEndpoint() throws {
        let s3 = try S3Client(configuration: configuration)
        for index in 0..<7 { try s3.putObject(bucket: bucket, key: "list/\(index)", body: .bytes([UInt8(index)])) }
        let page = try s3.listObjects(bucket: bucket, prefix: "list/", maxKeys: 5)
        #expect(page.objects.count == 5 && page.isTruncated)
        #expect(try s3.listAllObjects(bucket: bucket, prefix: "list/").count == 7)
        let first = try s3.putObject(bucket: bucket, key: "cond", body: .bytes([1]), ifNoneMatch: true)
        #expect { try s3.putObject(bucket: bucket, key: "cond", body: .bytes([2]), ifNoneMatch: true) } throws: {
            ($0 as? AWSError)?.code == "PreconditionFailed"
        }
        try s3.putObject(bucket: bucket, key: "cond", body: .bytes([3]), ifMatch: first)
        #expect(try s3.getObject(bucket: bucket, key: "cond", range: 0...0).body == [3])
        #expect(try s3.deletePrefix(bucket: bucket, prefix: "list/") == 7)

        let db = try DynamoDBClient(configuration: configuration)
        try db.putItem(
            table: "transcriptor-local-Table", item: ["pk": .s("U#1"), "sk": .s("JOB#1"), "n": .n("1")],
            condition: "attribute_not_exists(pk)")
        #expect {
            try db.putItem(
                table: "transcriptor-local-Table", item: ["pk": .s("U#1"), "sk": .s("JOB#1")],
                condition: "attribute_not_exists(pk)")
        } throws: {
            ($0 as? AWSError)?.code == "ConditionalCheckFailedException"
        }
        let updated = try db.updateItem(
            table: "transcriptor-local-Table", key: ["pk": .s("U#1"), "sk": .s("JOB#1")],
            update: "ADD n :one", values: [":one": .n("41")], returnValues: .allNew)
        #expect(updated?["n"] == .n("42"))

        let ses = try SESClient(configuration: configuration)
        try ses.sendEmail(
            .init(
                from: "noreply@transcriptor.test", to: ["ada@example.com"], subject: "Reset your password",
                text: "Open http://127.0.0.1:3000/reset?token=abc\nThanks"))
        let mail = try JSON.decode(JSONValue.self, from: emulator.request(.get, "/_local/mail.json").body)
        #expect(mail[0]?["subject"] == "Reset your password")
        #expect(
            try emulator.request(.get, "/_local/mail").bodyText.contains(
                #"<a href="http://127.0.0.1:3000/reset?token=abc">"#))
    }

    @Test func wrongSignaturesGetAWSsErrors() throws {
        var bad = configuration
        bad.credentials = AWSCredentials(accessKeyID: "local", secretAccessKey: "wrong")
        #expect { try S3Client(configuration: bad).getObject(bucket: bucket, key: "x") } throws: {
            ($0 as? AWSError)?.code == "SignatureDoesNotMatch" && ($0 as? AWSError)?.status == 403
        }
        #expect { try SQSClient(configuration: bad).getQueueURL(name: "transcriptor-local-Work") } throws: {
            ($0 as? AWSError)?.status == 403
        }
        let s3 = try S3Client(configuration: configuration)
        let expired = s3.presignedGetURL(bucket: bucket, key: "x", expires: 1, at: .now().adding(seconds: -3600))
        #expect(try HTTPClient().execute(HTTPRequest(.get, url: expired)).status == 403)
    }

    @Test func stateSurvivesAKilledEmulator() throws {
        let s3 = try S3Client(configuration: configuration)
        try s3.putObject(bucket: bucket, key: "durable/a", body: .bytes(Array("kept".utf8)))
        let sqs = try SQSClient(configuration: configuration)
        let failures = try sqs.getQueueURL(name: "transcriptor-local-Failures")
        _ = try sqs.sendMessage(queueURL: failures, body: "still here")
        emulator.crash()
        let again = try EmulatorHarness(template: "services.yaml", reusing: emulator.dataDirectory)
        defer { again.stop() }
        var restarted = configuration
        restarted.endpoints = Dictionary(
            uniqueKeysWithValues: AWSService.allCases.map { ($0, try! Endpoint(url: again.aws)) })
        let keys = try S3Client(configuration: restarted).listAllObjects(bucket: bucket, prefix: "")
        #expect(keys.map(\.key) == ["durable/a"])
        #expect(
            try S3Client(configuration: restarted).getObject(bucket: bucket, key: "durable/a").body
                == Array("kept".utf8))
        let queue = try SQSClient(configuration: restarted)
        let messages = try queue.receiveMessages(
            queueURL: try queue.getQueueURL(name: "transcriptor-local-Failures"), maxMessages: 10)
        #expect(messages.map(\.body).contains("still here"))
    }

    @Test func templateSecretsAreMadeOnceAndTheirVersionsSurviveAKilledEmulator() throws {
        let secrets = try SecretsManagerClient(configuration: configuration)
        let generated = try secrets.getSecretValue(secretID: "local/api-key")
        let rotated = try secrets.putSecretValue(secretID: generated.arn, string: "the second key")
        let restarted = try crashAndRestart()
        var again = configuration
        again.endpoints = Dictionary(
            uniqueKeysWithValues: AWSService.allCases.map { ($0, try! Endpoint(url: restarted.aws)) })
        let after = try SecretsManagerClient(configuration: again)
        let current = try after.getSecretValue(secretID: "local/api-key")
        #expect(current.secretString == "the second key" && current.versionID == rotated.versionID)
        let previous = try after.getSecretValue(secretID: "local/api-key", stage: SecretsManagerClient.previous)
        #expect(
            previous.secretString == generated.secretString && previous.versionID == generated.versionID,
            "not generated again on a restart")
        #expect(generated.secretString?.count == 40)
    }

    @Test func aMessageTheFunctionKeepsFailingIsRedrivenToTheDeadLetterQueue() throws {
        let sqs = try SQSClient(configuration: configuration)
        let work = try sqs.getQueueURL(name: "transcriptor-local-Work")
        let failures = try sqs.getQueueURL(name: "transcriptor-local-Failures")
        _ = try sqs.sendMessage(queueURL: work, body: #"{"source":"uploads/poison-message"}"#)
        var dead: [SQSClient.Message] = []
        try waitFor(timeout: 20) {
            dead += (try? sqs.receiveMessages(queueURL: failures, maxMessages: 10, waitSeconds: 1)) ?? []
            return dead.contains { $0.body.contains("poison-message") }
        }
        let attempts = events().filter { text($0).contains("poison-message") }.count
        #expect(attempts == 2, "received maxReceiveCount (2) times, then moved")
    }

    @Test func anEventWhoseDeliveryWasCutByAKillIsDeliveredAfterTheRestart() throws {
        let s3 = try S3Client(configuration: configuration)
        try s3.putObject(bucket: bucket, key: "uploads/killed/source.wav", body: .bytes([1, 2, 3]))
        // Killed at once: the object is acknowledged; its event may or may not have gone out.
        let again = try crashAndRestart()
        defer { again.stop() }
        try waitFor { events().contains { text($0).contains("uploads/killed/source.wav") } }
        Thread.sleep(forTimeInterval: 0.5)
        let deliveries = events().filter { text($0).contains("uploads/killed/source.wav") }.count
        #expect(deliveries >= 1 && deliveries <= 2, "at least once; a duplicate only if the kill came mid-delivery")
    }

    @Test func messagesOfABatchCutByAKillAreDeliveredAfterTheRestart() throws {
        let sqs = try SQSClient(configuration: configuration)
        let work = try sqs.getQueueURL(name: "transcriptor-local-Work")
        for index in 0..<5 { _ = try sqs.sendMessage(queueURL: work, body: #"{"killed":"\#(index)"}"#) }
        // Killed while the batch is gathered, delivered or being deleted: every send was acknowledged.
        Thread.sleep(forTimeInterval: 0.05)
        let again = try crashAndRestart()
        defer { again.stop() }
        let endpoint = try Endpoint(url: again.aws)
        let restarted = try SQSClient(
            configuration: AWSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "local", secretAccessKey: "local-secret"),
                endpoints: Dictionary(uniqueKeysWithValues: AWSService.allCases.map { ($0, endpoint) })))
        try waitFor(timeout: 30) {
            let bodies = events().flatMap { $0["Records"]?.arrayValue ?? [] }.compactMap { $0["body"]?.stringValue }
            return (0..<5).allSatisfy { index in bodies.contains(#"{"killed":"\#(index)"}"#) }
        }
        try waitFor(timeout: 30) {
            let attributes = try? restarted.getQueueAttributes(url: work)
            return attributes?["ApproximateNumberOfMessages"] == "0"
                && attributes?["ApproximateNumberOfMessagesNotVisible"] == "0"
        }
    }
}
