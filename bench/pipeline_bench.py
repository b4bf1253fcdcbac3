#!/usr/bin/env python3
"""End-to-end time of the pipeline beside the engine alone, on the same audio and the same cores.

Makes a ~10.5-minute recording (the WAV recordings of ../shared/testdata/audio, each followed by a
second of silence, fifteen times over, as mp3), then measures:

- the engine alone: faster-whisper called directly on the whole file (bench/whisper_direct.py's
  settings: tiny.en, int8, beam 5, VAD and word timestamps on, 2 threads), model load excluded;
- the pipeline: transcriptor-local serving template.yaml from BIN_DIR, one user uploading the file
  through the API; timed from the job's creation to `done` (upload, transcode, chunked parallel
  transcription, merge), with 1 and then 2 transcribe workers (the 2 cores shared between them).

    .venv/bin/python bench/pipeline_bench.py BIN_DIR [--workers 1,2] [--chunk-seconds 60]

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


def make_recording(folder, repeats=15):
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
    mp3 = os.path.join(folder, "ten-minutes.mp3")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(repeats - 1), "-i", once,
                    "-c:a", "libmp3lame", "-b:a", "64k", mp3], check=True)
    wav = os.path.join(folder, "ten-minutes.wav")
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


def pipeline(bin_dir, mp3, reference, workers, chunk_seconds):
    folder = tempfile.mkdtemp(prefix="pipeline-bench-")
    config = os.path.join(folder, "config.env")
    with open(config, "w") as handle:
        handle.write(f"URL_ALLOWED_HOSTS=127.0.0.1,localhost\nWHISPER_THREADS={max(1, 2 // workers)}\n")
    log = open(os.path.join(folder, "emulator.log"), "w+")
    emulator = subprocess.Popen(
        [os.path.join(bin_dir, "transcriptor-local"), "serve", "--template", os.path.join(ROOT, "template.yaml"),
         "--gateway-port", "0", "--aws-port", "0", "--data-dir", os.path.join(folder, "data"), "--build-dir", bin_dir,
         "--web-root", "/nonexistent", "--config", config, "--quiet",
         "--parameter", f"TranscribeConcurrency={workers}", "--parameter", f"ChunkSeconds={chunk_seconds}",
         "--parameter", "MaxUploadBytes=100000000"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        gateway = None
        for _ in range(300):
            log.seek(0)
            for line in log.read().splitlines():
                if line.startswith("READY "):
                    gateway = json.loads(line[6:])["gateway"]
            if gateway:
                break
            time.sleep(0.1)
        if not gateway:
            raise RuntimeError("the emulator did not start")
        session = request("POST", f"{gateway}/v1/auth/signup",
                          {"email": "bench@example.com", "password": "correct horse battery staple"})
        token = session["accessToken"]
        size = os.path.getsize(mp3)
        started = time.monotonic()
        created = request("POST", f"{gateway}/v1/jobs", {"source": {"upload": {
            "filename": "ten-minutes.mp3", "contentType": "audio/mpeg", "size": size}}}, token=token)
        with open(mp3, "rb") as handle:
            request("PUT", created["upload"]["url"], data=handle.read(), headers={"Content-Type": "audio/mpeg"})
        job_id = created["job"]["id"]
        while True:
            job = request("GET", f"{gateway}/v1/jobs/{job_id}", token=token)
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        seconds = time.monotonic() - started
        if job["status"] != "done":
            raise RuntimeError(f"the job failed: {job.get('error')}")
        transcript = request("GET", f"{gateway}/v1/jobs/{job_id}/transcript?format=json", token=token)
        return {"run": f"pipeline end to end, {workers} transcribe worker(s)", "seconds": round(seconds, 2),
                "audio_seconds": job["durationSec"], "chunks": job["progress"]["chunksTotal"],
                "wer": round(wer.wer(reference, transcript["text"]), 4)}
    finally:
        os.killpg(emulator.pid, signal.SIGTERM)
        try:
            emulator.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(emulator.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--chunk-seconds", type=int, default=60)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pipeline-audio-")
    try:
        mp3, wav, reference = make_recording(folder)
        results = [engine_alone(wav, reference, threads=2)]
        print(json.dumps(results[-1]), flush=True)
        for workers in [int(w) for w in args.workers.split(",")]:
            results.append(pipeline(os.path.abspath(args.bin_dir), mp3, reference, workers, args.chunk_seconds))
            print(json.dumps(results[-1]), flush=True)
        base = results[0]["seconds"]
        for result in results:
            result["ratio"] = round(result["seconds"] / base, 2)
        print(json.dumps(results))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
