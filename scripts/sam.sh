#!/usr/bin/env bash
# Runs the AWS SAM CLI pinned here (the version scripts/rie.sh takes AWS's runtime emulator from),
# installing it first where it is missing: `scripts/sam.sh validate --lint --template template.yaml`.
#
# The CLI lives in its own venv, .venv-sam: it pins its own cfn-lint, aws-sam-translator and boto3,
# which must not move the project's .venv pins (requirements.txt: cfn-lint 1.53.3 lints through the
# SAM transform). Installed once; a second run only checks a stamp and runs the CLI. Telemetry is off,
# and the CLI's own update check with it.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.170.0
VENV=.venv-sam
stamp=$VENV/.aws-sam-cli-$VERSION

if [ ! -f "$stamp" ] || [ ! -x "$VENV/bin/sam" ]; then
    echo "sam.sh: installing aws-sam-cli $VERSION into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    # Up to three tries: a registry's passing hiccup must not fail a whole CI run.
    for attempt in 1 2 3; do
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check "aws-sam-cli==$VERSION" >&2 && break
        [ "$attempt" -lt 3 ] || exit 1
        echo "sam.sh: pip failed (try $attempt of 3); trying again in 10 s" >&2
        sleep 10
    done
    touch "$stamp"
fi

export SAM_CLI_TELEMETRY=0
exec "$VENV/bin/sam" "$@"
