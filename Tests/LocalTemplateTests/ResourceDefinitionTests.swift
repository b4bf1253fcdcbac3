import LocalGateway
import LocalTemplate
import Testing

@Suite("Resource definitions beyond the project's template")
struct ResourceDefinitionTests {
    @Test func generatedNamesFollowCloudFormation() throws {
        let resources = """
              Uploads:
                Type: AWS::S3::Bucket
              Ordered:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
              Users:
                Type: AWS::Serverless::SimpleTable
                Properties:
                  PrimaryKey: {Name: userId, Type: Number}
            """
        let template = try Template.parse(yaml: TemplateSamples.function(value: "x", resources: resources))
        #expect(template.buckets["Uploads"]?.name == "transcriptor-local-uploads")
        #expect(template.queues["Ordered"]?.name == "transcriptor-local-Ordered.fifo")
        #expect(template.queues["Ordered"]?.fifo == true)
        #expect(
            template.tables["Users"]
                == TableDefinition(
                    logicalID: "Users", name: "transcriptor-local-Users",
                    partitionKey: KeyAttribute(name: "userId", type: "N")))
    }

    @Test func contentBasedDeduplicationIsReadForFIFOQueuesAndRefusedForStandardOnes() throws {
        let fifo = """
              Ordered:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
                  ContentBasedDeduplication: true
            """
        let template = try Template.parse(yaml: TemplateSamples.function(value: "x", resources: fifo))
        #expect(template.queues["Ordered"]?.contentBasedDeduplication == true)
        let standard = """
              Plain:
                Type: AWS::SQS::Queue
                Properties:
                  ContentBasedDeduplication: true
            """
        #expect(throws: (any Error).self) {
            try Template.parse(yaml: TemplateSamples.function(value: "x", resources: standard))
        }
    }

    @Test func implicitAPITakesCORSFromGlobals() throws {
        let sections = """
            Globals:
              HttpApi:
                CorsConfiguration:
                  AllowOrigins: ["https://app.example.com"]
                  AllowCredentials: true
                  MaxAge: 60
            """
        let template = try Template.parse(yaml: TemplateSamples.function(value: "x", sections: sections))
        #expect(template.httpAPI.logicalID == "ServerlessHttpApi")
        #expect(
            template.httpAPI.cors
                == CORSConfiguration(allowOrigins: ["https://app.example.com"], maxAge: 60, allowCredentials: true))
    }

    @Test func corsConfigurationTrueAllowsEverythingAndAbsentMeansNoCORS() throws {
        let api = """
              Api:
                Type: AWS::Serverless::HttpApi
                Properties:
                  CorsConfiguration: true
            """
        let open = try Template.parse(yaml: TemplateSamples.function(value: "x", resources: api))
        #expect(open.httpAPI.cors == CORSConfiguration(allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"]))
        #expect(try Template.parse(yaml: TemplateSamples.function(value: "x")).httpAPI.cors == nil)
    }

    @Test func eventsDefaultAsSAMDoes() throws {
        let yaml = """
            Resources:
              Work:
                Type: AWS::SQS::Queue
              Media:
                Type: AWS::S3::Bucket
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  PackageType: Image
                  ImageConfig: {Command: [fn]}
                  Events:
                    Catchall:
                      Type: HttpApi
                    Queue:
                      Type: SQS
                      Properties:
                        Queue: !Ref Work
                        MaximumBatchingWindowInSeconds: 2
                        Enabled: false
                    Audio:
                      Type: S3
                      Properties:
                        Bucket: !Ref Media
                        Events: [s3:ObjectCreated:Put, s3:ObjectRemoved:*]
                        Filter: {S3Key: {Rules: [{Name: suffix, Value: .wav}, {Name: Prefix, Value: in/}]}}
                    Nightly:
                      Type: Schedule
                      Properties:
                        Schedule: cron(0 3 * * ? *)
                        Enabled: false
                    Hourly:
                      Type: ScheduleV2
                      Properties:
                        ScheduleExpression: rate(1 hour)
                        State: DISABLED
            """
        let function = try #require(try Template.parse(yaml: yaml).functions["Fn"])
        #expect(function.timeoutSeconds == 3)
        #expect(function.memoryMB == 128)
        #expect(function.environment == [:])
        #expect(
            function.events == [
                "Catchall": .httpAPI(method: "ANY", path: "$default"),
                "Queue": .sqs(
                    queue: "Work", batchSize: 10, maximumBatchingWindowSeconds: 2, reportBatchItemFailures: false,
                    maximumConcurrency: nil, enabled: false),
                "Audio": .s3(
                    bucket: "Media", events: ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"], prefix: "in/",
                    suffix: ".wav"),
                "Nightly": .schedule(expression: "cron(0 3 * * ? *)", enabled: false, input: nil),
                "Hourly": .schedule(expression: "rate(1 hour)", enabled: false, input: nil),
            ])
    }

    @Test func eventInvokeConfigDefaultsToTwoRetriesAndTakesSuccessDestinations() throws {
        let yaml = """
            Resources:
              Done:
                Type: AWS::SQS::Queue
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  PackageType: Image
                  ImageConfig: {Command: [fn]}
                  EventInvokeConfig:
                    DestinationConfig:
                      OnSuccess: {Type: SQS, Destination: !GetAtt Done.Arn}
            """
        #expect(
            try Template.parse(yaml: yaml).functions["Fn"]?.eventInvokeConfig
                == EventInvokeConfig(maximumRetryAttempts: 2, onSuccessQueue: "Done"))
    }
}
