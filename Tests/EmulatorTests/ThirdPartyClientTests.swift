import Foundation
import TestSupport
import Testing

/// boto3 and the AWS CLI (both on these machines; boto3 comes with moto into .venv) against the
/// emulator's endpoint, with the local credentials: their signatures verify and AWS's shapes parse.
@Suite(.serialized) struct ThirdPartyClientTests {
    let emulator: EmulatorHarness

    init() throws { emulator = try EmulatorHarness(template: "services.yaml") }

    func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (Int32, String) {
        let environment = ProcessInfo.processInfo.environment.merging([
            "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local-secret", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": emulator.aws,
        ]) { $1 }
        return try runProcess(executable, arguments, environment: environment, input: input)
    }

    @Test func boto3UsesS3SQSAndDynamoDB() throws {
        let python = TestPaths.packageRoot.appendingPathComponent(".venv/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: python), "run scripts/bootstrap.sh: boto3 comes with moto")
        let script = """
            import boto3, sys
            from botocore.config import Config
            endpoint = sys.argv[1]
            # SigV4 presigning, as S3 requires of buckets made since 2020 (boto3's default is SigV2).
            s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4"))
            s3.put_object(Bucket="transcriptor-local-media", Key="boto/a b.txt", Body=b"from boto3", ContentType="text/plain")
            body = s3.get_object(Bucket="transcriptor-local-media", Key="boto/a b.txt")["Body"].read()
            assert body == b"from boto3", body
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="transcriptor-local-media", Prefix="boto/")["Contents"]]
            assert keys == ["boto/a b.txt"], keys
            url = s3.generate_presigned_url("get_object", Params={"Bucket": "transcriptor-local-media", "Key": "boto/a b.txt"}, ExpiresIn=60)
            import urllib.request
            assert urllib.request.urlopen(url).read() == b"from boto3"
            sqs = boto3.client("sqs", endpoint_url=endpoint)
            queue = sqs.get_queue_url(QueueName="transcriptor-local-Failures")["QueueUrl"]
            sqs.send_message(QueueUrl=queue, MessageBody="hello")
            messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
            assert [m["Body"] for m in messages] == ["hello"], messages
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=messages[0]["ReceiptHandle"])
            db = boto3.client("dynamodb", endpoint_url=endpoint)
            db.put_item(TableName="transcriptor-local-Table", Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "n": {"N": "1"}})
            item = db.get_item(TableName="transcriptor-local-Table", Key={"pk": {"S": "a"}, "sk": {"S": "b"}})["Item"]
            assert item["n"] == {"N": "1"}, item
            try:
                db.put_item(TableName="transcriptor-local-Table", Item={"pk": {"S": "a"}, "sk": {"S": "b"}},
                            ConditionExpression="attribute_not_exists(pk)")
                raise SystemExit("the conditional put was not refused")
            except db.exceptions.ConditionalCheckFailedException:
                pass
            print("boto3 ok")
            """
        let (status, output) = try run(python, ["-", emulator.aws], input: script)
        #expect(status == 0, "\(output)")
        #expect(output.contains("boto3 ok"))
    }

    @Test func boto3ReadsAndRotatesSecretsMadeFromTheTemplate() throws {
        let python = TestPaths.packageRoot.appendingPathComponent(".venv/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: python), "run scripts/bootstrap.sh: boto3 comes with moto")
        let script = """
            import boto3, json, string, sys
            sm = boto3.client("secretsmanager", endpoint_url=sys.argv[1])
            first = sm.get_secret_value(SecretId="local/api-key")
            value = first["SecretString"]
            assert len(value) == 40 and set(value) <= set(string.ascii_letters + string.digits), value
            assert first["VersionStages"] == ["AWSCURRENT"], first
            assert first["ARN"].startswith("arn:aws:secretsmanager:us-east-1:000000000000:secret:local/api-key-"), first["ARN"]
            assert sm.get_secret_value(SecretId=first["ARN"])["SecretString"] == value
            greeting = sm.get_secret_value(SecretId="transcriptor-local-Greeting")["SecretString"]
            assert json.loads(greeting) == {"hello": "world"}, greeting
            put = sm.put_secret_value(SecretId="local/api-key", SecretString="rotated")
            assert put["VersionStages"] == ["AWSCURRENT"], put
            assert sm.get_secret_value(SecretId="local/api-key")["SecretString"] == "rotated"
            previous = sm.get_secret_value(SecretId="local/api-key", VersionStage="AWSPREVIOUS")
            assert previous["SecretString"] == value and previous["VersionId"] == first["VersionId"], previous
            stages = sm.describe_secret(SecretId="local/api-key")["VersionIdsToStages"]
            assert stages == {put["VersionId"]: ["AWSCURRENT"], first["VersionId"]: ["AWSPREVIOUS"]}, stages
            # Back to the first value, as a rollback is done.
            sm.update_secret_version_stage(SecretId="local/api-key", VersionStage="AWSCURRENT",
                                           MoveToVersionId=first["VersionId"], RemoveFromVersionId=put["VersionId"])
            assert sm.get_secret_value(SecretId="local/api-key")["SecretString"] == value
            for call in (lambda: sm.get_secret_value(SecretId="local/nothing"),
                         lambda: sm.get_secret_value(SecretId="local/api-key", VersionStage="NOSUCHSTAGE")):
                try:
                    call()
                    raise SystemExit("a missing secret was found")
                except sm.exceptions.ResourceNotFoundException:
                    pass
            try:
                sm.create_secret(Name="local/api-key", SecretString="again")
                raise SystemExit("a second secret of the same name was made")
            except sm.exceptions.ResourceExistsException:
                pass
            print("secrets ok")
            """
        let (status, output) = try run(python, ["-", emulator.aws], input: script)
        #expect(status == 0, "\(output)")
        #expect(output.contains("secrets ok"))
    }

    @Test func awsCLICopiesAndListsObjects() throws {
        let candidates =
            ["\(TestPaths.packageRoot.path)/.venv/bin/aws"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/aws" }
        let aws = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "the AWS CLI is on these machines")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "copied by the AWS CLI".write(toFile: file, atomically: true, encoding: .utf8)
        let copy = try run(
            aws, ["--endpoint-url", emulator.aws, "s3", "cp", file, "s3://transcriptor-local-media/cli/copy.txt"])
        #expect(copy.0 == 0, "\(copy.1)")
        let list = try run(aws, ["--endpoint-url", emulator.aws, "s3", "ls", "s3://transcriptor-local-media/cli/"])
        #expect(list.0 == 0)
        #expect(list.1.contains("copy.txt"))
        let table = try run(
            aws,
            ["--endpoint-url", emulator.aws, "dynamodb", "describe-table", "--table-name", "transcriptor-local-Table"])
        #expect(table.0 == 0, "\(table.1)")
        #expect(table.1.contains("ACTIVE"))
    }

    @Test func awsCLICopiesALargeFileInPartsAndBack() throws {
        let candidates =
            ["\(TestPaths.packageRoot.path)/.venv/bin/aws"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/aws" }
        let aws = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "the AWS CLI is on these machines")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 20 MiB: above the CLI's 8 MiB multipart threshold, so three parts (8, 8 and 4 MiB).
        let original = Data((0..<(20 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) })
        try original.write(to: URL(fileURLWithPath: directory + "/large.bin"))
        let copy = try run(
            aws,
            [
                "--endpoint-url", emulator.aws, "s3", "cp", directory + "/large.bin",
                "s3://transcriptor-local-media/cli/large.bin",
            ])
        #expect(copy.0 == 0, "\(copy.1)")
        let head = try run(
            aws,
            [
                "--endpoint-url", emulator.aws, "s3api", "head-object", "--bucket", "transcriptor-local-media", "--key",
                "cli/large.bin", "--query", "[ETag, ContentLength]", "--output", "text",
            ])
        #expect(head.0 == 0, "\(head.1)")
        #expect(head.1.contains("-3\""), "a multipart object's ETag counts its parts: \(head.1)")
        #expect(head.1.contains(String(original.count)))
        let back = try run(
            aws,
            [
                "--endpoint-url", emulator.aws, "s3", "cp", "s3://transcriptor-local-media/cli/large.bin",
                directory + "/back.bin",
            ])
        #expect(back.0 == 0, "\(back.1)")
        #expect(FileManager.default.contents(atPath: directory + "/back.bin") == original)
        let uploads = try run(
            aws,
            ["--endpoint-url", emulator.aws, "s3api", "list-multipart-uploads", "--bucket", "transcriptor-local-media"])
        #expect(uploads.0 == 0, "\(uploads.1)")
        #expect(!uploads.1.contains("UploadId"), "the completed upload is gone: \(uploads.1)")
    }

    @Test func boto3PresignedPostUploadsAndItsPolicyIsEnforced() throws {
        let python = TestPaths.packageRoot.appendingPathComponent(".venv/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: python), "run scripts/bootstrap.sh: boto3 comes with moto")
        let script = """
            import boto3, sys, urllib.request, urllib.error, uuid
            from botocore.config import Config
            endpoint = sys.argv[1]
            s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4"))
            post = s3.generate_presigned_post(
                "transcriptor-local-media", "forms/${filename}", Fields={"Content-Type": "audio/mpeg"},
                Conditions=[{"Content-Type": "audio/mpeg"}, ["content-length-range", 1, 1024]], ExpiresIn=60)

            def submit(fields, content, filename="talk.mp3"):
                boundary = uuid.uuid4().hex
                body = b""
                for name, value in fields.items():
                    body += f'--{boundary}\\r\\nContent-Disposition: form-data; name="{name}"\\r\\n\\r\\n{value}\\r\\n'.encode()
                body += f'--{boundary}\\r\\nContent-Disposition: form-data; name="file"; filename="{filename}"\\r\\nContent-Type: audio/mpeg\\r\\n\\r\\n'.encode()
                body += content + f"\\r\\n--{boundary}--\\r\\n".encode()
                request = urllib.request.Request(post["url"], data=body, method="POST",
                                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
                try:
                    with urllib.request.urlopen(request) as response:
                        return response.status, response.read()
                except urllib.error.HTTPError as error:
                    return error.code, error.read()

            status, _ = submit(post["fields"], b"ID3 audio bytes")
            assert status == 204, status
            stored = s3.get_object(Bucket="transcriptor-local-media", Key="forms/talk.mp3")
            assert stored["Body"].read() == b"ID3 audio bytes"
            assert stored["ContentType"] == "audio/mpeg", stored["ContentType"]
            status, body = submit(post["fields"], b"x" * 2048, filename="big.mp3")
            assert status == 400 and b"EntityTooLarge" in body, (status, body)
            status, body = submit(dict(post["fields"], **{"Content-Type": "text/html"}), b"<html>", filename="page.mp3")
            assert status == 403 and b"AccessDenied" in body, (status, body)
            status, body = submit(dict(post["fields"], policy=post["fields"]["policy"][:-4] + "AAAA"), b"x", filename="forged.mp3")
            assert status == 403, (status, body)
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="transcriptor-local-media", Prefix="forms/")["Contents"]]
            assert keys == ["forms/talk.mp3"], keys
            print("presigned post ok")
            """
        let (status, output) = try run(python, ["-", emulator.aws], input: script)
        #expect(status == 0, "\(output)")
        #expect(output.contains("presigned post ok"))
    }
}
