#!/usr/bin/env bash
# The web UI (web/): React + TypeScript from Debian's packages (no npm registry), bundled by esbuild.
#
#   scripts/web.sh build     bundle web/src and web/styles into web/dist (index.html, app.js, app.css)
#   scripts/web.sh check     type-check with tsc (src and tests)
#   scripts/web.sh unit      unit tests: node --test with jsdom, on the tests bundled by esbuild
#   scripts/web.sh browser   browser tests: Selenium + headless Chromium against a fresh emulator
#                            (screenshots in test-artifacts/screenshots/)
set -euo pipefail
cd "$(dirname "$0")/../web"
# Debian installs node modules here; esbuild and node find react, react-dom and jsdom through it.
export NODE_PATH=/usr/share/nodejs

need() {
    command -v "$1" >/dev/null || { echo "web.sh: $1 is missing; run scripts/bootstrap.sh (make bootstrap)" >&2; exit 1; }
}

build() {
    need esbuild
    rm -rf dist.tmp && mkdir -p dist.tmp
    esbuild src/main.tsx --bundle --minify --sourcemap=linked --target=es2020 --jsx=automatic \
        --define:process.env.NODE_ENV=\"production\" --outfile=dist.tmp/app.js --log-level=warning
    esbuild styles/app.css --bundle --minify --outfile=dist.tmp/app.css --log-level=warning
    # The assets' content in their URLs, so a rebuilt UI is never served from a stale cache.
    local id
    id=$(cat dist.tmp/app.js dist.tmp/app.css | sha256sum | cut -c1-12)
    sed "s/BUILD_ID/$id/g" index.html >dist.tmp/index.html
    rm -rf dist && mv dist.tmp dist
    echo "web: built web/dist ($(du -k dist/app.js | cut -f1) KB app.js, $(du -k dist/app.css | cut -f1) KB app.css)"
}

check() {
    need tsc
    tsc -p tsconfig.json
}

unit() {
    need esbuild
    rm -rf test-out
    shopt -s nullglob
    local tests=(tests/*.test.ts tests/*.test.tsx)
    esbuild "${tests[@]}" --bundle --platform=node --format=cjs --target=node18 --jsx=automatic \
        --packages=external --outdir=test-out --log-level=warning
    node --test test-out/
}

browser() {
    [ -f dist/index.html ] || build
    cd ..
    [ -x .venv/bin/python ] || { echo "web.sh: .venv is missing; run scripts/bootstrap.sh" >&2; exit 1; }
    need chromium
    need chromedriver
    rm -rf test-artifacts/screenshots test-artifacts/browser
    mkdir -p test-artifacts/screenshots
    # The gateway on a port known before start, which is also the template's WebOrigin (the
    # bucket's CORS rules let that origin upload, and the links in mail point at it).
    WEB_ORIGIN_IS_GATEWAY=1 scripts/with-emulator.sh \
        .venv/bin/python -m pytest tests/browser -q -p no:cacheprovider --gateway '$GATEWAY_URL' "$@"
}

case "${1:-}" in
build | check | unit) "$1" ;;
browser) shift; browser "$@" ;;
*) echo "usage: $0 build|check|unit|browser [pytest args]" >&2; exit 2 ;;
esac
