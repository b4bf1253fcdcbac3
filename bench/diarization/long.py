#!/usr/bin/env python3
"""`make test-long`: the diarize stage's engine on a one-hour conversation (five real speakers, their
recordings reused: make_fixtures.py --long), its time and peak memory, and what that means for a
four-hour file (the largest plan's) inside Lambda's 15 minutes.

    .venv/bin/python bench/diarization/long.py BIN_DIR [--out bench-out/diarization-long] [--threads 2]

Fails when the hour takes more than a real-time factor of 0.25 or the engine finds fewer than two
speakers (the repeated recordings split speakers, so the count is not checked further: the notes say
why). Prints one JSON line.
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bin_dir")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench-out", "diarization-long"))
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    python = os.path.join(ROOT, ".venv", "bin", "python")
    subprocess.run([python, os.path.join(HERE, "make_fixtures.py"), args.out, "--long", "--offline", "--cache",
                    os.path.join(ROOT, ".venv", "diarization-cache")], check=True, stdout=subprocess.DEVNULL)
    wav = os.path.join(args.out, "real-long-1h.wav")
    run = subprocess.run(["/usr/bin/time", "-v", os.path.join(args.bin_dir, "transcriptor-local"), "diarize",
                          "--threads", str(args.threads), wav], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"long: the engine failed:\n{run.stderr[-3000:]}")
    answer = json.loads(run.stdout.splitlines()[-1])
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    speakers = len({t["speaker"] for t in answer["turns"]})
    rtf = answer["seconds"] / answer["duration"]
    result = {
        "audio_seconds": round(answer["duration"], 1), "seconds": answer["seconds"], "rtf": round(rtf, 4),
        "peak_mb": round(peak_kb / 1024), "speakers": speakers, "threads": args.threads,
        "four_hours_projected_minutes": round(4 * 3600 * rtf / 60, 1),
    }
    print(json.dumps(result))
    if rtf > 0.25 or speakers < 2:
        sys.exit(f"long: out of bounds: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
