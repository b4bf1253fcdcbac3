#!/usr/bin/env python3
"""The emulator's metrics endpoint shows the counts of a test run's jobs (issue 10's observability
test): what the functions print as CloudWatch Embedded Metric Format, /_local/metrics serves as
Prometheus counters, so what an operator sees locally is what the dashboard shows in the cloud.

    scripts/with-emulator.sh scripts/check-metrics.py '$GATEWAY_URL'

Signs up a fresh user, uploads two recordings and one file that is not media, follows the three
jobs to their end, and checks that the counters moved by exactly this run's jobs: two completed
(with their audio seconds and one engine real-time factor per chunk), one failed at transcode,
two transcoded. Deletes the account afterwards. Standard library only; talks to the given
gateway (this machine) and the presigned URLs it hands out, nothing else.
"""

import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
import uuid

AUDIO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "testdata", "audio", "jfk.wav")
AUDIO_SECONDS = 11.0  # jfk.wav
TIMEOUT = float(os.environ.get("METRICS_JOB_TIMEOUT", "240"))


def call(method, url, body=None, token=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text and text[0] in "[{" else text)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def counters(gateway):
    """{(metric, frozenset of labels): value} from /_local/metrics."""
    status, text = call("GET", f"{gateway}/_local/metrics")
    assert status == 200, f"/_local/metrics answered {status}"
    values = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+)\{([^}]*)\} (\S+)$", line)
        if m:
            labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
            values[(m.group(1), labels)] = float(m.group(3))
    return values


def total(values, metric, **labels):
    wanted = set(labels.items())
    return sum(v for (name, lbls), v in values.items() if name == metric and wanted <= set(lbls))


def upload(gateway, token, path, content_type):
    size = os.path.getsize(path)
    status, created = call("POST", f"{gateway}/v1/jobs", token=token, body={
        "source": {"upload": {"filename": os.path.basename(path), "contentType": content_type, "size": size}}})
    assert status == 201, f"POST /v1/jobs answered {status}: {created}"
    with open(path, "rb") as f:
        status, answer = call("PUT", created["upload"]["url"], raw=f.read(), headers={"Content-Type": content_type})
    assert status == 200, f"the upload answered {status}: {answer}"
    return created["job"]["id"]


def finished(gateway, token, job_id):
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        status, job = call("GET", f"{gateway}/v1/jobs/{job_id}", token=token)
        assert status == 200, f"GET /v1/jobs/{job_id} answered {status}"
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish in {TIMEOUT:.0f} s")


def main():
    gateway = sys.argv[1].rstrip("/")
    before = counters(gateway)
    email, password = f"metrics-{uuid.uuid4().hex[:12]}@example.com", f"metrics {uuid.uuid4().hex}"
    status, session = call("POST", f"{gateway}/v1/auth/signup", body={"email": email, "password": password})
    assert status == 201, f"signup answered {status}: {session}"
    token = session["accessToken"]
    not_media = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"not-media-{uuid.uuid4().hex[:8]}.mp3")
    with open(not_media, "w") as f:
        f.write("These are notes, not a recording.\n")
    try:
        jobs = [upload(gateway, token, AUDIO, "audio/wav") for _ in range(2)]
        jobs.append(upload(gateway, token, not_media, "audio/mpeg"))
        outcomes = [finished(gateway, token, job)["status"] for job in jobs]
        assert outcomes == ["done", "done", "failed"], f"the jobs ended {outcomes}"
        # The EMF lines reach the emulator through the functions' output: give the last a moment.
        checks = []
        for _ in range(20):
            after = counters(gateway)

            def delta(metric, **labels):
                return total(after, metric, **labels) - total(before, metric, **labels)

            checks = [
                ("JobsCompleted counts the 2 finished jobs", delta("emf_JobsCompleted_total", namespace="Transcriptor"), 2),
                ("JobsFailed{stage=transcode} counts the file that is not media",
                 delta("emf_JobsFailed_total", namespace="Transcriptor", stage="transcode"), 1),
                ("AudioSecondsTranscribed meters 2 × 11 s", round(delta("emf_AudioSecondsTranscribed_total"), 0),
                 2 * AUDIO_SECONDS),
                ("RealTimeFactor has one value per chunk", delta("emf_RealTimeFactor_count"), 2),
                ("StageDuration{stage=transcode} has one value per transcoded job",
                 delta("emf_StageDuration_count", stage="transcode"), 2),
                ("JobsCreated counts the 3 jobs", delta("emf_JobsCreated_total"), 3),
            ]
            if all(got == want for _, got, want in checks):
                break
            time.sleep(0.25)
        failed = 0
        for what, got, want in checks:
            ok = got == want
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f": moved by {got}, expected {want}"))
        print(f"metrics: {len(checks) - failed} passed, {failed} failed")
        return 1 if failed else 0
    finally:
        os.remove(not_media)
        call("DELETE", f"{gateway}/v1/me", token=token, body={"password": password})


if __name__ == "__main__":
    sys.exit(main())
