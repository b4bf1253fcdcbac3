import Testing

@testable import Runtime

/// Event types decoded from payloads shaped as AWS documents them (values of our own).
@Suite struct EventTests {
    @Test func httpAPIRequestDecodesEveryDocumentedField() throws {
        let payload = #"""
            {
              "version": "2.0",
              "routeKey": "POST /v1/jobs/{id}",
              "rawPath": "/v1/jobs/j-42",
              "rawQueryString": "format=srt&lang=en",
              "cookies": ["theme=dark", "session = abc"],
              "headers": {"content-type": "application/json", "x-forwarded-for": "198.51.100.7"},
              "queryStringParameters": {"format": "srt", "lang": "en"},
              "pathParameters": {"id": "j-42"},
              "requestContext": {
                "accountId": "123456789012",
                "apiId": "api1",
                "domainName": "api1.execute-api.us-east-1.amazonaws.com",
                "domainPrefix": "api1",
                "http": {"method": "POST", "path": "/v1/jobs/j-42", "protocol": "HTTP/1.1",
                         "sourceIp": "198.51.100.7", "userAgent": "curl/8.0"},
                "requestId": "Zx1-abc=",
                "routeKey": "POST /v1/jobs/{id}",
                "stage": "$default",
                "time": "28/Nov/2026:16:22:10 +0000",
                "timeEpoch": 1795881730000
              },
              "body": "eyJ0aXRsZSI6Ik1lZXRpbmcifQ==",
              "isBase64Encoded": true
            }
            """#
        let request = try JSON.decode(APIGatewayV2Request.self, from: payload)
        #expect(request.method == "POST")
        #expect(request.routeKey == "POST /v1/jobs/{id}")
        #expect(request.pathParameters?["id"] == "j-42")
        #expect(request.queryStringParameters?["format"] == "srt")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.cookie("theme") == "dark")
        #expect(request.cookie("session") == " abc")
        #expect(request.requestContext.http.sourceIp == "198.51.100.7")
        #expect(request.requestContext.timeEpoch == 1_795_881_730_000)
        #expect(String(decoding: try request.bodyBytes(), as: UTF8.self) == #"{"title":"Meeting"}"#)
        #expect(request.stageVariables == nil)
    }

    @Test func httpAPIRequestWithInvalidBase64BodyIsRefused() throws {
        var request = try JSON.decode(APIGatewayV2Request.self, from: Self.minimalRequest)
        request.body = "%%%not base64"
        request.isBase64Encoded = true
        #expect(throws: RuntimeError.self) { try request.bodyBytes() }
    }

    static let minimalRequest = #"""
        {"version":"2.0","routeKey":"$default","rawPath":"/","rawQueryString":"","headers":{},
         "requestContext":{"accountId":"1","apiId":"a","domainName":"d","domainPrefix":"d",
           "http":{"method":"GET","path":"/","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":""},
           "requestId":"r","routeKey":"$default","stage":"$default","time":"t","timeEpoch":0},
         "isBase64Encoded":false}
        """#

    @Test func httpAPIResponseEncodesTheGatewayShape() throws {
        struct Body: Codable { var ok: Bool }
        let response = try APIGatewayV2Response.json(201, Body(ok: true), headers: ["location": "/v1/jobs/1"])
        let json = try JSON.decode(JSONValue.self, from: JSON.encode(response))
        #expect(json["statusCode"] == .integer(201))
        #expect(json["headers"]?["content-type"] == .string("application/json"))
        #expect(json["headers"]?["location"] == .string("/v1/jobs/1"))
        #expect(json["body"] == .string(#"{"ok":true}"#))
        #expect(json["isBase64Encoded"] == nil, "optional fields the gateway defaults are left out")

        let binary = APIGatewayV2Response.bytes(200, [0, 1, 2, 255], contentType: "application/octet-stream")
        #expect(binary.body == "AAEC/w==")
        #expect(binary.isBase64Encoded == true)
    }

    @Test func s3NotificationDecodesAndKeysAreURLDecoded() throws {
        let payload = #"""
            {"Records":[{
              "eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
              "eventTime":"2026-11-28T16:22:10.512Z","eventName":"ObjectCreated:Put",
              "userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},
              "requestParameters":{"sourceIPAddress":"203.0.113.9"},
              "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
              "s3":{"s3SchemaVersion":"1.0","configurationId":"uploads",
                "bucket":{"name":"media-bucket","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::media-bucket"},
                "object":{"key":"uploads/u1/j1/My+Talk+%28final%29%C3%A9.mp3","size":1048576,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"0A1B2C3D4E5F678901"}}
            }]}
            """#
        let event = try JSON.decode(S3Event.self, from: payload)
        let record = try #require(event.records.first)
        #expect(record.eventName == "ObjectCreated:Put")
        #expect(record.eventTime == Timestamp(iso8601: "2026-11-28T16:22:10.512Z"))
        #expect(record.s3.bucket.name == "media-bucket")
        #expect(record.s3.object.key == "uploads/u1/j1/My Talk (final)é.mp3")
        #expect(record.s3.object.size == 1_048_576)
        #expect(record.responseElements["x-amz-request-id"] == "C3D13FE58DE4C810")
        // Re-encoding keeps the key as S3 sent it.
        let again = try JSON.decode(S3Event.self, from: JSON.encode(event))
        #expect(again.records[0].s3.object.urlEncodedKey == "uploads/u1/j1/My+Talk+%28final%29%C3%A9.mp3")
    }

    @Test func s3KeyEncodingMatchesWhatS3Sends() {
        #expect(S3Event.Object.encodeKey("uploads/a b/c+d.wav") == "uploads/a+b/c%2Bd.wav")
        #expect(S3Event.Object(key: "x/ü y", size: 1, eTag: nil, sequencer: "1").key == "x/ü y")
    }

    @Test func sqsBatchDecodesAttributesAndEncodesPartialFailures() throws {
        let payload = #"""
            {"Records":[
              {"messageId":"059f36b4-87a3-44ab-83d2-661975830a7d","receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
               "body":"{\"jobId\":\"j1\"}",
               "attributes":{"ApproximateReceiveCount":"3","SentTimestamp":"1795881730000","SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1795881730100"},
               "messageAttributes":{"stage":{"stringValue":"fetch","stringListValues":[],"binaryListValues":[],"dataType":"String"}},
               "md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3","eventSource":"aws:sqs",
               "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:fetch","awsRegion":"us-east-1"}
            ]}
            """#
        let event = try JSON.decode(SQSEvent.self, from: payload)
        let message = try #require(event.records.first)
        #expect(message.body == #"{"jobId":"j1"}"#)
        #expect(message.approximateReceiveCount == 3)
        #expect(message.messageAttributes["stage"]?.stringValue == "fetch")
        let response = SQSBatchResponse(failedMessageIDs: [message.messageId])
        #expect(
            try JSON.encodeString(response)
                == #"{"batchItemFailures":[{"itemIdentifier":"059f36b4-87a3-44ab-83d2-661975830a7d"}]}"#)
    }

    @Test func scheduledEventDecodesDetailType() throws {
        let payload = #"""
            {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event","source":"aws.events",
             "account":"123456789012","time":"2026-11-28T16:00:00Z","region":"us-east-1",
             "resources":["arn:aws:events:us-east-1:123456789012:rule/sweep"],"detail":{}}
            """#
        let event = try JSON.decode(ScheduledEvent.self, from: payload)
        #expect(event.detailType == "Scheduled Event")
        #expect(event.time == Timestamp(iso8601: "2026-11-28T16:00:00Z"))
        #expect(event.resources == ["arn:aws:events:us-east-1:123456789012:rule/sweep"])
        #expect(try JSON.encodeString(event).contains(#""detail-type":"Scheduled Event""#))
    }
}
