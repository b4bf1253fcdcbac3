#!/usr/bin/env python3
"""Word error rate, computed the usual way.

Both texts are normalized: Unicode NFKC, lowercase; curly apostrophes made straight; numbers spelled
out ("1,200" -> "one thousand two hundred", "3.5" -> "three point five", "21st" ->
"twenty first", "%" -> "percent"); the abbreviations mr, mrs, ms, dr spelled out (mister, missus,
miss, doctor, as Whisper writes "Mr." where a reference says "mister"); punctuation replaced by spaces,
except apostrophes inside words ("don't" stays, "'quoted'" loses them), so "ill-disposed" counts as
"ill disposed"; whitespace collapsed. Then WER = (S + D + I) / N, with S, D and I the substitutions,
deletions and insertions of a minimum edit-distance (Levenshtein) alignment of the hypothesis words to
the N reference words. With N = 0 the WER is 0 for an empty hypothesis, else 1.

Module:  normalize(text) -> str, words(text) -> list, errors(ref, hyp) -> Errors, wer(ref, hyp) -> float,
         read_tsv(path) -> {file: text}
Command line:
    python bench/wer.py REF_TEXT HYP_TEXT               prints the WER
    python bench/wer.py --tsv refs.tsv --hyps hyps.tsv  per-file table (tab-separated) and the total WER,
                                                        errors summed over words summed; --json adds a
                                                        last line with the totals as JSON
A TSV has two columns, file and text, tab-separated; a first line "file<TAB>..." is a header.
"""

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [(10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand")]
_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
             "nine": "ninth", "twelve": "twelfth"}
_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "ms": "miss", "dr": "doctor"}


def number_to_words(n):
    """An integer (0 to 10**15 - 1) in English words, without "and": 1205 -> "one thousand two hundred five"."""
    if n < 0:
        return "minus " + number_to_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + number_to_words(rest))
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return number_to_words(high) + " " + name + ("" if rest == 0 else " " + number_to_words(rest))
    raise AssertionError("unreachable")


def _digits_to_words(digits):
    """A run of digits: a number, or digit by digit when it has a leading zero or is very long."""
    if (len(digits) > 1 and digits[0] == "0") or len(digits) > 15:
        return " ".join(_ONES[int(d)] for d in digits)
    return number_to_words(int(digits))


def _ordinal(words):
    head, _, last = words.rpartition(" ")
    if last in _ORDINALS:
        last = _ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return (head + " " + last).strip()


def _spell_numbers(text):
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,200 -> 1200
    text = re.sub(r"(\d+)\.(\d+)", lambda m: f" {_digits_to_words(m.group(1))} point "
                  + " ".join(_ONES[int(d)] for d in m.group(2)) + " ", text)
    text = re.sub(r"%", " percent ", text)
    text = re.sub(r"\b(\d+)(st|nd|rd|th)\b", lambda m: " " + _ordinal(_digits_to_words(m.group(1))) + " ", text)
    return re.sub(r"\d+", lambda m: " " + _digits_to_words(m.group(0)) + " ", text)


