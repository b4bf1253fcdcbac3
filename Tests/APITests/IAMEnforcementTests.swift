import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing

/// IAM, enforced by the emulator: each function signs with its own role's credentials, and what
/// its `Policies` in template.yaml do not allow is refused, as AWS would refuse it. (The other
/// suites run the whole product through this same enforcement, with the template as it is.)
@Suite struct IAMEnforcementTests {
    /// A role's credentials, as `/_local/credentials/<Function>` hands them (the shape of Lambda's
    /// container credentials endpoint).
    static func credentials(of function: String, api: APIHarness) throws -> AWSCredentials {
        let response = try api.emulator.request(.get, "/_local/credentials/\(function)")
        #expect(response.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String])
        let token = try #require(object["Token"])
        return AWSCredentials(
            accessKeyID: try #require(object["AccessKeyId"]), secretAccessKey: try #require(object["SecretAccessKey"]),
            sessionToken: token)
    }

    static func configuration(_ credentials: AWSCredentials, api: APIHarness) -> AWSConfiguration {
        AWSConfiguration(region: "us-east-1", credentials: credentials, endpoints: api.aws.endpoints, maxAttempts: 1)
    }

    /// The emulator's record of denials (newest first), from its status page.
    static func denials(_ api: APIHarness) throws -> [[String: Any]] {
        let status = try JSONSerialization.jsonObject(
            with: Data(api.emulator.request(.get, "/_local/status.json").body))
        let iam = (status as? [String: Any])?["iam"] as? [String: Any]
        return iam?["recentDenials"] as? [[String: Any]] ?? []
    }

