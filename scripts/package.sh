#!/usr/bin/env bash
# `make package`: what can be built for AWS without Docker. Builds the release binary of every
# function product (`swift build -c release --static-swift-stdlib`, one product per folder of
# Sources/Functions), strips them into dist/package/bin/, and writes dist/package/MANIFEST.md: per
# function of template.yaml its executable, image target, memory, timeout, binary size and the
# shared libraries it links, and what each image holds (from the Dockerfile). Fails when the
# template names an executable that is not a function product, when a function product is in no
# function of the template, or when a binary links a library its image does not install.
#
#   scripts/package.sh                 the above (dist/package/)
#   scripts/package.sh --binaries DIR  only build and strip the binaries into DIR (the Dockerfile's
#                                      builder stage runs this; needs no Python)
#
# Environment: SCRATCH_PATH (a `swift build --scratch-path`, default SwiftPM's .build); OUT
# (default dist/package).
set -euo pipefail
cd "$(dirname "$0")/.."

binaries_only=
if [ "${1:-}" = --binaries ]; then
    binaries_only=1
    bin=${2:?usage: $0 --binaries DIR}
else
    out=${OUT:-dist/package}
    bin=$out/bin
fi
swift_flags=(-c release --static-swift-stdlib)
[ -n "${SCRATCH_PATH:-}" ] && swift_flags+=(--scratch-path "$SCRATCH_PATH")

products=()
for dir in Sources/Functions/*/; do products+=("$(basename "$dir")"); done

python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python
if [ -z "$binaries_only" ]; then
    # Before the long build: the template and the products must agree.
    "$python" scripts/package_manifest.py check
fi

# The minimal static libcurl the binaries link (Package.swift); quick when it is built already.
scripts/build-curl.sh

start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for product in "${products[@]}"; do
    echo "package: building $product"
    if ! swift build "${swift_flags[@]}" --product "$product" >"$log" 2>&1; then
        cat "$log" >&2
        echo "package: building $product failed" >&2
        exit 1
    fi
    grep -E "(warning|error):" "$log" | grep -v "unhandled; explicitly declare them" || true
done
build_dir=$(swift build "${swift_flags[@]}" --show-bin-path)
rm -rf "$bin"
mkdir -p "$bin"
for product in "${products[@]}"; do
    strip -o "$bin/$product" "$build_dir/$product"
done
# libcurl, OpenSSL and zlib are linked statically (Package.swift): a binary that names one of their
# shared libraries would start slower and need a package its image may no longer install.
for product in "${products[@]}"; do
    if readelf -d "$bin/$product" | grep -qE 'Shared library: \[lib(curl|ssl|crypto|z)\.so'; then
        echo "package: $product links a shared libcurl, OpenSSL or zlib; it must link the static ones (Package.swift)" >&2
        exit 1
    fi
done
echo "package: ${#products[@]} binaries in $bin ($(($(date +%s) - start)) s)"

if [ -z "$binaries_only" ]; then
    "$python" scripts/package_manifest.py manifest "$bin" "$out/MANIFEST.md"
fi