def normalize(text):
    """The normalized text: lowercase words separated by single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _spell_numbers(text)
    # Punctuation (anything but letters, digits, apostrophes and whitespace) becomes a space.
    text = "".join(c if c.isalnum() or c == "'" or c.isspace() else " " for c in text)
    out = []
    for token in text.split():
        token = token.strip("'")
        if not token:
            continue
        out.append(_ABBREVIATIONS.get(token, token))
    return " ".join(out)


def words(text):
    return normalize(text).split()


@dataclass
class Errors:
    substitutions: int = 0
    deletions: int = 0
    insertions: int = 0
    reference_words: int = 0

    @property
    def total(self):
        return self.substitutions + self.deletions + self.insertions

    @property
    def wer(self):
        if self.reference_words == 0:
            return 0.0 if self.total == 0 else 1.0
        return self.total / self.reference_words

    def __add__(self, other):
        return Errors(self.substitutions + other.substitutions, self.deletions + other.deletions,
                      self.insertions + other.insertions, self.reference_words + other.reference_words)


def align(ref, hyp):
    """S, D, I of a minimum edit-distance alignment of the word lists hyp to ref (ties: fewer edits of
    any kind are equal; substitutions are preferred to a deletion plus an insertion by cost)."""
    # Each cell: (cost, substitutions, deletions, insertions); one row at a time.
    previous = [(j, 0, 0, j) for j in range(len(hyp) + 1)]
    for i in range(1, len(ref) + 1):
        current = [(i, 0, i, 0)]
        for j in range(1, len(hyp) + 1):
            diagonal = previous[j - 1]
            if ref[i - 1] == hyp[j - 1]:
                best = diagonal
            else:
                best = (diagonal[0] + 1, diagonal[1] + 1, diagonal[2], diagonal[3])
            up = previous[j]  # ref word deleted
            if up[0] + 1 < best[0]:
                best = (up[0] + 1, up[1], up[2] + 1, up[3])
            left = current[j - 1]  # hyp word inserted
            if left[0] + 1 < best[0]:
                best = (left[0] + 1, left[1], left[2], left[3] + 1)
            current.append(best)
        previous = current
    _, s, d, n_ins = previous[-1]
    return s, d, n_ins


def errors(reference, hypothesis):
    """The Errors of hypothesis text against reference text (both normalized here)."""
    ref, hyp = words(reference), words(hypothesis)
    s, d, i = align(ref, hyp)
    return Errors(s, d, i, len(ref))


def wer(reference, hypothesis):
    return errors(reference, hypothesis).wer


def read_tsv(path):
    """{file: text} from a two-column TSV (file, text), skipping a "file<TAB>..." header and blank lines."""
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            name, _, text = line.partition("\t")
            if number == 0 and name.strip().lower() == "file":
                continue
            rows[name.strip()] = text
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description="Word error rate of a hypothesis against a reference.")
    parser.add_argument("reference", nargs="?", help="reference text")
    parser.add_argument("hypothesis", nargs="?", help="hypothesis text")
    parser.add_argument("--tsv", metavar="REFS", help="references: file<TAB>text per line")
    parser.add_argument("--hyps", metavar="HYPS", help="hypotheses: file<TAB>text per line")
    parser.add_argument("--json", action="store_true", help="with --tsv: a last line with the totals as JSON")
    args = parser.parse_args(argv)

    if args.tsv or args.hyps:
        if not (args.tsv and args.hyps) or args.reference is not None:
            parser.error("--tsv REFS and --hyps HYPS go together, without texts")
        refs, hyps = read_tsv(args.tsv), read_tsv(args.hyps)
        total = Errors()
        print("file\twords\tsub\tdel\tins\twer")
        for name, reference in refs.items():
            if name not in hyps:
                print(f"wer: no hypothesis for {name}: counted as all deleted", file=sys.stderr)
            e = errors(reference, hyps.get(name, ""))
            total += e
            print(f"{name}\t{e.reference_words}\t{e.substitutions}\t{e.deletions}\t{e.insertions}\t{e.wer:.4f}")
        for name in hyps:
            if name not in refs:
                print(f"wer: {name} has no reference: ignored", file=sys.stderr)
        print(f"TOTAL\t{total.reference_words}\t{total.substitutions}\t{total.deletions}\t{total.insertions}\t{total.wer:.4f}")
        if args.json:
            print(json.dumps({"wer": round(total.wer, 4), "words": total.reference_words, "errors": total.total,
                              "substitutions": total.substitutions, "deletions": total.deletions,
                              "insertions": total.insertions, "files": len(refs)}))
        return 0

    if args.reference is None or args.hypothesis is None:
        parser.error("give REF_TEXT and HYP_TEXT, or --tsv REFS --hyps HYPS")
    print(f"{wer(args.reference, args.hypothesis):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
