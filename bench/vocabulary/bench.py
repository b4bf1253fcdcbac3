#!/usr/bin/env python3
"""Does a vocabulary help whisper with rare words, and which way of passing it helps more?

Speech with rare words (names, drugs, software) is made with espeak-ng, each sentence with its
terms; the recorded speech of ../shared/testdata/audio (refs.tsv) and pocketsphinx's card-game recordings
are the ordinary speech. Each
file is transcribed by faster-whisper (the pinned model, as the engine runs it: beam 5, VAD, word
times) four ways: without a vocabulary, with the terms as `initial_prompt` ("Glossary: a, b."),
as a plain list ("a, b."), and as `hotwords`. Reported: the rare words' error rate (a term not found in the
transcript, ignoring case and punctuation) and the WER of the ordinary recordings, each way.

    .venv/bin/python bench/vocabulary/bench.py [--model .venv/models/tiny.en] [--out DIR]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from wer import errors  # noqa: E402  (bench/wer.py, the WER every benchmark here reports)

# Sentences with the terms a recogniser is unlikely to know (each term appears in its sentence).
RARE = [
    ("Please restart the Kubernetes cluster before Grafana reloads.", ["Kubernetes", "Grafana"]),
    ("Siobhan Nguyen will chair the meeting on Thursday.", ["Siobhan", "Nguyen"]),
    ("The patient takes amlodipine and levothyroxine every morning.", ["amlodipine", "levothyroxine"]),
    ("We moved the billing tables from MySQL to PostgreSQL.", ["PostgreSQL"]),
    ("Zbigniew played Tchaikovsky at the winter concert.", ["Zbigniew", "Tchaikovsky"]),
    ("Our Terraform module provisions the Kafka brokers.", ["Terraform", "Kafka"]),
    ("Dr. Okonkwo prescribed metformin for the trial.", ["Okonkwo", "metformin"]),
    ("The Xiaomi phone synced with the Raspberry Pi.", ["Xiaomi", "Raspberry"]),
    ("Send the invoice to Aoife Ni Bhriain in Galway.", ["Aoife", "Galway"]),
    ("The Anthropic team reviewed the Transcriptor roadmap.", ["Anthropic", "Transcriptor"]),
]
TERMS = sorted({term for _, terms in RARE for term in terms})


def normalize(text):
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def speak(text, path):
    raw = path + ".raw.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, text], check=True)
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", raw, "-ar", "16000", "-ac", "1", path], check=True)
    os.remove(raw)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.path.join(ROOT, ".venv/models/tiny.en"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--markdown", action="store_true", help="end with the table's rows (BENCHMARKS.md)")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    model = WhisperModel(args.model, device="cpu", compute_type="int8", cpu_threads=2)
    folder = args.out or tempfile.mkdtemp(prefix="vocabulary-")
    os.makedirs(folder, exist_ok=True)
    rare = []
    for index, (text, terms) in enumerate(RARE):
        path = os.path.join(folder, f"rare-{index}.wav")
        if not os.path.exists(path):
            speak(text, path)
        rare.append((path, text, terms))
    audio = os.path.join(ROOT, "..", "shared", "testdata", "audio")
    ordinary = []
    with open(os.path.join(audio, "refs.tsv")) as refs:
        next(refs)
        for line in refs:
            name, reference = line.rstrip("\n").split("\t", 1)
            if name.endswith(".wav"):
                ordinary.append((os.path.join(audio, name), reference))
    # pocketsphinx's card-game recordings (Debian's pocketsphinx-testdata), with their transcripts.
    cards = "/usr/share/pocketsphinx/test/data/cards"
    if os.path.exists(f"{cards}/cards.transcription"):
        with open(f"{cards}/cards.transcription") as lines:
            for line in lines:
                match = re.match(r"<s>(.*)</s> \((\d+)\)", line.strip())
                if match:
                    ordinary.append((f"{cards}/{match.group(2)}.wav", match.group(1).strip()))

    prompt = "Glossary: " + ", ".join(TERMS) + "."
    ways = {
        "none": {},
        "glossary_prompt": {"initial_prompt": prompt},
        "list_prompt": {"initial_prompt": ", ".join(TERMS) + "."},
        "hotwords": {"hotwords": " ".join(TERMS)},
    }

    def run(path, extra):
        segments, _ = model.transcribe(path, language="en", beam_size=5, vad_filter=True, word_timestamps=True, **extra)
        return " ".join(segment.text.strip() for segment in segments)

    results = {}
    for way, extra in ways.items():
        started = time.time()
        missed = total = 0
        examples = []
        for path, text, terms in rare:
            hypothesis = run(path, extra)
            words = set(normalize(hypothesis))
            for term in terms:
                total += 1
                if not set(normalize(term)) <= words:
                    missed += 1
            examples.append(hypothesis)
        counted = sum((errors(reference, run(path, extra)) for path, reference in ordinary), start=errors("", ""))
        results[way] = {
            "rare_word_error_rate": round(missed / total, 3), "rare_terms": total,
            "ordinary_wer": round(counted.wer, 4), "ordinary_words": counted.reference_words,
            "ordinary_errors": counted.total,
            "seconds": round(time.time() - started, 1), "examples": examples,
        }
        print(json.dumps({"way": way, **{k: v for k, v in results[way].items() if k != "examples"}}), flush=True)
    print(json.dumps(results, indent=1))
    if args.markdown:
        for way, r in results.items():
            print(f"| {way} | {r['rare_word_error_rate'] * 100:.1f} % ({r['rare_terms']} terms) | "
                  f"{r['ordinary_wer'] * 100:.2f} % ({r['ordinary_errors']} of {r['ordinary_words']} words) | {r['seconds']} |")


if __name__ == "__main__":
    main()
