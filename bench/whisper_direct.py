#!/usr/bin/env python3
"""The reference measurement of the "whisper" engine: faster-whisper called directly, no worker, no Swift.

For each file of a references TSV (file<TAB>reference text; paths relative to the TSV's folder), it
transcribes the audio with faster-whisper as the worker does (local model folder, int8, beam 5, word
timestamps and VAD on, CPU threads 2 by default) and prints, per file, the WER (bench/wer.py) and the
real-time factor (processing seconds / audio seconds), then the totals as JSON on the last line:

    {"engine":"faster-whisper-direct","model":"tiny.en","wer":0.024,"rtf":0.094,"audio_seconds":..,"processing_seconds":..}

Timed: the transcription of each file, from its path to the last segment (decoding the audio included,
as the worker does it; loading the model excluded). The first file is transcribed once untimed first,
as a warm-up. WER is total errors over total reference words; RTF is total processing seconds over
total audio seconds.

    .venv/bin/python bench/whisper_direct.py [REFS_TSV] [--model .venv/models/tiny.en] [--threads 2]
"""

import argparse
import json
import os
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import wer as wer_module  # noqa: E402  (bench/wer.py)

DEFAULT_REFS = "/work/shared/testdata/audio/refs.tsv"


def main(argv=None):
    parser = argparse.ArgumentParser(description="WER and RTF of faster-whisper called directly.")
    parser.add_argument("refs", nargs="?", default=DEFAULT_REFS, help=f"references TSV (default {DEFAULT_REFS})")
    parser.add_argument("--model", default=os.path.join(ROOT, ".venv", "models", "tiny.en"),
                        help="local model folder (default .venv/models/tiny.en)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads (default 2)")
    parser.add_argument("--compute-type", default="int8", help="default int8")
    parser.add_argument("--beam-size", type=int, default=5, help="default 5")
    parser.add_argument("--language", default="auto", help='"auto" (default: detect) or a language code')
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)

    refs = wer_module.read_tsv(args.refs)
    if not refs:
        parser.error(f"no references in {args.refs}")
    base = os.path.dirname(os.path.abspath(args.refs))
    files = [(name, os.path.join(base, name), text) for name, text in refs.items()]
    for name, path, _ in files:
        if not os.path.isfile(path):
            parser.error(f"audio file missing: {path}")

    from faster_whisper import WhisperModel

    model_dir = os.path.abspath(args.model)
    model_name = os.path.basename(model_dir.rstrip("/"))
    started = time.perf_counter()
    model = WhisperModel(model_dir, device=args.device, compute_type=args.compute_type,
                         cpu_threads=args.threads, local_files_only=True)
    load_seconds = time.perf_counter() - started
    language = None if args.language == "auto" else args.language

    def transcribe(path):
        segments, info = model.transcribe(path, language=language, beam_size=args.beam_size,
                                          word_timestamps=True, vad_filter=True)
        text = " ".join(segment.text.strip() for segment in segments)  # the generator does the work
        return text, info

    transcribe(files[0][1])  # warm-up, untimed

    print(f"# model {model_dir} ({args.compute_type}, beam {args.beam_size}, {args.threads} threads), "
          f"loaded in {load_seconds:.2f}s", file=sys.stderr)
    print("file\taudio_s\tproc_s\trtf\twer\tlanguage\thypothesis")
    total = wer_module.Errors()
    audio_seconds = processing_seconds = 0.0
    for name, path, reference in files:
        started = time.perf_counter()
        hypothesis, info = transcribe(path)
        elapsed = time.perf_counter() - started
        e = wer_module.errors(reference, hypothesis)
        total += e
        audio_seconds += info.duration
        processing_seconds += elapsed
        print(f"{name}\t{info.duration:.2f}\t{elapsed:.3f}\t{elapsed / info.duration:.3f}\t{e.wer:.4f}\t"
              f"{info.language}\t{hypothesis}", flush=True)

    print(json.dumps({
        "engine": "faster-whisper-direct", "model": model_name,
        "wer": round(total.wer, 4), "rtf": round(processing_seconds / audio_seconds, 4),
        "audio_seconds": round(audio_seconds, 3), "processing_seconds": round(processing_seconds, 3),
        "words": total.reference_words, "errors": total.total, "files": len(files),
        "threads": args.threads, "compute_type": args.compute_type, "beam_size": args.beam_size,
    }, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
