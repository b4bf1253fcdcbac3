import LocalGateway
import LocalTemplate
import Testing

@Suite("The project's template: storage, queues, API, parameters and outputs")
struct TemplateResourceTests {
    let template: Template

    init() throws {
        template = try Template.load(path: fixturePath("template.yaml"))
    }

    @Test func bucketIsNamedBySubWithItsCORSRules() throws {
        let bucket = try #require(template.buckets["MediaBucket"])
        #expect(bucket.logicalID == "MediaBucket")
        #expect(bucket.name == "transcriptor-local-media-000000000000")
        #expect(
            bucket.corsRules == [
                CORSRule(
                    allowedOrigins: ["*"], allowedMethods: ["PUT", "GET"], allowedHeaders: ["*"],
                    exposedHeaders: ["ETag"], maxAge: 3000)
            ])
    }

    @Test func queueWithoutNameGetsGeneratedNameURLAndRedrivePolicy() throws {
        let fetch = try #require(template.queues["FetchQueue"])
        #expect(
            fetch
                == QueueDefinition(
                    logicalID: "FetchQueue", name: "transcriptor-local-FetchQueue",
                    url: "http://127.0.0.1:4566/000000000000/transcriptor-local-FetchQueue",
                    arn: "arn:aws:sqs:us-east-1:000000000000:transcriptor-local-FetchQueue",
                    visibilityTimeoutSeconds: 900,
                    redrive: RedrivePolicy(deadLetterQueue: "FailuresQueue", maxReceiveCount: 3)))
    }

    @Test func queueAttributesDefaultAsInSQS() throws {
        let failures = try #require(template.queues["FailuresQueue"])
        #expect(failures.name == "transcriptor-local-failures")
        #expect(failures.visibilityTimeoutSeconds == 30)
        #expect(failures.messageRetentionSeconds == 1_209_600)
        #expect(failures.delaySeconds == 0)
        #expect(failures.receiveMessageWaitTimeSeconds == 0)
        #expect(failures.redrive == nil)
        #expect(!failures.fifo)
    }

    @Test func tableHasKeysIndexAndTimeToLive() throws {
        let table = try #require(template.tables["JobsTable"])
        #expect(
            table
                == TableDefinition(
                    logicalID: "JobsTable", name: "transcriptor-local-JobsTable",
                    partitionKey: KeyAttribute(name: "pk", type: "S"), sortKey: KeyAttribute(name: "sk", type: "S"),
                    globalSecondaryIndexes: [
                        IndexDefinition(
                            name: "gsi1", partitionKey: KeyAttribute(name: "gsi1pk", type: "S"),
                            sortKey: KeyAttribute(name: "gsi1sk", type: "N"), projectionType: "ALL")
                    ],
                    ttlAttribute: "expiresAt", streamEnabled: false))
    }

    @Test func httpAPICORSComesFromTheExplicitAPIOverGlobals() {
        #expect(template.httpAPI.logicalID == "Api")
        #expect(
            template.httpAPI.cors
                == CORSConfiguration(
                    allowOrigins: ["http://localhost:3000", "http://127.0.0.1:3000"],
                    allowMethods: ["GET", "POST", "PATCH", "DELETE"],
                    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key"], exposeHeaders: ["Retry-After"],
                    maxAge: 600, allowCredentials: false))
    }

    @Test func parametersResolveToDefaultsAsText() {
        #expect(
            template.parameters == [
                "Stage": "dev", "Engine": "whisper", "AlarmEmail": "ops@example.com", "MaxChunkSeconds": "300",
                "AllowedOrigins": "http://localhost:3000,http://127.0.0.1:3000",
            ])
    }

    @Test func falseConditionLeavesTheResourceAndItsOutputOut() {
        #expect(template.queues["ProdOnlyQueue"] == nil)
        #expect(template.queues.count == 2)
        #expect(template.outputs["ProdQueueUrl"] == nil)
    }

    @Test func overridesChangeParametersAndConditions() throws {
        let prod = try Template.load(path: fixturePath("template.yaml"), parameterOverrides: ["Stage": "prod"])
        #expect(prod.parameters["Stage"] == "prod")
        #expect(prod.queues["ProdOnlyQueue"]?.name == "prod-only")
        #expect(prod.outputs["ProdQueueUrl"] == "http://127.0.0.1:4566/000000000000/prod-only")
        #expect(prod.functions["FetchFunction"]?.environment["ENGINE_FLAG"] == nil)
        #expect(prod.functions["SweepFunction"]?.environment["LOG_LEVEL"] == "info")
    }

    @Test func unservedTypesAreListedAsIgnored() {
        #expect(
            template.ignoredResources == ["AlarmTopic": "AWS::SNS::Topic", "FailuresAlarm": "AWS::CloudWatch::Alarm"])
    }

    @Test func outputsResolveWherePossible() {
        #expect(
            template.outputs == [
                "ApiUrl": "https://api.execute-api.us-east-1.amazonaws.com",
                "MediaBucketName": "transcriptor-local-media-000000000000",
                "FetchQueueArn": "arn:aws:sqs:us-east-1:000000000000:transcriptor-local-FetchQueue",
            ])
    }

    @Test func contextSetsStackAccountRegionAndEndpoint() throws {
        let context = TemplateContext(
            stackName: "tx", accountID: "123456789012", region: "eu-west-1", awsEndpoint: "http://localhost:9000/")
        let other = try Template.load(path: fixturePath("template.yaml"), context: context)
        #expect(other.buckets["MediaBucket"]?.name == "tx-media-123456789012")
        #expect(other.queues["FetchQueue"]?.url == "http://localhost:9000/123456789012/tx-FetchQueue")
        #expect(other.queues["FailuresQueue"]?.arn == "arn:aws:sqs:eu-west-1:123456789012:tx-failures")
        #expect(other.functions["FetchFunction"]?.environment["ZONE"] == "eu-west-1a")
    }
}
