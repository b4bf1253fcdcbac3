"""scripts/deploy-web.py against moto's AWS, in this process (no socket is opened): a stack with the
outputs template.yaml gives, its bucket and distribution. Never against real AWS.
"""

import importlib.util
import json
import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("deploy_web", ROOT / "scripts" / "deploy-web.py")
deploy_web = importlib.util.module_from_spec(spec)
spec.loader.exec_module(deploy_web)

INDEX = """<!doctype html><html><head><link rel="stylesheet" href="/app.css?v=abc123def456"></head>
<body><div id="root"></div><script src="/app.js?v=abc123def456" defer></script></body></html>
"""


@pytest.fixture
def dist(tmp_path):
    folder = tmp_path / "dist"
    folder.mkdir()
    (folder / "index.html").write_text(INDEX)
    (folder / "app.js").write_text("console.log('app')\n//# sourceMappingURL=app.js.map\n")
    (folder / "app.js.map").write_text("{}")
    (folder / "app.css").write_text("body{}")
    return folder


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield


def make_stack(web_origin="http://127.0.0.1:3000"):
    """A stack shaped like template.yaml's outputs, with a bucket and a distribution behind them."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="stack-webbucket-1")
    distribution = boto3.client("cloudfront").create_distribution(DistributionConfig={
        "CallerReference": "test", "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "web", "DomainName": "stack-webbucket-1.s3.us-east-1.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https"},
    })["Distribution"]
    body = {
        "Parameters": {"WebOrigin": {"Type": "String"}, "MailFrom": {"Type": "String"}},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {
            "WebBucketName": {"Value": "stack-webbucket-1"},
            "WebDistributionId": {"Value": distribution["Id"]},
            "WebUrl": {"Value": f"https://{distribution['DomainName']}"},
            "WebOriginInUse": {"Value": {"Ref": "WebOrigin"}},
        },
    }
    boto3.client("cloudformation").create_stack(
        StackName="stack", TemplateBody=json.dumps(body),
        Parameters=[{"ParameterKey": "WebOrigin", "ParameterValue": web_origin},
                    {"ParameterKey": "MailFrom", "ParameterValue": "Transcriptor <no-reply@example.com>"}])
    return distribution


def parameters():
    stack = boto3.client("cloudformation").describe_stacks(StackName="stack")["Stacks"][0]
    return {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}


def test_uploads_with_types_and_caching_invalidates_and_sets_the_origin(aws, dist, capsys):
    distribution = make_stack()
    s3 = boto3.client("s3")
    s3.put_object(Bucket="stack-webbucket-1", Key="old-page.js", Body=b"gone")
    assert deploy_web.main(["--stack", "stack", "--dist", str(dist)]) == 0

    def head(key):
        h = s3.head_object(Bucket="stack-webbucket-1", Key=key)
        return h["ContentType"], h["CacheControl"]

    assert head("index.html") == ("text/html; charset=utf-8", "no-cache")
    assert head("app.js") == ("text/javascript; charset=utf-8", "public, max-age=31536000, immutable")
    assert head("app.css") == ("text/css; charset=utf-8", "public, max-age=31536000, immutable")
    assert head("app.js.map") == ("application/json", "public, max-age=300")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="stack-webbucket-1")["Contents"]}
    assert keys == {"index.html", "app.js", "app.css", "app.js.map"}, "files no longer built are deleted"
    invalidations = boto3.client("cloudfront").list_invalidations(DistributionId=distribution["Id"])
    assert invalidations["InvalidationList"]["Quantity"] == 1
    assert parameters() == {"WebOrigin": f"https://{distribution['DomainName']}",
                            "MailFrom": "Transcriptor <no-reply@example.com>"}, "only WebOrigin changes"
    out = capsys.readouterr().out
    assert out.index("upload index.html") > out.index("upload app.js"), "index.html goes last"


def test_a_given_origin_wins_and_an_origin_already_set_is_left_alone(aws, dist, capsys):
    make_stack(web_origin="https://app.example.com")
    assert deploy_web.main(["--stack", "stack", "--dist", str(dist), "--origin", "https://app.example.com"]) == 0
    assert "WebOrigin is https://app.example.com already" in capsys.readouterr().out
    assert parameters()["WebOrigin"] == "https://app.example.com"


def test_dry_run_changes_nothing(aws, dist, capsys):
    distribution = make_stack()
    assert deploy_web.main(["--stack", "stack", "--dist", str(dist), "--dry-run"]) == 0
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket="stack-webbucket-1")
    assert parameters()["WebOrigin"] == "http://127.0.0.1:3000"
    out = capsys.readouterr().out
    assert f"(dry run) set the stack's WebOrigin from http://127.0.0.1:3000 to https://{distribution['DomainName']}" in out


def test_dry_run_without_a_stack_calls_nothing(dist, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise AssertionError("a dry run without --stack must not make an AWS client")

    monkeypatch.setattr(boto3.session, "Session", refuse)
    assert deploy_web.main(["--bucket", "b", "--distribution-id", "E1", "--dist", str(dist), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(dry run) upload app.js to s3://b/app.js (text/javascript; charset=utf-8; public, max-age=31536000, immutable)" in out
    assert "(dry run) invalidate /* of the distribution E1" in out


def test_refuses_a_dist_whose_index_names_a_missing_asset(dist):
    os.remove(dist / "app.css")
    with pytest.raises(SystemExit, match="app.css"):
        deploy_web.plan(str(dist))


def test_refuses_an_origin_with_a_path(dist):
    with pytest.raises(SystemExit):
        deploy_web.main(["--bucket", "b", "--dist", str(dist), "--dry-run", "--origin", "https://example.com/app"])


def test_warns_when_samconfig_would_put_the_old_origin_back(tmp_path):
    config = tmp_path / "samconfig.toml"
    config.write_text('version = 0.1\n[default.deploy.parameters]\nstack_name = "t"\n'
                      'parameter_overrides = "Stage=\\"prod\\" WebOrigin=\\"http://127.0.0.1:3000\\" MailFrom=\\"a@b.c\\""\n')
    assert deploy_web.samconfig_origin(str(config)) == "http://127.0.0.1:3000"
    assert deploy_web.samconfig_origin(str(tmp_path / "none.toml")) is None
