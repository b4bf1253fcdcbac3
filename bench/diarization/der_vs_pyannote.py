#!/usr/bin/env python3
"""Checks bench/diarization/der.py against pyannote.metrics' DiarizationErrorRate.

    /tmp/venv-pm/bin/python bench/diarization/der_vs_pyannote.py [REF.rttm HYP.rttm ...]

Run it with a Python that has pyannote.metrics (a scratch venv: python3 -m venv /tmp/venv-pm &&
/tmp/venv-pm/bin/pip install pyannote.metrics; not the project's .venv). It scores each pair given,
and a set of hand-made edge cases, with both: der.py with collar c (each side) against pyannote's
DiarizationErrorRate(collar=2c) (pyannote's collar is the total width), for c = 0 and 0.25, and prints
the largest difference of each component. Exit status 1 when any differs by more than 1e-9 s (or 1e-9
in the rate).
"""

import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import der as ours  # noqa: E402
from pyannote.core import Annotation, Segment  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

warnings.filterwarnings("ignore")


def annotation(turns):
    a = Annotation()
    for index, (start, end, speaker) in enumerate(turns):
        a[Segment(start, end), index] = speaker
    return a


def pyannote_der(reference, hypothesis, collar):
    metric = DiarizationErrorRate(collar=2 * collar, skip_overlap=False)
    parts = metric(annotation(reference), annotation(hypothesis), detailed=True)
    return {"der": parts["diarization error rate"], "total": parts["total"], "missed": parts["missed detection"],
            "false_alarm": parts["false alarm"], "confusion": parts["confusion"], "correct": parts["correct"]}


EDGE_CASES = {
    "perfect": ([(0, 5, "a"), (5, 9, "b")], [(0, 5, "x"), (5, 9, "y")]),
    "labels swapped": ([(0, 5, "a"), (5, 9, "b")], [(0, 5, "b"), (5, 9, "a")]),
    "one speaker for two": ([(0, 5, "a"), (5.5, 9, "b")], [(0, 9, "x")]),
    "two speakers for one": ([(0, 9, "a")], [(0, 4, "x"), (4, 9, "y")]),
    "empty hypothesis": ([(1, 4, "a"), (6, 8, "b")], []),
    "empty reference": ([], [(1, 4, "x")]),
    "both empty": ([], []),
    "boundary shifted 0.2 s": ([(0, 5, "a"), (5, 9, "b")], [(0, 5.2, "x"), (5.2, 9, "y")]),
    "boundary shifted 0.4 s": ([(0, 5, "a"), (5, 9, "b")], [(0, 5.4, "x"), (5.4, 9, "y")]),
    "overlapping reference": ([(0, 6, "a"), (4, 9, "b")], [(0, 5, "x"), (5, 9, "y")]),
    "overlapping hypothesis": ([(0, 5, "a"), (5, 9, "b")], [(0, 6, "x"), (4, 9, "y")]),
    "more hypothesis speakers": ([(0, 3, "a"), (3, 6, "b"), (6, 9, "a")],
                                 [(0, 2, "x"), (2, 3, "z"), (3, 6, "y"), (6, 9, "w")]),
    "short turns inside collars": ([(0, 0.3, "a"), (0.4, 0.6, "b"), (1, 4, "a")], [(0, 4, "x")]),
    "hypothesis beyond reference": ([(2, 4, "a")], [(0, 10, "x")]),
    "same speaker overlapping itself": ([(0, 5, "a"), (3, 8, "a")], [(0, 8, "x")]),
    "gap speech": ([(0, 2, "a"), (4, 6, "b")], [(0, 6, "x")]),
}


def compare(name, reference, hypothesis, worst):
    line = [name]
    for collar in (0.0, 0.25):
        a = ours.der(reference, hypothesis, collar=collar)
        b = pyannote_der(reference, hypothesis, collar)
        for key in ("der", "total", "missed", "false_alarm", "confusion", "correct"):
            x, y = a[key], b[key]
            worst[key] = max(worst.get(key, 0.0), abs(x - y))
        line.append(f"collar {collar}: ours {100 * a['der']:.3f}% pyannote {100 * b['der']:.3f}%")
    print("  ".join(line))


def main(argv):
    worst = {}
    for name, (reference, hypothesis) in EDGE_CASES.items():
        compare(name, reference, hypothesis, worst)
    for ref_path, hyp_path in zip(argv[0::2], argv[1::2]):
        compare(os.path.basename(hyp_path), ours.read_rttm(ref_path), ours.read_rttm(hyp_path), worst)
    print("largest differences:", {k: f"{v:.2e}" for k, v in worst.items()})
    return 1 if any(v > 1e-9 for v in worst.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
