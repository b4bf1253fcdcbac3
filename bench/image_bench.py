#!/usr/bin/env python3
"""The Lambda images (make images) measured against the same release binaries on the host.

    image_bench.py EMULATOR_BIN_DIR [--starts N] [--no-pipeline] [--markdown FILE]

1. Each image's size and the layers that dominate it (podman history).
2. Cold start: AWS's Runtime Interface Emulator reports each init's duration (exec of the function
   to its first request for an event). N fresh starts of the same release binary (dist/package/bin)
   on the host and inside its image, each without a network but loopback, alternating; also the
   time from starting the RIE (on the host) or `podman run` (the image) to the first answer.
3. The pipeline end to end (pipeline_bench's 1.4-minute recording through the API of a fresh
   emulator), with the functions from dist/package/bin on the host and inside their images.

Prints Markdown tables (BENCHMARKS.md's "The Lambda images" section) and JSON lines.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "rie"))

import pipeline_bench  # noqa: E402
from conftest import RIE  # noqa: E402
from test_images_under_rie import CASES, IMAGE, SETTINGS, ImageRIE  # noqa: E402

BIN = ROOT / "dist" / "package" / "bin"
INIT = re.compile(r"INIT REPORT\(durationMs: ([0-9.]+)\)")


def describe(created):
    """A layer's instruction, short: what a COPY or ADD puts where, what a RUN installs."""
    text = " ".join(created.replace("/bin/sh -c ", "").replace("#(nop) ", "").split())
    copied = re.match(r"(COPY|ADD) (?:dir|file):\S+ in (\S+)", text)
    if copied:
        return f"{copied.group(1)} {copied.group(2)}" if copied.group(1) == "COPY" else "the Debian base"
    installed = re.search(r"--no-install-recommends (.*?)(?:&&|$)", text)
    return f"apt: {installed.group(1).strip()}" if installed else text[:60]


def sizes():
    rows = []
    for target in ("api", "media", "transcribe"):
        image = f"localhost/transcriptor-{target}"
        size = int(subprocess.run(["podman", "image", "inspect", "--format", "{{.Size}}", image],
                                  check=True, capture_output=True, text=True).stdout)
        layers = subprocess.run(["podman", "history", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", image],
                                check=True, capture_output=True, text=True).stdout.splitlines()
        parts = []
        for line in layers:
            raw, _, created = line.partition("\t")
            number, _, unit = raw.strip().partition(" ")
            size_bytes = float(number or 0) * {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}.get(unit, 1)
            if size_bytes >= 10_000_000:
                parts.append((size_bytes, describe(created)))
        rows.append({"image": image, "mb": round(size / 1e6), "layers": [(round(n / 1e6), c) for n, c in parts]})
    return rows


def init_ms(log_text):
    found = INIT.findall(log_text)
    return float(found[0]) if found else None


def cold_starts(rie_binary, starts):
    """{case: {"host": [...], "image": [...], "host_first": [...], "image_first": [...]}} in ms."""
    results = {}
    for case in ("api", "api-stage", "media", "transcribe"):
        function, normal, _ = CASES[case]
        samples = {"host": [], "image": [], "host_first": [], "image_first": []}
        for _ in range(starts):
            for where in ("host", "image"):
                workdir = Path(tempfile.mkdtemp(prefix="image-bench-"))
                started = time.monotonic()
                if where == "host":
                    instance = RIE(rie_binary, BIN / function, SETTINGS, workdir, trace=False)
                else:
                    instance = ImageRIE(rie_binary, IMAGE[case], function, SETTINGS, workdir, trace=False)
                try:
                    answer = instance.invoke(normal)
                    first = (time.monotonic() - started) * 1000
                    assert answer.status == 200, answer.body
                    time.sleep(0.1)
                    value = init_ms(instance.output())
                finally:
                    instance.stop()
                    shutil.rmtree(workdir, ignore_errors=True)
                if value is not None:
                    samples[where].append(value)
                samples[f"{where}_first"].append(first)
        results[case] = samples
        print(json.dumps({"case": case, "function": function} | {k: sorted(v) for k, v in samples.items()}), flush=True)
    return results


def pipelines(emulator_bin):
    folder = tempfile.mkdtemp(prefix="image-bench-audio-")
    rows = []
    try:
        mp3, _, reference = pipeline_bench.make_recording(folder, 2, name="r2")
        for images in (False, True, False, True):
            label = "1.4-minute recording, " + ("functions in their images" if images else "functions on the host")
            result = pipeline_bench.pipeline(emulator_bin, mp3, reference, 2, 60, label, images=images,
                                             build_dir=str(BIN))
            rows.append(result | {"images": images})
            print(json.dumps(result), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("emulator_bin_dir", help="the folder of transcriptor-local (swift build --show-bin-path)")
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--no-pipeline", action="store_true")
    parser.add_argument("--markdown", help="also write the tables to this file")
    args = parser.parse_args()
    rie_binary = Path(subprocess.run([ROOT / "scripts" / "rie.sh"], check=True, capture_output=True,
                                     text=True).stdout.strip())
    os.environ["TRANSCRIPTOR_IMAGES"] = "1"
    out = ["### Image sizes", "", "| image | MB | layers of 10 MB and more (MB: what) |", "|---|---|---|"]
    for row in sizes():
        layers = "; ".join(f"{mb}: `{what}`" for mb, what in row["layers"])
        out.append(f"| {row['image']} | {row['mb']} | {layers} |")
    out += ["", "### Cold start inside the image against the host",
            "", f"{args.starts} fresh starts each, alternating; ms, min / median.", "",
            "| function | init, host | init, image | ratio (median) | start to first answer, host | the same, image |",
            "|---|---|---|---|---|---|"]
    for case, samples in cold_starts(rie_binary, args.starts).items():
        def cell(values):
            return f"{min(values):.2f} / {statistics.median(values):.2f}" if values else "n/a"
        ratio = statistics.median(samples["image"]) / statistics.median(samples["host"]) if samples["host"] else 0
        out.append(f"| {CASES[case][0]} ({IMAGE[case]}) | {cell(samples['host'])} | {cell(samples['image'])} | "
                   f"{ratio:.2f} | {cell(samples['host_first'])} | {cell(samples['image_first'])} |")
    if not args.no_pipeline:
        out += ["", "### The pipeline end to end, in images against on the host", "",
                "| run | seconds | audio s | chunks | WER % |", "|---|---|---|---|---|"]
        for row in pipelines(args.emulator_bin_dir):
            out.append(f"| {row['run']} | {row['seconds']} | {row['audio_seconds']} | {row['chunks']} | "
                       f"{round(row['wer'] * 100, 1)} |")
    print("\n".join(out))
    if args.markdown:
        Path(args.markdown).write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
