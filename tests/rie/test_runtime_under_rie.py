"""Our Lambda runtime (Sources/Runtime) under AWS's own Runtime Interface Emulator, case by case,
and our emulator (transcriptor-local) held against AWS's answer for the same case.

What AWS's RIE answers is AWS's: where our emulator's body differs, ours is wrong. Two things the
RIE does differ from the Lambda service on purpose, and our emulator follows the service there:
- the HTTP status: the RIE answers a failed init or a crashed runtime with 502, Lambda's Invoke API
  with 200 and `X-Amz-Function-Error: Unhandled` (as for every function error);
- a timeout: the RIE answers the text `Task timed out after 1.00 seconds`, Lambda the JSON
  `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ... Error: Task timed out after 1.00 seconds"}`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TIMEOUT = {"AWS_LAMBDA_FUNCTION_TIMEOUT": "1"}  # Echo's Timeout in template.yaml too
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-secret"}
# The plans document every function reads (the template's Plans, config/plans.json).
PLANS = {"PLANS": (Path(__file__).resolve().parents[2] / "config" / "plans.json").read_text()}


def test_normal_invocation_answers_the_event(rie, emulator):
    event = {"hello": "world", "n": [1, 2.5, None], "text": "ünïcødé"}
    aws = rie("echo-function", TIMEOUT).invoke(event)
    ours = emulator.invoke("Echo", event)
    assert (aws.status, aws.json) == (200, event)
    assert (ours.status, ours.function_error, ours.json) == (200, None, event)


def test_handler_error_is_errortype_and_errormessage(rie, emulator):
    event = {"fail": "asked to fail"}
    aws = rie("echo-function", TIMEOUT).invoke(event)
    ours = emulator.invoke("Echo", event)
    expected = {"errorMessage": "asked to fail", "errorType": "EchoError", "stackTrace": []}
    assert (aws.status, aws.json) == (200, expected)
    assert (ours.status, ours.function_error, ours.json) == (200, "Unhandled", aws.json)


def test_timeout_kills_the_invocation_and_the_next_one_gets_a_fresh_process(rie, emulator):
    function = rie("echo-function", TIMEOUT)
    aws = function.invoke({"sleepMs": 3000})
    ours = emulator.invoke("Echo", {"sleepMs": 3000})
    assert (aws.status, aws.shape) == (200, "Task timed out after 1.00 seconds"), function.output()
    assert (ours.status, ours.function_error) == (200, "Unhandled")
    assert ours.shape == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: <id> Error: Task timed out after 1.00 seconds",
    }
    assert aws.seconds < 2.5 and ours.seconds < 2.5, "the sleeping handler was not cut off at the timeout"
    assert function.invoke({"after": "timeout"}).json == {"after": "timeout"}
    assert emulator.invoke("Echo", {"after": "timeout"}).json == {"after": "timeout"}


def test_crash_is_a_runtime_exit_error_and_the_next_invocation_succeeds(rie, emulator):
    function = rie("echo-function", TIMEOUT)
    assert function.invoke({"before": "crash"}).json == {"before": "crash"}  # a warm process crashes
    aws = function.invoke({"crash": True})
    ours = emulator.invoke("Echo", {"crash": True})
    expected = {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: <id> Error: Runtime exited with error: signal: aborted",
    }
    assert (aws.status, aws.shape) == (502, expected), function.output()
    assert (ours.status, ours.function_error, ours.shape) == (200, "Unhandled", expected)
    assert function.invoke({"after": "crash"}).json == {"after": "crash"}
    assert emulator.invoke("Echo", {"after": "crash"}).json == {"after": "crash"}


@pytest.mark.parametrize(
    ("env", "missing", "error_type"),
    [
        # Nothing of the function's own: region and credentials only (what Lambda always gives).
        ({"AWS_REGION": "us-east-1"} | FAKE_CREDENTIALS, "TABLE_NAME", "Invalid"),
        # Everything of the function's but the region the AWS clients need.
        (
            {"TABLE_NAME": "t", "MEDIA_BUCKET": "b", "JWT_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:k"}
            | PLANS
            | FAKE_CREDENTIALS,
            "AWS_REGION",
            "RuntimeError",
        ),
        # A route that checks tokens without the token secret's ARN: fails at init, not at the first sign-in.
        (
            {"AWS_REGION": "us-east-1", "TABLE_NAME": "t", "MEDIA_BUCKET": "b"} | PLANS | FAKE_CREDENTIALS,
            "JWT_SECRET_ARN",
            "RuntimeError",
        ),
    ],
    ids=["no-table-name", "no-region", "no-token-secret"],
)
def test_missing_setting_is_an_init_error_before_any_network_call(rie, env, missing, error_type):
    # No AWS_ENDPOINT_URL: a client made anyway would aim at AWS's default endpoints (its name
    # lookup would find no network in the RIE's namespace, and strace would show the attempt).
    function = rie("auth-login", TIMEOUT | env)
    for _ in range(2):  # Lambda tries the init again at the next invocation; it fails the same way
        answer = function.invoke({})
        assert answer.status == 502, function.output()
        assert answer.json["errorType"] == error_type, answer.json
        assert missing in answer.json["errorMessage"], answer.json
    runtime_api = 'sin_port=htons(9001), sin_addr=inet_addr("127.0.0.1")'
    connections = function.connections()
    assert connections, "strace recorded no connection at all, not even to the Runtime API"
    assert all("connect(" in line and "AF_INET," in line and runtime_api in line for line in connections), (
        "the function tried the network before its init failed:\n" + "\n".join(connections)
    )


def test_our_emulator_answers_an_init_error_as_the_rie_does(rie, emulator):
    aws = rie("auth-login", TIMEOUT | {"AWS_REGION": "us-east-1"} | FAKE_CREDENTIALS).invoke({})
    assert aws.status == 502, aws.body
    assert aws.json == {"errorMessage": "the setting TABLE_NAME is missing", "errorType": "Invalid", "stackTrace": []}
    for _ in range(2):  # and again at the next invocation
        ours = emulator.invoke("Login", {})
        assert (ours.status, ours.function_error, ours.json) == (200, "Unhandled", aws.json)


def test_response_over_lambdas_limit_fails_the_invocation_as_aws_does(rie, emulator):
    # The RIE's limit is 6 MB and 100 bytes, and it answers a larger response itself (the runtime's
    # own report of the failure after its 413 does not reach the caller).
    limit = 6 * 1024 * 1024 + 100
    function = rie("echo-function", {"AWS_LAMBDA_FUNCTION_TIMEOUT": "10"})
    envelope = len('{"data":""}')
    for event in ({"bytes": limit - envelope}, {"bytes": 7_000_000}):
        aws = function.invoke(event)
        ours = emulator.invoke("Roomy", event)
        if event["bytes"] + envelope <= limit:
            assert (aws.status, len(aws.body)) == (200, limit)
            assert (ours.status, ours.function_error, ours.body) == (200, None, aws.body)
            continue
        assert aws.status == 200
        assert aws.json == {
            "errorType": "Function.ResponseSizeTooLarge",
            "errorMessage": f"Response payload size exceeded maximum allowed payload size ({limit} bytes).",
        }
        assert (ours.status, ours.function_error, ours.json) == (200, "Unhandled", aws.json)
    assert function.invoke({"after": "too large"}).json == {"after": "too large"}
    assert emulator.invoke("Roomy", {"after": "too large"}).json == {"after": "too large"}
