import Foundation
import LocalTemplate
import Testing

/// The path of a fixture in `Fixtures/`.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

@Suite("The project's template, read for the emulator")
struct TemplateFixtureTests {
    let template: Template

    init() throws {
        template = try Template.load(path: fixturePath("template.yaml"))
    }

    @Test func functionsAreKeyedByLogicalIDAndNamedByIt() {
        #expect(
            template.functions.keys.sorted() == ["ApiFunction", "FetchFunction", "IngestFunction", "SweepFunction"])
        #expect(template.functions["ApiFunction"]?.name == "ApiFunction")
    }

    @Test func commandGivesExecutableAndArguments() throws {
        let ingest = try #require(template.functions["IngestFunction"])
        #expect(ingest.executable == "ingest")
        #expect(ingest.arguments == ["--mode", "upload"])
        #expect(template.functions["FetchFunction"]?.executable == "fetch")
        #expect(template.functions["FetchFunction"]?.arguments == [])
    }

    @Test func globalsSetTimeoutAndMemoryUnlessTheFunctionDoes() throws {
        let api = try #require(template.functions["ApiFunction"])
        #expect(api.timeoutSeconds == 30)
        #expect(api.memoryMB == 256)
        #expect(api.reservedConcurrency == 50)
        let fetch = try #require(template.functions["FetchFunction"])
        #expect(fetch.timeoutSeconds == 900)
        #expect(fetch.memoryMB == 512)
        #expect(fetch.reservedConcurrency == nil)
    }

    @Test func globalEnvironmentMergesUnderTheFunctionsOwn() throws {
        let api = try #require(template.functions["ApiFunction"])
        #expect(
            api.environment == [
                "STAGE": "dev",
                "LOG_LEVEL": "warning",
                "MEDIA_BUCKET": "transcriptor-local-media-000000000000",
                "JOBS_TABLE": "transcriptor-local-JobsTable",
                "DEBUG": "true",
                "FETCH_QUEUE_URL": "http://127.0.0.1:4566/000000000000/transcriptor-local-FetchQueue",
            ])
        #expect(template.functions["SweepFunction"]?.environment["LOG_LEVEL"] == "debug")
    }

    @Test func intrinsicsInEnvironmentResolve() throws {
        let environment = try #require(template.functions["FetchFunction"]?.environment)
        #expect(environment["MAX_CHUNK_SECONDS"] == "300")
        #expect(environment["FAILURES_QUEUE_ARN"] == "arn:aws:sqs:us-east-1:000000000000:transcriptor-local-failures")
        #expect(environment["ENGINE_FLAG"] == "whisper-cpp")
        #expect(environment["REGION_URL"] == "https://s3.us-east-1.amazonaws.com")
        #expect(environment["FIRST_ORIGIN"] == "http://localhost:3000")
        #expect(environment["ZONE"] == "us-east-1a")
        #expect(environment["LITERAL"] == "${NotAVariable}-dev")
    }

    @Test func httpAPIEventsHaveUppercasedMethodsAndPaths() throws {
        let events = try #require(template.functions["ApiFunction"]?.events)
        #expect(
            events == [
                "CreateJob": .httpAPI(method: "POST", path: "/v1/jobs"),
                "GetJob": .httpAPI(method: "GET", path: "/v1/jobs/{id}"),
                "Everything": .httpAPI(method: "ANY", path: "/v1/{proxy+}"),
            ])
    }

    @Test func s3EventNamesTheBucketByLogicalIDWithItsPrefixFilter() {
        #expect(
            template.functions["IngestFunction"]?.events["Upload"]
                == .s3(bucket: "MediaBucket", events: ["s3:ObjectCreated:*"], prefix: "uploads/", suffix: nil))
    }

    @Test func sqsEventCarriesBatchingAndScaling() {
        #expect(
            template.functions["FetchFunction"]?.events["Fetch"]
                == .sqs(
                    queue: "FetchQueue", batchSize: 5, maximumBatchingWindowSeconds: 0, reportBatchItemFailures: true,
                    maximumConcurrency: 4, enabled: true))
    }

    @Test func scheduleEventCarriesExpressionAndInput() {
        #expect(
            template.functions["SweepFunction"]?.events["Every5Minutes"]
                == .schedule(expression: "rate(5 minutes)", enabled: true, input: #"{"kind":"sweep"}"#))
    }

    @Test func eventInvokeConfigSendsFailuresToTheQueueByLogicalID() {
        #expect(
            template.functions["IngestFunction"]?.eventInvokeConfig
                == EventInvokeConfig(
                    maximumRetryAttempts: 1, maximumEventAgeSeconds: 3600, onFailureQueue: "FailuresQueue",
                    onSuccessQueue: nil))
        #expect(template.functions["ApiFunction"]?.eventInvokeConfig == nil)
    }
}
