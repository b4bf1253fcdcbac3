#!/usr/bin/env python3
"""The speakers benchmark of `make bench`: the diarize stage's engine beside senko called directly, on
the diarization fixtures, in one run, and the share of words a whole transcription gives the right
speaker. Prints a Markdown section (BENCHMARKS.md) and writes the numbers to OUT/speakers.json.

    .venv/bin/python bench/diarization/bench.py BIN_DIR [--out bench-out/diarization] [--rounds 3]
        [--synthetic] [--long]

- The fixtures: bench/diarization/make_fixtures.py, offline (the pyannote sample from the bootstrap's
  cache); --synthetic adds the espeak-ng/festival dialogues, --long the one-hour conversation.
- The peer: senko called directly (bench/diarization/senko_direct.py: one Diarizer, every file).
- Ours: `BIN_DIR/transcriptor-local diarize` (SenkoEngine: our worker, started once, every file).
  Both with 2 torch threads, warm (the first file diarized once, untimed, as a warm function
  instance would be); each timed around the call only; the median of --rounds alternating rounds. The ratio is ours over the peer's total seconds (target: at most 1.10).
- DER: bench/diarization/der.py (0.25 s collar each side, checked against pyannote.metrics).
- Words with the right speaker: `transcriptor-local transcribe --speakers --format json` (whisper
  tiny.en and senko, as the pipeline merges them); each word's truth is the reference turn its middle
  falls in (the nearest one for a word in a pause), found speakers mapped one-to-one onto true ones.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import der as der_module  # noqa: E402

PYTHON = os.path.join(ROOT, ".venv", "bin", "python")


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def direct(files, out):
    run([PYTHON, os.path.join(HERE, "senko_direct.py"), "--out", out, "--threads", "2", "--warm", *files])
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    entries = summary["files"] if isinstance(summary, dict) else summary
    return {e["name"]: {"seconds": e["wall_seconds"], "rttm": os.path.join(out, e["name"] + ".rttm")}
            for e in entries if isinstance(e, dict) and "name" in e}


def ours(binary, files, out):
    os.makedirs(out, exist_ok=True)
    found = {}
    for line in run([binary, "diarize", "--threads", "2", "--warm", *files]).splitlines():
        answer = json.loads(line)
        name = os.path.splitext(os.path.basename(answer["file"]))[0]
        rttm = os.path.join(out, name + ".rttm")
        der_module.write_rttm(rttm, name, [(t["start"], t["end"], t["speaker"]) for t in answer["turns"]])
        found[name] = {"seconds": answer["seconds"], "rttm": rttm}
    return found


def word_accuracy(binary, wav, reference):
    transcript = json.loads(run([binary, "transcribe", wav, "--speakers", "--format", "json"]))
    truth = der_module.read_rttm(reference)

    def true_speaker(time):
        return min(truth, key=lambda t: 0 if t[0] <= time <= t[1] else min(abs(time - t[0]), abs(time - t[1])))[2]

    pairs = {}
    words = [w for s in transcript["segments"] for w in s.get("words", [])]
    for word in words:
        key = (word.get("speaker"), true_speaker((word["start"] + word["end"]) / 2))
        pairs[key] = pairs.get(key, 0) + 1
    # One-to-one: the largest shares first.
    right, used_found, used_true = 0, set(), set()
    for (found, true), count in sorted(pairs.items(), key=lambda kv: -kv[1]):
        if found not in used_found and true not in used_true:
            used_found.add(found)
            used_true.add(true)
            right += count
    return right, len(words), len(transcript.get("speakers") or [])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench-out", "diarization"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--long", action="store_true")
    args = parser.parse_args(argv)
    binary = os.path.join(args.bin_dir, "transcriptor-local")
    fixtures = os.path.join(args.out, "fixtures")
    extra = (["--synthetic"] if args.synthetic else []) + (["--long"] if args.long else [])
    run([PYTHON, os.path.join(HERE, "make_fixtures.py"), fixtures, "--offline", "--cache",
         os.path.join(ROOT, ".venv", "diarization-cache"), *extra])
    with open(os.path.join(fixtures, "fixtures.json")) as f:
        index = json.load(f)
    files = [e["wav"] for e in index]

    rounds = {"direct": [], "ours": []}
    for number in range(args.rounds):
        order = ["direct", "ours"] if number % 2 == 0 else ["ours", "direct"]
        for who in order:
            out = os.path.join(args.out, f"{who}-{number}")
            rounds[who].append(direct(files, out) if who == "direct" else ours(binary, files, out))

    rows, totals = [], {"direct": 0.0, "ours": 0.0, "audio": 0.0}
    for entry in index:
        name = entry["name"]
        reference = entry["rttm"]
        row = {"name": name, "kind": entry["kind"], "duration": entry["duration"], "speakers": entry["speakers"]}
        for who in ("direct", "ours"):
            seconds = statistics.median(r[name]["seconds"] for r in rounds[who])
            hypothesis = der_module.read_rttm(rounds[who][0][name]["rttm"])
            scored = der_module.der(der_module.read_rttm(reference), hypothesis, collar=0.25)
            row[who] = {"seconds": seconds, "der": scored["der"], "found": len({t[2] for t in hypothesis})}
            totals[who] += seconds
        totals["audio"] += entry["duration"]
        if entry["kind"] in ("real", "pyannote"):
            right, words, _ = word_accuracy(binary, entry["wav"], reference)
            row["words"] = {"right": right, "total": words}
        rows.append(row)
    ratio = totals["ours"] / totals["direct"] if totals["direct"] else float("nan")
    with open(os.path.join(args.out, "speakers.json"), "w") as f:
        json.dump({"rows": rows, "totals": totals, "ratio": ratio}, f, indent=2)

    print("| fixture | audio s | speakers (true / senko / ours) | DER % senko | DER % ours | words with the right speaker | senko s | ours s |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        words = row.get("words")
        share = f"{words['right']} / {words['total']} ({100 * words['right'] / max(words['total'], 1):.1f} %)" if words else ""
        print(f"| {row['name']} | {row['duration']:.1f} | {row['speakers']} / {row['direct']['found']} / "
              f"{row['ours']['found']} | {100 * row['direct']['der']:.2f} | {100 * row['ours']['der']:.2f} | {share} | "
              f"{row['direct']['seconds']:.2f} | {row['ours']['seconds']:.2f} |")
    print()
    print(f"Real-time factor: senko called directly {totals['direct'] / totals['audio']:.4f}, ours "
          f"{totals['ours'] / totals['audio']:.4f} over {totals['audio']:.0f} s of audio; ratio ours / direct "
          f"**{ratio:.2f}** (target: at most 1.10).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
