#!/usr/bin/env bash
# Fetches AWS's Lambda Runtime Interface Emulator (the Go program AWS puts in its base images) and
# prints its path. It ships inside PyPI's aws-sam-cli wheel; only the wheel is downloaded (pinned by
# version and SHA-256, not installed) and only the emulator is taken out of it, into .build-rie/.
# Idempotent: a second run only prints the path. tests/rie holds our runtime against it.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.170.0
WHEEL=aws_sam_cli-$VERSION-py3-none-any.whl
WHEEL_SHA256=24ebaf5ecba38dc1758089968cb89ab61e124b84e92a344fc7a2771a47f4d0bf
case "$(uname -m)" in
    x86_64) ARCH=x86_64 ;;
    aarch64 | arm64) ARCH=arm64 ;;
    *) echo "rie.sh: no Runtime Interface Emulator for $(uname -m)" >&2; exit 1 ;;
esac
DIR=.build-rie
BINARY=$DIR/aws-lambda-rie-$ARCH-$VERSION

if [ ! -x "$BINARY" ]; then
    mkdir -p "$DIR"
    if [ ! -f "$DIR/$WHEEL" ] || ! echo "$WHEEL_SHA256  $DIR/$WHEEL" | sha256sum --check --status; then
        rm -f "$DIR/$WHEEL"
        PIP=.venv/bin/pip
        [ -x "$PIP" ] || PIP="python3 -m pip"
        $PIP download --quiet --no-deps --only-binary=:all: "aws-sam-cli==$VERSION" -d "$DIR" >&2
    fi
    if ! echo "$WHEEL_SHA256  $DIR/$WHEEL" | sha256sum --check --status; then
        echo "rie.sh: $DIR/$WHEEL does not have the pinned SHA-256 $WHEEL_SHA256" >&2
        rm -f "$DIR/$WHEEL"
        exit 1
    fi
    python3 - "$DIR/$WHEEL" "samcli/local/rapid/aws-lambda-rie-$ARCH" "$BINARY.tmp" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as member, open(sys.argv[3], "wb") as out:
    shutil.copyfileobj(member, out)
PY
    chmod +x "$BINARY.tmp"
    mv "$BINARY.tmp" "$BINARY"
fi
echo "$PWD/$BINARY"
