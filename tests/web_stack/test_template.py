"""The web app's wiring in template.yaml: one origin for the pages and the API, the bucket readable by
the distribution alone, the single-page fallback that leaves the API's errors alone, and the same
security headers as the emulator's gateway. Each test names what breaks if the wiring does.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import deployment  # noqa: E402

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}


@pytest.fixture(scope="module")
def template():
    return deployment.load_template()


@pytest.fixture(scope="module")
def resources(template):
    return template["Resources"]


def one(resources, type_name):
    found = {k: v for k, v in resources.items() if v["Type"] == type_name}
    assert len(found) == 1, f"one {type_name}, not {sorted(found)}"
    return next(iter(found.items()))


@pytest.fixture(scope="module")
def distribution(resources):
    return one(resources, "AWS::CloudFront::Distribution")


def sub_text(value):
    assert isinstance(value, dict) and "Fn::Sub" in value, f"a !Sub, not {value}"
    sub = value["Fn::Sub"]
    return sub if isinstance(sub, str) else sub[0]


def origins(config):
    return {o["Id"]: o for o in config["Origins"]}


def test_api_behaviour_reaches_the_http_api_uncached_with_every_method_header_cookie_and_query(distribution):
    _, resource = distribution
    config = resource["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b for b in config.get("CacheBehaviors", [])}
    assert "/v1/*" in behaviours, "the API is served under /v1/* of the distribution"
    api = behaviours["/v1/*"]
    origin = origins(config)[api["TargetOriginId"]]
    assert sub_text(origin["DomainName"]).startswith("${Api}.execute-api."), "/v1/* goes to the HTTP API"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert api["CachePolicyId"] == CACHING_DISABLED, "the API's answers are never cached (managed CachingDisabled)"
    # Every viewer header but Host (Authorization, If-Match, Idempotency-Key, Stripe-Signature,
    # X-Transcriptor-Client), every cookie (the refresh cookie) and query string.
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert set(api["AllowedMethods"]) == ALL_METHODS
    assert api["ViewerProtocolPolicy"] == "https-only", "a redirect would turn a POST into a GET"
    assert "FunctionAssociations" not in api, "the single-page fallback must not touch the API"


def test_default_behaviour_serves_the_private_bucket_through_origin_access_control(distribution, resources):
    _, resource = distribution
    config = resource["Properties"]["DistributionConfig"]
    default = config["DefaultCacheBehavior"]
    origin = origins(config)[default["TargetOriginId"]]
    assert origin["DomainName"] == {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]}
    oac_name, oac = one(resources, "AWS::CloudFront::OriginAccessControl")
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_name, "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}, "no legacy origin access identity"
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert oac["Properties"]["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    assert set(default["AllowedMethods"]) == {"GET", "HEAD"}
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    block = resources["WebBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block[k] is True for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))


def test_bucket_policy_lets_only_this_distribution_read(distribution, resources):
    distribution_name, _ = distribution
    policies = [r for r in resources.values()
                if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": "WebBucket"}]
    assert len(policies) == 1, "WebBucket has one bucket policy"
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    allow = allows[0]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert set(allow["Action"]) <= {"s3:GetObject", "s3:ListBucket"}, "CloudFront only reads"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert sub_text(source).endswith(":distribution/${" + distribution_name + "}"), "only this distribution"
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in statements)


def test_no_distribution_wide_error_pages_that_would_turn_api_errors_into_the_app(distribution):
    _, resource = distribution
    assert "CustomErrorResponses" not in resource["Properties"]["DistributionConfig"]


def spa_function(resources, distribution):
    _, resource = distribution
    associations = resource["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]["FunctionAssociations"]
    assert [a["EventType"] for a in associations] == ["viewer-request"]
    name = associations[0]["FunctionARN"]["Fn::GetAtt"]
    assert name[1] == "FunctionARN"
    function = resources[name[0]]
    assert function["Type"] == "AWS::CloudFront::Function"
    assert function["Properties"]["AutoPublish"] is True, "an unpublished function is not what viewers get"
    return function["Properties"]["FunctionCode"]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is missing (scripts/bootstrap.sh installs it)")
def test_single_page_fallback_gives_pages_index_html_and_keeps_files(resources, distribution):
    code = spa_function(resources, distribution)
    # The emulator's gateway: a path that is no file gets index.html; files (with a dot) keep their path.
    cases = {
        "/": "/index.html",
        "/jobs/job_123": "/index.html",
        "/verify-email": "/index.html",
        "/reset-password": "/index.html",
        "/account/": "/index.html",
        "/app.js": "/app.js",
        "/app.css": "/app.css",
        "/index.html": "/index.html",
        "/missing.png": "/missing.png",
    }
    script = code + "\nconst cases = " + json.dumps(list(cases)) + ";\n" + \
        "console.log(JSON.stringify(cases.map(u => handler({request: {uri: u, querystring: {}}}).uri)));\n"
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    assert dict(zip(cases, json.loads(out))) == cases


def gateway_headers():
    """The headers local/Gateway/WebSecurityHeaders.swift sends, the CSP with `<bucket>` for the bucket's origin."""
    source = (ROOT / "local" / "Gateway" / "WebSecurityHeaders.swift").read_text()
    body = re.search(r"var contentSecurityPolicy: String \{(.*?)\n    \}", source, re.S).group(1)
    listed = re.search(r"return \[(.*?)\]\.joined\(separator: \"; \"\)", body, re.S).group(1)
    csp = "; ".join(d.replace(r"\(bucket)", " <bucket>").replace(r"\(stripe)", " <stripe>")
                    for d in re.findall(r'"([^"]*)"', listed))
    headers = {"Content-Security-Policy": csp}
    for name, value in re.findall(r'name: "([^"]+)",\s*value:\s*"([^"]*)"', source):
        headers[name] = value
    return headers


