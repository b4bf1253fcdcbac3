#!/usr/bin/env python3
"""Checks that every repository path a document names exists (docs/architecture.md promises it).

Usage: scripts/check-doc-paths.py FILE.md [...]. Looks at `backticked` text and the targets of
relative markdown links. A token counts as a path when it starts with a top-level folder of the
repository or is a file at its root; `<name>`, `{id}` and `*` parts match any name (at least one
file must match). Paths outside the repository and build outputs are skipped. Exits 1 and lists
the missing ones. `make test` runs it over docs/architecture.md and README.md.
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT_ENTRIES = set(os.listdir(ROOT))
# What builds and runs make: named by documents, absent from a fresh checkout.
GENERATED = ("web/dist", ".local", ".build", "dist/", "bench-out/", "test-artifacts/")


def candidates(text):
    """(token, base): a backticked path is read from the repository's root, as README and the
    docs write them (`../shared/DESIGN.md` is beside the checkout); a link from its file's folder."""
    for token in re.findall(r"`([^`\n]+)`", text):
        yield token, None
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not re.match(r"[a-z]+:", target):
            yield target, "file"


def is_path(token, base):
    token = token.strip()
    if " " in token or token.startswith(("http", "-")) or token.startswith(GENERATED):
        return None
    if token.startswith("../") or (base != ROOT and "/" in token and "{" not in token):
        return os.path.normpath(os.path.join(base, token))
    first = token.split("/")[0]
    if first in ROOT_ENTRIES and (first != token or "." in token or token in ROOT_ENTRIES):
        return os.path.join(ROOT, token)
    return None


def exists(path):
    pattern = re.sub(r"<[^>]+>|\{[^}]+\}", "*", path)
    if pattern != path or "*" in path:
        return bool(glob.glob(pattern))
    return os.path.exists(path)


def main(files):
    missing = []
    checked = 0
    for name in files:
        text = open(name, encoding="utf-8").read()
        folder = os.path.dirname(os.path.abspath(name))
        for token, kind in candidates(text):
            path = is_path(token, folder if kind == "file" else ROOT)
            if path is None:
                continue
            if not path.startswith(ROOT + os.sep):
                continue  # beside the checkout (`../shared/DESIGN.md`): not ours to check
            checked += 1
            if not exists(path):
                missing.append(f"{name}: {token}")
    for line in sorted(set(missing)):
        print("missing:", line)
    print(f"{checked} path references checked, {len(set(missing))} missing")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["docs/architecture.md"]))
