#!/usr/bin/env python3
"""End-to-end time of the pipeline beside the engine alone, on the same audio and the same cores.

Makes a ~10.5-minute recording (the WAV recordings of ../shared/testdata/audio, each followed by a
second of silence, fifteen times over, as mp3), then measures:

- the engine alone: faster-whisper called directly on the whole file (bench/whisper_direct.py's
  settings: tiny.en, int8, beam 5, VAD and word timestamps on, 2 threads), model load excluded;
- the pipeline: transcriptor-local serving template.yaml from BIN_DIR, one user uploading the file
  through the API; timed from the job's creation to `done` (upload, transcode, chunked parallel
  transcription, merge), with 2 transcribe workers (the 2 cores shared between them; 2 is the
  least TranscribeConcurrency, the transcribe queue's MaximumConcurrency on AWS).

    .venv/bin/python bench/pipeline_bench.py BIN_DIR [--workers 2] [--chunk-seconds 60]

Prints a JSON line per measurement and a last JSON line with everything.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
AUDIO = os.path.join(os.path.dirname(ROOT), "shared", "testdata", "audio")
sys.path.insert(0, HERE)
import wer  # noqa: E402


def references():
    rows = []
    with open(os.path.join(AUDIO, "refs.tsv"), encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            name, text = line.rstrip("\n").split("\t", 1)
            if name.endswith(".wav"):
                rows.append((os.path.join(AUDIO, name), text))
    return rows


def make_recording(folder, repeats=15, name="ten-minutes"):
    rows = references()
    once = os.path.join(folder, "once.wav")
    args = ["ffmpeg", "-v", "error", "-y"]
    for path, _ in rows:
        args += ["-i", path]
    pads = "".join(f"[{i}:a]apad=pad_dur=1[a{i}];" for i in range(len(rows)))
    chain = "".join(f"[a{i}]" for i in range(len(rows)))
    args += ["-filter_complex", f"{pads}{chain}concat=n={len(rows)}:v=0:a=1[out]", "-map", "[out]",
             "-ar", "16000", "-ac", "1", once]
    subprocess.run(args, check=True)
    mp3 = os.path.join(folder, f"{name}.mp3")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(repeats - 1), "-i", once,
                    "-c:a", "libmp3lame", "-b:a", "64k", mp3], check=True)
    wav = os.path.join(folder, f"{name}.wav")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", mp3, "-ar", "16000", "-ac", "1", wav], check=True)
    reference = " ".join([" ".join(text for _, text in rows)] * repeats)
    return mp3, wav, reference


def engine_alone(wav, reference, threads):
    os.environ["HF_HUB_OFFLINE"] = "1"
    from faster_whisper import WhisperModel
    model = WhisperModel(os.path.join(ROOT, ".venv", "models", "tiny.en"), device="cpu",
                         compute_type="int8", cpu_threads=threads)
    started = time.monotonic()
    segments, info = model.transcribe(wav, language="en", beam_size=5, vad_filter=True, word_timestamps=True)
    text = " ".join(segment.text.strip() for segment in segments)
    seconds = time.monotonic() - started
    return {"run": "faster-whisper alone, whole file", "seconds": round(seconds, 2),
            "audio_seconds": round(info.duration, 2), "wer": round(wer.wer(reference, text), 4)}


def request(method, url, body=None, token=None, headers=None, data=None):
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    with urllib.request.urlopen(req, timeout=120) as response:
        payload = response.read()
        return json.loads(payload) if payload else None


class Emulator:
    """transcriptor-local serving template.yaml from BIN_DIR with a fresh data folder."""

    def __init__(self, bin_dir, workers, chunk_seconds, parameters=None, environment=None, images=False,
                 build_dir=None):
        self.folder = tempfile.mkdtemp(prefix="pipeline-bench-")
        config = os.path.join(self.folder, "config.env")
        with open(config, "w") as handle:
            handle.write(f"URL_ALLOWED_HOSTS=127.0.0.1,localhost\nWHISPER_THREADS={max(1, 2 // workers)}\n")
        self.log_path = os.path.join(self.folder, "emulator.log")
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen(
            [os.path.join(bin_dir, "transcriptor-local"), "serve", "--template", os.path.join(ROOT, "template.yaml"),
             "--gateway-port", "0", "--aws-port", "0", "--stripe-port", "0", "--data-dir", os.path.join(self.folder, "data"),
             "--build-dir", build_dir or bin_dir, "--web-root", "/nonexistent", "--config", config,
             "--parameter", f"TranscribeConcurrency={workers}", "--parameter", f"ChunkSeconds={chunk_seconds}",
             "--parameter", "MaxUploadBytes=1000000000", "--parameter", "JobsInFlight=100",
             "--parameter", "MonthlyAudioMinutes=100000"]
            + [arg for name, value in (parameters or {}).items() for arg in ("--parameter", f"{name}={value}")]
            + (["--images"] if images else []),
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(environment or {})})
        self.gateway = None
        for _ in range(300):
            self.log.seek(0)
            for line in self.log.read().splitlines():
                if line.startswith("READY "):
                    self.gateway = json.loads(line[6:])["gateway"]
            if self.gateway:
                return
            time.sleep(0.1)
        self.close()
        raise RuntimeError("the emulator did not start")

    def signup(self, email):
        return request("POST", f"{self.gateway}/v1/auth/signup",
                       {"email": email, "password": "correct horse battery staple"})["accessToken"]

    def submit(self, token, path, content_type):
        size = os.path.getsize(path)
        created = request("POST", f"{self.gateway}/v1/jobs", {"source": {"upload": {
            "filename": os.path.basename(path), "contentType": content_type, "size": size}}}, token=token)
        with open(path, "rb") as handle:
            request("PUT", created["upload"]["url"], data=handle.read(), headers={"Content-Type": content_type})
        return created["job"]["id"]

    def wait(self, token, job_id, poll=0.2):
        while True:
            job = request("GET", f"{self.gateway}/v1/jobs/{job_id}", token=token)
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(poll)

    def peak_memory(self):
        """The largest "Max Memory Used" of each function's REPORT lines, in MB."""
        peaks = {}
        self.log.seek(0)
        for line in self.log.read().splitlines():
            if "REPORT RequestId" in line and "Max Memory Used:" in line:
                function = line.split("]", 1)[0].lstrip("[")
                used = int(line.split("Max Memory Used:")[1].split("MB")[0])
                peaks[function] = max(peaks.get(function, 0), used)
        return peaks

    def close(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def pipeline(bin_dir, mp3, reference, workers, chunk_seconds, label, images=False, build_dir=None):
    emulator = Emulator(bin_dir, workers, chunk_seconds, images=images, build_dir=build_dir)
    try:
        token = emulator.signup("bench@example.com")
        started = time.monotonic()
        job_id = emulator.submit(token, mp3, "audio/mpeg")
        job = emulator.wait(token, job_id)
        seconds = time.monotonic() - started
        if job["status"] != "done":
            raise RuntimeError(f"the job failed: {job.get('error')}")
        transcript = request("GET", f"{emulator.gateway}/v1/jobs/{job_id}/transcript?format=json", token=token)
        return {"run": f"{label}: pipeline end to end, {workers} transcribe worker(s)", "seconds": round(seconds, 2),
                "audio_seconds": job["durationSec"], "chunks": job["progress"]["chunksTotal"],
                "wer": round(wer.wer(reference, transcript["text"]), 4), "peak_mb": emulator.peak_memory()}
    finally:
        emulator.close()


def load(bin_dir, jobs, users, workers):
    """`jobs` jobs of jfk.wav from `users` users at once: API latency percentiles and time to transcript."""
    import concurrent.futures
    emulator = Emulator(bin_dir, workers, 300)
    latencies = []
    finished = []
    try:
        tokens = [emulator.signup(f"load-{index}@example.com") for index in range(users)]
        wav = os.path.join(AUDIO, "jfk.wav")
        started = time.monotonic()

        def one(number):
            token = tokens[number % users]
            begin = time.monotonic()
            job_id = emulator.submit(token, wav, "audio/wav")
            latencies.append(time.monotonic() - begin)
            while True:
                t0 = time.monotonic()
                job = request("GET", f"{emulator.gateway}/v1/jobs/{job_id}", token=token)
                latencies.append(time.monotonic() - t0)
                if job["status"] in ("done", "failed"):
                    finished.append((job["status"], time.monotonic() - begin))
                    return
                time.sleep(0.5)

        with concurrent.futures.ThreadPoolExecutor(max_workers=users) as pool:
            list(pool.map(one, range(jobs)))
        elapsed = time.monotonic() - started
        latencies.sort()
        done = sorted(seconds for status, seconds in finished if status == "done")

        def pct(values, p):
            return round(values[min(len(values) - 1, int(len(values) * p))] * 1000, 1)

        return {"run": f"load: {jobs} jobs from {users} users, {workers} workers", "seconds": round(elapsed, 1),
                "done": len(done), "failed": len(finished) - len(done), "requests": len(latencies),
                "api_p50_ms": pct(latencies, 0.5), "api_p95_ms": pct(latencies, 0.95), "api_p99_ms": pct(latencies, 0.99),
                "transcript_p50_s": round(done[len(done) // 2], 1) if done else None,
                "transcript_p95_s": round(done[int(len(done) * 0.95)], 1) if done else None,
                "jobs_per_minute": round(len(done) / elapsed * 60, 1)}
    finally:
        emulator.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("--workers", default="2")
    parser.add_argument("--chunk-seconds", type=int, default=60)
    parser.add_argument("--hour", action="store_true", help="also a 1-hour recording (peak memory per stage)")
    parser.add_argument("--load", default="", help="JOBS,USERS: a concurrent load of short jobs")
    parser.add_argument("--load-only", action="store_true",
                        help="only the load run; exits non-zero unless every job is done (make test-long)")
    args = parser.parse_args()
    if args.load_only:
        jobs, users = (int(x) for x in (args.load or "200,20").split(","))
        result = load(os.path.abspath(args.bin_dir), jobs, users, 2)
        print(json.dumps(result))
        sys.exit(0 if result["done"] == jobs else 1)
    bin_dir = os.path.abspath(args.bin_dir)
    folder = tempfile.mkdtemp(prefix="pipeline-audio-")
    results = []
    try:
        for label, repeats in (("1.4-minute recording", 2), ("10.5-minute recording", 15)):
            mp3, wav, reference = make_recording(folder, repeats, name=f"r{repeats}")
            alone = engine_alone(wav, reference, threads=2)
            alone["run"] = f"{label}: faster-whisper alone, whole file"
            results.append(alone)
            print(json.dumps(alone), flush=True)
            for workers in [int(w) for w in args.workers.split(",")]:
                result = pipeline(bin_dir, mp3, reference, workers, args.chunk_seconds, label)
                result["ratio"] = round(result["seconds"] / alone["seconds"], 2)
                results.append(result)
                print(json.dumps(result), flush=True)
            alone["ratio"] = 1.0
        if args.hour:
            mp3, wav, reference = make_recording(folder, 86, name="hour")
            result = pipeline(bin_dir, mp3, reference, 2, 300, "1-hour recording")
            results.append(result)
            print(json.dumps(result), flush=True)
        if args.load:
            jobs, users = (int(x) for x in args.load.split(","))
            result = load(bin_dir, jobs, users, 2)
            results.append(result)
            print(json.dumps(result), flush=True)
        print(json.dumps(results))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
