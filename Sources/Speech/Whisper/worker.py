#!/usr/bin/env python3
"""Persistent faster-whisper worker of the "whisper" speech engine.

Started once per warm function instance by the Swift side, which talks to it over stdin/stdout:

    python -u worker.py --model DIR [--compute-type int8] [--threads N] [--device cpu]

DIR is a local CTranslate2 Whisper model folder (model.bin, config.json, tokenizer.json, vocabulary.txt),
as assembled by scripts/install-models.sh under .venv/models/ (tiny.en, base). Nothing is ever downloaded:
HF_HUB_OFFLINE=1 is set and the model is loaded with local_files_only; the Silero VAD model is the one
bundled in the faster-whisper package.

Protocol: UTF-8 JSON, one object per line. stdout carries protocol lines only; everything else goes to
stderr: the worker's logs as JSON lines ({"level":..,"source":"whisper-worker","message":..,...}), and
whatever a library prints. Read or inherit stderr: a pipe nobody reads would block the worker.

  1. After the model (and the VAD model) are loaded, exactly one line:
         {"ready":true,"model":"DIR","multilingual":false}
     If loading fails, instead: {"ready":false,"error":{"code":"engine_error","message":"..."}} and exit 1.
  2. Then one request per stdin line, answered by one stdout line, in order:
         {"id":"7","audio":"/abs/path.wav","language":"auto","beam_size":5,"vad":true,
          "word_timestamps":true,"initial_prompt":null,"hotwords":null,"task":"transcribe"}
     Only "id" and "audio" are required; the others default to the values shown. "task" "translate"
     gives English text of speech in any language (a multilingual model only; "language" is then the
     language spoken, as detected or given). "language" is "auto"
     (or null) to detect it, or a language code the model supports ("en" only, for an English-only
     model such as tiny.en, where "auto" yields "en").
         {"id":"7","ok":true,"language":"en","language_probability":0.98,"duration":11.0,
          "segments":[{"start":0.0,"end":2.1,"text":"And so my fellow Americans,",
                       "words":[{"start":0.0,"end":0.4,"word":"And","probability":0.91}]}]}
     Times are seconds rounded to milliseconds, texts stripped of surrounding spaces, segments in order;
     "duration" is the length of the decoded audio; "words" is [] when word_timestamps is false.
     On failure:
         {"id":"7","ok":false,"error":{"code":"bad_audio"|"bad_request"|"engine_error","message":"..."}}
     bad_request: not JSON, not an object, a missing or ill-typed field, an unsupported language
     ("id" is echoed when it is a string or a number, else null); bad_audio: the file is missing,
     unreadable, not decodable audio, or holds no samples; engine_error: the transcription itself failed.
     No request, however bad, ends the worker.
  3. EOF on stdin: exit 0.

Test hooks, for the crash and timeout handling of the Swift side; honoured ONLY when the environment has
WHISPER_WORKER_TEST_HOOKS=1 (otherwise such requests are a bad_request):
    {"id":"x","crash":true}    the worker exits at once with status 3 (os._exit(3)), answering nothing;
    {"id":"x","sleep":SECONDS} the worker sleeps SECONDS, then answers
                               {"id":"x","ok":true,"language":null,"language_probability":0.0,
                                "duration":0.0,"segments":[]}.
Fault injection for the reliability tests, also only with WHISPER_WORKER_TEST_HOOKS=1:
    WHISPER_WORKER_CRASH_RATE=0.05   that share of transcription requests crash the worker (exit 3)
                                     half-way through, answering nothing.
"""

import argparse
import json
import random
import logging
import math
import os
import sys
import time

# Offline, before faster_whisper (and huggingface_hub) are imported.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

# The protocol channel is a private copy of the original stdout; fd 1 and sys.stdout are pointed at
# stderr so that nothing else (Python prints, C libraries writing to fd 1) can corrupt the protocol.
_protocol = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

LOG = logging.getLogger("whisper-worker")