def test_response_headers_match_the_gateways(resources, distribution):
    name, policy = one(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    expected = gateway_headers()
    csp = sub_text(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    bucket = "https://${MediaBucket}.s3.${AWS::Region}.amazonaws.com"
    # Stripe.js and its frames (card authentication) from js.stripe.com and hooks.stripe.com, its
    # calls to api.stripe.com; the gateway admits local Stripe's origin in the same places.
    for stripe in ("https://js.stripe.com https://hooks.stripe.com", "https://api.stripe.com", "https://js.stripe.com"):
        csp = csp.replace(stripe, "<stripe>")
    assert csp.replace(bucket, "<bucket>") == expected["Content-Security-Policy"]
    assert "X-Content-Type-Options" in expected and security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == expected["X-Frame-Options"]
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == expected["Referrer-Policy"]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    custom = {i["Header"]: i["Value"] for i in config["CustomHeadersConfig"]["Items"]}
    assert custom == {"Permissions-Policy": expected["Permissions-Policy"]}
    assert all(v["Override"] is True for v in security.values())
    _, resource = distribution
    config = resource["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": name}


def test_gateway_header_parsing_sees_every_header():
    # If WebSecurityHeaders.swift is reshaped, the comparison above must not pass by reading nothing.
    assert set(gateway_headers()) == {
        "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "X-Frame-Options"}
    assert "connect-src 'self' <bucket>" in gateway_headers()["Content-Security-Policy"]


def test_one_origin_needs_no_api_cors_but_uploads_keep_the_bucket_rule(resources, template):
    assert "CorsConfiguration" not in resources["Api"].get("Properties", {}), \
        "the API is on the web app's origin: CORS would only let other sites' pages call it"
    rules = resources["MediaBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert [r["AllowedOrigins"] for r in rules] == [[{"Ref": "WebOrigin"}]], \
        "pages PUT to presigned URLs of the media bucket, another origin: it admits the web origin"
    assert template["Globals"]["Function"]["Environment"]["Variables"]["WEB_ORIGIN"] == {"Ref": "WebOrigin"}


def test_outputs_give_the_deploy_script_what_it_reads(template, distribution):
    outputs = template["Outputs"]
    distribution_name, _ = distribution
    assert outputs["WebBucketName"]["Value"] == {"Ref": "WebBucket"}
    assert outputs["WebDistributionId"]["Value"] == {"Ref": distribution_name}
    assert sub_text(outputs["WebUrl"]["Value"]) == "https://${" + distribution_name + ".DomainName}"
    pattern = template["Parameters"]["WebOrigin"]["AllowedPattern"]
    assert re.fullmatch(pattern, "https://d111111abcdef8.cloudfront.net")
    assert re.fullmatch(pattern, template["Parameters"]["WebOrigin"]["Default"])
    assert not re.fullmatch(pattern, "https://example.com/app")