    @Test func everyFunctionGetsTemporaryCredentialsOfItsOwnRole() throws {
        let api = try APIHarness()
        let status = try #require(
            try JSONSerialization.jsonObject(with: Data(api.emulator.request(.get, "/_local/status.json").body))
                as? [String: Any])
        let iam = try #require(status["iam"] as? [String: Any])
        #expect(iam["mode"] as? String == "enforce")
        let roles = try #require(iam["roles"] as? [[String: Any]])
        let keys = roles.compactMap { $0["accessKeyID"] as? String }
        #expect(roles.count == (status["functions"] as? [Any])?.count)
        #expect(keys.allSatisfy { $0.hasPrefix("ASIA") && $0.count == 20 })
        #expect(Set(keys).count == keys.count)
        let transcribe = try #require(roles.first { $0["function"] as? String == "TranscribeFunction" })
        #expect(
            transcribe["assumedRoleARN"] as? String
                == "arn:aws:sts::000000000000:assumed-role/transcriptor-local-TranscribeFunctionRole/TranscribeFunction"
        )
        // The role's key is valid only with its session token.
        var stolen = try Self.credentials(of: "AuthLoginFunction", api: api)
        stolen.sessionToken = nil
        #expect {
            try SecretsManagerClient(configuration: Self.configuration(stolen, api: api)).getSecretValue(
                secretID: APIHarness.tokenSecretName)
        } throws: { ($0 as? AWSError)?.code == "UnrecognizedClientException" }
    }

    @Test func aFunctionCannotReadAnotherFunctionsSecret() throws {
        let api = try APIHarness(expectsDenials: true)
        // AuthLoginFunction's role may read the access-token key; TranscribeFunction's may not.
        let login = try Self.credentials(of: "AuthLoginFunction", api: api)
        let value = try SecretsManagerClient(configuration: Self.configuration(login, api: api)).getSecretValue(
            secretID: APIHarness.tokenSecretName)
        #expect(value.secretString?.isEmpty == false)
        let transcribe = try Self.credentials(of: "TranscribeFunction", api: api)
        let denied = #expect(throws: AWSError.self) {
            try SecretsManagerClient(configuration: Self.configuration(transcribe, api: api)).getSecretValue(
                secretID: APIHarness.tokenSecretName)
        }
        #expect(denied?.code == "AccessDeniedException")
        #expect(denied?.status == 400)
        #expect(
            denied?.message.hasPrefix(
                "User: arn:aws:sts::000000000000:assumed-role/transcriptor-local-TranscribeFunctionRole/TranscribeFunction "
                    + "is not authorized to perform: secretsmanager:GetSecretValue on resource: "
                    + "arn:aws:secretsmanager:us-east-1:000000000000:secret:transcriptor-local-TokenSigningKey-")
                == true,
            "\(String(describing: denied))")
        let logged = try #require(try Self.denials(api).first)
        #expect(logged["function"] as? String == "TranscribeFunction")
        #expect(logged["action"] as? String == "secretsmanager:GetSecretValue")
        #expect(
            api.emulator.output.contains(
                "IAM denied: TranscribeFunction secretsmanager:GetSecretValue on arn:aws:secretsmanager:"))
        // The local credentials stay unrestricted.
        #expect(try api.tokenKey().secret.isEmpty == false)
    }

    @Test func eachServiceRefusesInItsOwnShape() throws {
        let api = try APIHarness(expectsDenials: true)
        let sweep = Self.configuration(try Self.credentials(of: "SweepFunction", api: api), api: api)
        let s3 = #expect(throws: AWSError.self) {
            _ = try S3Client(configuration: sweep).listObjects(bucket: api.bucket)
        }
        #expect(s3?.code == "AccessDenied")
        #expect(s3?.status == 403)
        #expect(
            s3?.message.contains(
                "s3:ListBucket on resource: \"arn:aws:s3:::transcriptor-local-media-000000000000\" because") == true,
            "\(String(describing: s3))")
        let sqs = #expect(throws: AWSError.self) {
            _ = try SQSClient(configuration: sweep).sendMessage(
                queueURL: "\(api.emulator.aws)/000000000000/transcriptor-local-FetchQueue", body: "{}")
        }
        #expect(
            sqs?.code.hasSuffix("AccessDenied") == true || sqs?.code == "AccessDeniedException",
            "\(String(describing: sqs))")
        #expect(sqs?.status == 403)
        let dynamodb = #expect(throws: AWSError.self) {
            _ = try DynamoDBClient(configuration: sweep).getItem(
                table: "transcriptor-local-Table", key: ["pk": .s("USER#usr_x"), "sk": .s("PROFILE")])
        }
        #expect(dynamodb?.code == "AccessDeniedException")
        #expect(dynamodb?.status == 400)
        #expect(
            dynamodb?.message.contains(
                "dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/transcriptor-local-Table")
                == true)
        let lambda = #expect(throws: AWSError.self) {
            try LambdaClient(configuration: sweep).invokeAsynchronously(
                function: "AuthLoginFunction", payload: Array("{}".utf8))
        }
        #expect(lambda?.code == "AccessDeniedException")
        #expect(lambda?.status == 403)
    }

    // MARK: Each permission the code needs, removed from a copy of the template

    /// A copy of template.yaml with `original` (which must occur exactly once) replaced.
    static func template(replacing original: String, with replacement: String) throws -> String {
        let text = try String(
            contentsOf: APIHarness.repository.appendingPathComponent("template.yaml"), encoding: .utf8)
        let parts = text.components(separatedBy: original)
        try #require(parts.count == 2, "the template no longer has exactly one '\(original)'")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("template-\(UUID().uuidString).yaml")
            .path
        try parts.joined(separator: replacement).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func expectDenial(_ api: APIHarness, function: String, action: String) throws {
        let logged = try Self.denials(api)
        #expect(
            logged.contains { $0["function"] as? String == function && $0["action"] as? String == action },
            "no logged denial of \(action) to \(function): \(logged)")
        #expect(api.emulator.output.contains("IAM denied: \(function) \(action) on "))
    }

    @Test func withoutGetSecretValueLoginFails() throws {
        let template = try Self.template(
            replacing: """
                      ImageConfig:
                        Command: [auth-login]
                      Environment:
                        Variables:
                          JWT_SECRET_ARN: !Ref TokenSigningKey
                      Policies:
                        - Statement:
                            - Effect: Allow
                              Action: [secretsmanager:GetSecretValue]
                """,
            with: """
                      ImageConfig:
                        Command: [auth-login]
                      Environment:
                        Variables:
                          JWT_SECRET_ARN: !Ref TokenSigningKey
                      Policies:
                        - Statement:
                            - Effect: Allow
                              Action: [secretsmanager:DescribeSecret]
                """)
        let api = try APIHarness(template: template, expectsDenials: true)
        let session = try api.signup()
        let login = try api.call(.post, "/v1/auth/login", json: ["email": session.email, "password": session.password])
        #expect(login.status >= 500, "\(login)")
        try Self.expectDenial(api, function: "AuthLoginFunction", action: "secretsmanager:GetSecretValue")
        // The route whose role keeps the permission still works.
        #expect(try api.call(.get, "/v1/me", token: session.accessToken).status == 200)
    }

    /// GET /v1/jobs/{id}/media asks S3 whether the rendition exists: a missing key is 404 only to a
    /// caller that may list the bucket.
    @Test func withoutListBucketTheMediaRouteCannotTellMediaIsNotReady() throws {
        let template = try Self.template(
            replacing: """
                            # Is the rendition there yet? HeadObject answers a missing key with 404 only to a caller
                            # that may list the bucket (403 otherwise).
                            - Effect: Allow
                              Action: [s3:ListBucket]
                """,
            with: """
                            - Effect: Allow
                              Action: [s3:ListBucketVersions]
                """)
        let api = try APIHarness(template: template, expectsDenials: true)
        let session = try api.signup()
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken,
            json: ["source": ["upload": ["filename": "a.mp3", "contentType": "audio/mpeg", "size": 1000]]])
        let id = try #require((created.json["job"] as? [String: Any])?["id"] as? String, "\(created)")
        let media = try api.call(.get, "/v1/jobs/\(id)/media", token: session.accessToken)
        #expect(media.status >= 500, "\(media)")
        try Self.expectDenial(api, function: "JobsMediaFunction", action: "s3:ListBucket")
    }

    /// A job deleted lists its objects by stage prefix: the listing needs `s3:ListBucket` with an
    /// `s3:prefix` the statement's condition allows.
    @Test func withoutTheUploadsPrefixDeletingAJobCannotListItsUploads() throws {
        let original = """
                        - Effect: Allow
                          Action: [s3:ListBucket]
                          Resource: !Sub "arn:${AWS::Partition}:s3:::${AWS::StackName}-media-${AWS::AccountId}"
                          Condition:
                            StringLike:
                              s3:prefix: [uploads/*, audio/*, segments/*, renditions/*, transcripts/*]
                        # every stage prefix holds the job's objects
            """
        let template = try Self.template(
            replacing: original,
            with: original.replacingOccurrences(of: "[uploads/*, audio/*,", with: "[audio/*,"))
        let api = try APIHarness(template: template, expectsDenials: true)
        let session = try api.signup()
        let id = try api.link("http://127.0.0.1:9/talk.mp3", token: session.accessToken)
        let deleted = try api.call(.delete, "/v1/jobs/\(id)", token: session.accessToken)
        #expect(deleted.status >= 500, "\(deleted)")
        try Self.expectDenial(api, function: "JobsDeleteFunction", action: "s3:ListBucket")
    }

    /// JobsCreateFunction's grant of the fetch queue, and the same without `sqs:SendMessage`.
    static let withoutSendMessage = (
        original: """
                    - Effect: Allow
                      Action: [sqs:SendMessage]
                      Resource: !GetAtt FetchQueue.Arn
        """,
        replacement: """
                    - Effect: Allow
                      Action: [sqs:GetQueueUrl]
                      Resource: !GetAtt FetchQueue.Arn
        """
    )

    @Test func withoutSendMessageALinkJobCannotBeQueued() throws {
        let template = try Self.template(
            replacing: Self.withoutSendMessage.original, with: Self.withoutSendMessage.replacement)
        let api = try APIHarness(template: template, expectsDenials: true)
        let session = try api.signup()
        let created = try api.call(
            .post, "/v1/jobs", token: session.accessToken, json: ["source": ["url": "http://127.0.0.1:9/a.mp3"]])
        #expect(created.status >= 500, "\(created)")
        try Self.expectDenial(api, function: "JobsCreateFunction", action: "sqs:SendMessage")
    }

    /// `serve --iam report`: what the role may not do is served, and logged as AWS would deny it.
    @Test func reportModeServesWhatItWouldDenyAndLogsIt() throws {
        let template = try Self.template(
            replacing: Self.withoutSendMessage.original, with: Self.withoutSendMessage.replacement)
        let api = try APIHarness(template: template, serveArguments: ["--iam", "report"], expectsDenials: true)
        let session = try api.signup()
        _ = try api.link("http://127.0.0.1:9/a.mp3", token: session.accessToken)
        let logged = try #require(try Self.denials(api).first)
        #expect(logged["action"] as? String == "sqs:SendMessage")
        #expect(logged["enforced"] as? Bool == false)
        #expect(api.emulator.output.contains("IAM would deny (report mode): JobsCreateFunction sqs:SendMessage on "))
    }

    /// The sweep reads the deadline index by named attributes only (`dynamodb:Attributes` under
    /// `ForAllValues:StringEquals`): one attribute fewer in the statement denies its query.
    @Test func withoutAnAttributeInItsConditionTheSweepFails() throws {
        let template = try Self.template(
            replacing: "dynamodb:Attributes: [gsi1pk, gsi1sk, pk, sk, userId, jobId]",
            with: "dynamodb:Attributes: [gsi1pk, gsi1sk, pk, sk, userId]")
        let api = try APIHarness(template: template, expectsDenials: true)
        let swept = try api.emulator.invoke("SweepFunction", payload: "{}")
        #expect(
            swept.header("X-Amz-Function-Error") != nil,
            "\(swept.status) \(String(decoding: swept.body, as: UTF8.self))")
        try Self.expectDenial(api, function: "SweepFunction", action: "dynamodb:Query")
        let logged = try #require(try Self.denials(api).first { $0["function"] as? String == "SweepFunction" })
        #expect(
            logged["resource"] as? String
                == "arn:aws:dynamodb:us-east-1:000000000000:table/transcriptor-local-Table/index/gsi1")
        // With the template as it is, the sweep runs.
        let intact = try APIHarness()
        let fine = try intact.emulator.invoke("SweepFunction", payload: "{}")
        #expect(fine.header("X-Amz-Function-Error") == nil, "\(String(decoding: fine.body, as: UTF8.self))")
        #expect(try Self.denials(intact).isEmpty)
    }
}