def send(message):
    _protocol.write(json.dumps(message, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n")
    _protocol.flush()


def log(message, **fields):
    LOG.info(message, extra={"fields": fields})


class JSONLogFormatter(logging.Formatter):
    """One JSON object per log line on stderr, as the project's other logs (DESIGN.md)."""

    def format(self, record):
        entry = {"level": record.levelname.lower(), "source": "whisper-worker", "logger": record.name,
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


def prob(value):
    value = float(value)
    return round(value, 4) if math.isfinite(value) else 0.0


def default_threads():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Persistent faster-whisper worker (JSON lines on stdin/stdout).")
    parser.add_argument("--model", required=True, help="local CTranslate2 Whisper model folder")
    parser.add_argument("--compute-type", default="int8", help="CTranslate2 compute type (default int8)")
    parser.add_argument("--threads", type=int, default=default_threads(),
                        help="CPU threads of the model (default: the CPUs this process may use)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or auto")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


class Worker:
    def __init__(self, args):
        self.args = args
        self.test_hooks = os.environ.get("WHISPER_WORKER_TEST_HOOKS") == "1"
        try:
            self.crash_rate = float(os.environ.get("WHISPER_WORKER_CRASH_RATE", "0")) if self.test_hooks else 0.0
        except ValueError:
            self.crash_rate = 0.0

    def load(self):
        model_dir = self.args.model
        if not os.path.isfile(os.path.join(model_dir, "model.bin")):
            raise RuntimeError(f"no model.bin in {model_dir!r} (run scripts/install-models.sh)")
        if not os.path.isfile(os.path.join(model_dir, "tokenizer.json")):
            # faster-whisper would fetch the tokenizer from the Hugging Face Hub.
            raise RuntimeError(f"no tokenizer.json in {model_dir!r}")
        started = time.monotonic()
        import faster_whisper
        from faster_whisper.audio import decode_audio
        from faster_whisper.vad import get_vad_model

        self.decode_audio = decode_audio
        self.model = faster_whisper.WhisperModel(
            model_dir,
            device=self.args.device,
            compute_type=self.args.compute_type,
            cpu_threads=self.args.threads,
            local_files_only=True,
        )
        # The VAD model (bundled ONNX file, onnxruntime) is otherwise loaded on first use: load it now,
        # so that a missing onnxruntime shows at start and the first request is not slower.
        get_vad_model()
        self.multilingual = bool(self.model.model.is_multilingual)
        self.languages = set(self.model.supported_languages)
        self.sampling_rate = self.model.feature_extractor.sampling_rate
        log("model loaded", model=model_dir, multilingual=self.multilingual, device=self.args.device,
            compute_type=self.args.compute_type, threads=self.args.threads,
            seconds=round(time.monotonic() - started, 3))

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
        if self.crash_rate > 0 and random.random() < self.crash_rate:
            log("fault injection: crashing mid-request", id=request_id)
            os._exit(3)

        audio_path = request.get("audio")
        if not isinstance(audio_path, str) or not audio_path:
            raise RequestError("bad_request", '"audio" must be the path of an audio file')

        language = request.get("language", "auto")
        if language is None or language == "auto":
            language = None
        elif not isinstance(language, str):
            raise RequestError("bad_request", '"language" must be "auto" or a language code')
        else:
            language = language.strip().lower()
            if language not in self.languages:
                if not self.multilingual:
                    raise RequestError("bad_request",
                                       f'this model is English-only: language must be "auto" or "en", not "{language}"')
                raise RequestError("bad_request", f'unsupported language "{language}"')

        beam_size = request.get("beam_size", 5)
        if isinstance(beam_size, bool) or not isinstance(beam_size, int) or not 1 <= beam_size <= 20:
            raise RequestError("bad_request", '"beam_size" must be an integer from 1 to 20')
        vad = request.get("vad", True)
        if not isinstance(vad, bool):
            raise RequestError("bad_request", '"vad" must be true or false')
        word_timestamps = request.get("word_timestamps", True)
        if not isinstance(word_timestamps, bool):
            raise RequestError("bad_request", '"word_timestamps" must be true or false')
        initial_prompt = request.get("initial_prompt")
        if initial_prompt is not None and not isinstance(initial_prompt, str):
            raise RequestError("bad_request", '"initial_prompt" must be a string or null')
        if initial_prompt == "":
            initial_prompt = None
        hotwords = request.get("hotwords")
        if hotwords is not None and not isinstance(hotwords, str):
            raise RequestError("bad_request", '"hotwords" must be a string or null')
        task = request.get("task", "transcribe")
        if task not in ("transcribe", "translate"):
            raise RequestError("bad_request", '"task" must be "transcribe" or "translate"')
        if task == "translate" and not self.multilingual:
            raise RequestError("bad_request", "this model is English-only: it cannot translate")
        options = {"initial_prompt": initial_prompt, "hotwords": hotwords or None, "task": task}

        audio = self.load_audio(audio_path)
        duration = audio.shape[0] / self.sampling_rate

        started = time.monotonic()
        try:
            out, info = self.run(audio, language, beam_size, vad, word_timestamps, options)
        except IndexError as error:
            if not word_timestamps:
                LOG.exception("transcription of %s failed", audio_path)
                raise RequestError("engine_error", f"transcription failed: {type(error).__name__}: {error}")
            # faster-whisper's word alignment fails when CTranslate2 returns an empty alignment for
            # a segment (a hallucinated segment past the clip's end; faster-whisper PR #1460, open).
            # The words are still right: transcribe again without word alignment and spread each
            # segment's words over its time, without confidences.
            log("word alignment failed; words spread over their segments", id=request_id, error=str(error))
            try:
                out, info = self.run(audio, language, beam_size, vad, False, options)
            except Exception as again:
                LOG.exception("transcription of %s failed", audio_path)
                raise RequestError("engine_error", f"transcription failed: {type(again).__name__}: {again}")
            for segment in out:
                segment["words"] = spread_words(segment)
        except RequestError:
            raise
        except Exception as error:
            LOG.exception("transcription of %s failed", audio_path)
            raise RequestError("engine_error", f"transcription failed: {type(error).__name__}: {error}")
        log("transcribed", id=request_id, audio=audio_path, duration=ms(duration), language=info.language,
            segments=len(out), seconds=round(time.monotonic() - started, 3))
        return {"id": request_id, "ok": True, "language": info.language,
                "language_probability": prob(info.language_probability), "duration": ms(duration),
                "segments": out}

    def run(self, audio, language, beam_size, vad, word_timestamps, options):
        """The segments (as answered) and faster-whisper's info for one transcription."""
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=beam_size,
            vad_filter=vad,
            word_timestamps=word_timestamps,
            **options,
        )
        out = []
        for segment in segments:
            text = segment.text.strip()
            words = []
            for word in segment.words or []:
                w = word.word.strip()
                if w:
                    words.append({"start": ms(word.start), "end": ms(word.end), "word": w,
                                  "probability": prob(word.probability)})
            if not text and not words:
                continue
            out.append({"start": ms(segment.start), "end": ms(segment.end), "text": text, "words": words})
        return out, info

    def load_audio(self, path):
        if not os.path.exists(path):
            raise RequestError("bad_audio", f"audio file not found: {path}")
        if not os.path.isfile(path):
            raise RequestError("bad_audio", f"not a regular file: {path}")
        if not os.access(path, os.R_OK):
            raise RequestError("bad_audio", f"audio file not readable: {path}")
        if os.path.getsize(path) == 0:
            raise RequestError("bad_audio", f"audio file is empty: {path}")
        try:
            audio = self.decode_audio(path, sampling_rate=self.sampling_rate)
        except Exception as error:
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise RequestError("bad_audio", f"cannot decode audio ({type(error).__name__}): {reason}")
        if audio.ndim != 1 or audio.shape[0] == 0:
            raise RequestError("bad_audio", "the file holds no decodable audio samples")
        return audio

    def test_hook(self, request_id, request):
        if not self.test_hooks:
            raise RequestError("bad_request", '"crash" and "sleep" are test hooks, enabled only by WHISPER_WORKER_TEST_HOOKS=1')
        if request.get("crash") is True:
            log("test hook: crashing", id=request_id)
            os._exit(3)
        seconds = request.get("sleep")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= 3600:
            raise RequestError("bad_request", '"sleep" must be a number of seconds from 0 to 3600')
        time.sleep(seconds)
        return {"id": request_id, "ok": True, "language": None, "language_probability": 0.0,
                "duration": 0.0, "segments": []}

    def serve(self):
        for raw in sys.stdin.buffer:
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            send(self.handle_line(line))


def spread_words(segment):
    """A segment's words spread evenly over its time (when the aligner could not place them)."""
    texts = segment["text"].split()
    if not texts:
        return []
    step = max(segment["end"] - segment["start"], 0.001) / len(texts)
    return [{"start": ms(segment["start"] + index * step), "end": ms(segment["start"] + (index + 1) * step),
             "word": text, "probability": None} for index, text in enumerate(texts)]


def main(argv=None):
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONLogFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)
    args = parse_args(argv)
    worker = Worker(args)
    try:
        worker.load()
    except Exception as error:
        LOG.exception("cannot load the model %s", args.model)
        send({"ready": False, "error": {"code": "engine_error",
                                        "message": f"cannot load the model {args.model}: {type(error).__name__}: {error}"}})
        return 1
    send({"ready": True, "model": args.model, "multilingual": worker.multilingual})
    try:
        worker.serve()
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
