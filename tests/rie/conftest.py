"""Fixtures of tests/rie: our function binaries under AWS's Runtime Interface Emulator, and the
same functions under our emulator (transcriptor-local), so each case can be held against both.

The RIE comes from scripts/rie.sh (AWS's binary, out of the pinned aws-sam-cli wheel). Each RIE
runs in a network namespace of its own with only loopback up (`unshare --net`): the functions can
reach nothing but the RIE, so a function that tried AWS's default endpoints sends no packet off this
machine, and `strace` records every address it tried. The binaries are those of
TRANSCRIPTOR_BIN_DIR, by default `swift build --show-bin-path`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).resolve().parent / "template.yaml"
# The RIE's Runtime API listens here inside its namespace; the functions' only allowed peer.
RUNTIME_API = ("127.0.0.1", 9001)
RIE_PORT = 8080
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Answer:
    """One invocation's answer: HTTP status, X-Amz-Function-Error (our emulator's Invoke API), body."""

    status: int
    body: bytes
    function_error: str | None = None
    seconds: float = 0.0

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def shape(self):
        """The body as JSON with request ids replaced by <id>, or as text when it is not JSON."""
        text = UUID.sub("<id>", self.body.decode())
        try:
            return json.loads(text)
        except ValueError:
            return text


@pytest.fixture(scope="session")
def bin_dir() -> Path:
    path = os.environ.get("TRANSCRIPTOR_BIN_DIR") or subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    directory = Path(path)
    for name in ("echo-function", "auth-login", "transcriptor-local"):
        if not (directory / name).is_file():
            pytest.fail(f"{directory / name} is missing: build first (make build) or set TRANSCRIPTOR_BIN_DIR")
    return directory


@pytest.fixture(scope="session")
def rie_binary() -> Path:
    for tool in ("unshare", "nsenter", "ip", "curl", "strace"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing (scripts/bootstrap.sh installs it)")
    path = subprocess.run([REPO / "scripts" / "rie.sh"], check=True, capture_output=True, text=True).stdout.strip()
    return Path(path)


def invoke_rie(nsenter: list[str], payload: object, timeout: float, process: subprocess.Popen, output) -> Answer:
    """POSTs the event to the invoke path of a RIE listening in another network namespace (entered
    with `nsenter`), retrying while it does not listen yet and `process` runs."""
    url = f"http://127.0.0.1:{RIE_PORT}/2015-03-31/functions/function/invocations"
    deadline = time.monotonic() + 10
    while True:
        started = time.monotonic()
        done = subprocess.run(
            nsenter + ["curl", "-sS", "-X", "POST", "--data-binary", "@-", "-w", "\n%{http_code}", url],
            input=json.dumps(payload).encode(), capture_output=True, timeout=timeout,
        )  # fmt: skip
        if done.returncode == 7 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)  # not listening yet
            continue
        assert done.returncode == 0, f"curl: {done.stderr.decode()}\n{output()}"
        body, _, status = done.stdout.rpartition(b"\n")
        return Answer(int(status), body, seconds=time.monotonic() - started)


class TracedRIE:
    """What every RIE of these tests keeps in its work folder: its output and strace's record."""

    def __init__(self, workdir: Path) -> None:
        self.trace = workdir / "strace.log"
        self.log_path = workdir / "rie.log"
        self.log = open(self.log_path, "wb")

    def connections(self) -> list[str]:
        """The trace's lines that name a peer address (connect, sendto or sendmsg with an address)."""
        lines = self.trace.read_text().splitlines() if self.trace.exists() else []
        return [line for line in lines if "sa_family=" in line]

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class RIE(TracedRIE):
    """AWS's Runtime Interface Emulator holding one function binary, in a network namespace of its
    own, with every connect/sendto of it and the function recorded by strace."""

    def __init__(self, binary: Path, function: Path, env: dict[str, str], workdir: Path, trace: bool = True) -> None:
        super().__init__(workdir)
        rootless = os.geteuid() != 0
        unshare = ["unshare", "--net"] + (["--map-root-user"] if rootless else [])
        self.nsenter = ["nsenter", "-n"] + (["-U", "--preserve-credentials"] if rootless else [])
        command = unshare + [
            "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
        ] + (["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(self.trace)] if trace else []) + [
            str(binary), "--runtime-interface-emulator-address", f"127.0.0.1:{RIE_PORT}", str(function),
        ]  # fmt: skip
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir), "LANG": "C.UTF-8", "TZ": ":UTC"}
        # A session of its own: stopping signals the group (strace and the RIE, which kills the function).
        self.process = subprocess.Popen(
            command, env=base | env, cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def invoke(self, payload: object, timeout: float = 20) -> Answer:
        """POSTs the event to the RIE's invoke path (retrying until it listens)."""
        return invoke_rie(self.nsenter + ["-t", str(self.process.pid)], payload, timeout, self.process, self.output)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def rie(rie_binary: Path, bin_dir: Path, tmp_path: Path):
    """Starts `rie(function, env)`; every RIE started is stopped at the test's end."""
    started: list[RIE] = []

    def start(function: str, env: dict[str, str]) -> RIE:
        workdir = tmp_path / f"rie-{len(started)}"
        workdir.mkdir()
        instance = RIE(rie_binary, bin_dir / function, env, workdir)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.stop()


@dataclass
class Emulator:
    """transcriptor-local serving tests/rie/template.yaml; `invoke` uses its Lambda Invoke API."""

    aws: str
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)

    def invoke(self, function: str, payload: object, timeout: float = 20) -> Answer:
        url = f"{self.aws}/2015-03-31/functions/{function}/invocations"
        signed = AWSRequest(method="POST", url=url, data=json.dumps(payload).encode())
        SigV4Auth(Credentials("local", "local-secret"), "lambda", "us-east-1").add_auth(signed)
        request = urllib.request.Request(url, data=signed.body, headers=dict(signed.headers), method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(
                    response.status, response.read(), response.headers.get("X-Amz-Function-Error"),
                    time.monotonic() - started,
                )  # fmt: skip
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), error.headers.get("X-Amz-Function-Error"), time.monotonic() - started)


def start_emulator(bin_dir: Path, template: Path, data: Path, *extra: str) -> Emulator:
    """transcriptor-local serving `template` with a fresh data folder, once it says READY."""
    process = subprocess.Popen(
        [bin_dir / "transcriptor-local", "serve", "--template", template, "--build-dir", bin_dir,
         "--gateway-port", "0", "--aws-port", "0", "--stripe-port", "0", "--data-dir", data, "--web-root", data / "no-web",
         "--config", "/dev/null", *extra],
        cwd=data, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "TABLE_", "JWT_"))},
    )  # fmt: skip
    lines: list[str] = []
    aws = None
    deadline = time.monotonic() + 30
    for line in process.stdout:
        lines.append(line)
        if line.startswith("READY "):
            aws = json.loads(line[len("READY ") :])["aws"]
            break
        if time.monotonic() > deadline:
            break
    if aws is None:
        process.kill()
        pytest.fail("transcriptor-local did not start:\n" + "".join(lines[-40:]))
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    return Emulator(aws, process, lines)


def stop_emulator(emulator: Emulator) -> None:
    emulator.process.terminate()
    try:
        emulator.process.wait(15)
    except subprocess.TimeoutExpired:
        emulator.process.kill()


@pytest.fixture(scope="session")
def emulator(bin_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    emulator = start_emulator(bin_dir, TEMPLATE, tmp_path_factory.mktemp("emulator"))
    yield emulator
    stop_emulator(emulator)
