#!/usr/bin/env bash
# Runs a command against a fresh local system: starts transcriptor-local from this build on free
# ports with a throwaway data folder, exports GATEWAY_URL and AWS_ENDPOINT_URL, runs the command,
# and stops the emulator (and its function processes) however the command ends.
#
#   scripts/with-emulator.sh scripts/api-contract.sh '$GATEWAY_URL' 20
#
# Arguments are run as given; a literal '$GATEWAY_URL' in them is replaced by the gateway's URL.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
# TRANSCRIPTOR_BIN: another build's bin folder (a `swift build --scratch-path` of your own).
bin=${TRANSCRIPTOR_BIN:-$(swift build --show-bin-path)}
[ -x "$bin/transcriptor-local" ] || { echo "with-emulator: build first (make build)" >&2; exit 1; }
data=$(mktemp -d)
log="$data/emulator.log"
# Links and webhooks may reach this machine only: nothing a test submits makes the functions send
# a packet elsewhere, not even a DNS query.
printf 'ALLOW_LOOPBACK_URLS=true\nURL_ALLOWED_HOSTS=127.0.0.1,localhost\n' >"$data/config.env"
# WEB_ORIGIN_IS_GATEWAY=1 (browser tests): the gateway on a free port picked here, which is also the
# template's WebOrigin, so the bucket's CORS rules admit the UI's uploads and mail links point at it.
gateway_port=0
web_origin=()
if [ "${WEB_ORIGIN_IS_GATEWAY:-}" = 1 ]; then
    gateway_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    web_origin=(--parameter "WebOrigin=http://127.0.0.1:$gateway_port")
fi
# The suites sign many users up from 127.0.0.1: sign-ups per address are not limited here.
# Local Stripe on a free port too: the previous phase's may still be shutting down on the default one.
setsid "$bin/transcriptor-local" serve --template template.yaml --gateway-port "$gateway_port" --aws-port 0 --stripe-port 0 \
    "${web_origin[@]}" --parameter SignupsPerAddressPerHour=100000 --data-dir "$data/state" --web-root web/dist --config "$data/config.env" --quiet >"$log" 2>&1 </dev/null &
pid=$!
stop() {
    local status=$?
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    if [ "$status" -ne 0 ]; then
        echo "with-emulator: the emulator's log (last 40 lines):" >&2
        tail -40 "$log" >&2 || true
    fi
    rm -rf "$data"
    exit "$status"
}
trap stop EXIT
ready=
for _ in $(seq 300); do
    ready=$(grep -m1 '^READY ' "$log" 2>/dev/null || true)
    [ -n "$ready" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "with-emulator: the emulator exited" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$ready" ] || { echo "with-emulator: the emulator did not start in 30 s" >&2; exit 1; }
GATEWAY_URL=$(sed -E 's/.*"gateway":"([^"]+)".*/\1/' <<<"$ready")
AWS_ENDPOINT_URL=$(sed -E 's/.*"aws":"([^"]+)".*/\1/' <<<"$ready")
export GATEWAY_URL AWS_ENDPOINT_URL
args=()
for arg in "$@"; do args+=("${arg//\$GATEWAY_URL/$GATEWAY_URL}"); done
"${args[@]}"
