#!/usr/bin/env bash
# Tests a running Transcriptor API against openapi.yaml (DESIGN.md: "openapi.yaml describes
# exactly this, and is tested against the running system").
#
#   scripts/api-contract.sh BASE_URL [max-examples]     e.g. scripts/api-contract.sh http://127.0.0.1:3000
#
# 1. validates openapi.yaml (openapi-spec-validator);
# 2. signs up a fresh user (contract-<random>@example.com) and takes its access token;
# 3. runs schemathesis with that token against every operation but DELETE /v1/me (which would
#    delete the test's own account), checking that no answer is a 5xx and that every answer
#    conforms to the spec: a documented status code, content type, headers and body schema.
#    Bounded and repeatable: at most max-examples (default 20) generated cases per operation in
#    the fuzzing and stateful phases (the coverage phase adds a fixed set of boundary and invalid
#    cases, and unsupported methods such as TRACE), a fixed seed, no shrinking, no example
#    database, one worker.
# 4. deletes the test account (and with it the jobs the run created), unless KEEP_ACCOUNT=1.
#
# Exits non-zero when the spec is invalid, the signup fails, or schemathesis finds a failure.
#
# Settings (environment):
#   VENV          the Python venv with openapi-spec-validator and schemathesis (default .venv, which
#                 scripts/bootstrap.sh creates from requirements.txt when it is missing)
#   CONTRACT_SEED the seed (default 1)
#   CONTRACT_PHASES  schemathesis phases (default examples,coverage,fuzzing,stateful)
#   KEEP_ACCOUNT  1 keeps the test account afterwards
#
# Notes: the access token lives 15 minutes, so a longer run sees 401s from then on (documented,
# so they pass, but they test less); keep max-examples modest. The run fuzzes POST /v1/auth/login
# with wrong credentials, so afterwards this source address is usually over the failed-login
# limit (50 in 15 minutes) and logins from it get 429 for up to 30 minutes: point it at an
# emulator with a throwaway DATA_DIR if that matters.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: $0 BASE_URL [max-examples]   (e.g. $0 http://127.0.0.1:3000 20)" >&2
    exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
base=${1%/}
max_examples=${2:-20}
[[ $base =~ ^https?://[^/]+$ ]] || {
    echo "api-contract: BASE_URL must be scheme://host[:port] with no path, not '$1'" >&2
    usage
}
[[ $max_examples =~ ^[1-9][0-9]*$ ]] || {
    echo "api-contract: max-examples must be a positive whole number, not '$max_examples'" >&2
    usage
}
seed=${CONTRACT_SEED:-1}
phases=${CONTRACT_PHASES:-examples,coverage,fuzzing,stateful}

venv=${VENV:-.venv}
if [ -z "${VENV:-}" ] && [ ! -x .venv/bin/schemathesis ]; then
    scripts/bootstrap.sh
fi
for tool in python openapi-spec-validator schemathesis; do
    if [ ! -x "$venv/bin/$tool" ]; then
        echo "api-contract: $venv/bin/$tool is missing; run scripts/bootstrap.sh (or set VENV)" >&2
        exit 1
    fi
done

# 1. The spec itself.
"$venv/bin/openapi-spec-validator" openapi.yaml

# 2. A fresh account and its access token.
workdir=$(mktemp -d)
token=
cleanup() {
    local status=$?
    if [ -n "$token" ] && [ "${KEEP_ACCOUNT:-0}" != 1 ]; then
        local code
        code=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -X DELETE \
            -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            --data "{\"password\":\"$password\"}" "$base/v1/me" 2>/dev/null) || code=000
        if [ "$code" = 204 ]; then
            echo "api-contract: deleted the test account $email"
        else
            echo "api-contract: could not delete the test account $email (DELETE /v1/me answered $code)" >&2
        fi
    fi
    if [ "$status" -ne 0 ] && [ -d "$workdir/.schemathesis" ]; then
        echo "api-contract: schemathesis's files (for \`schemathesis replay\`, run there) are kept in $workdir" >&2
    else
        rm -rf "$workdir"
    fi
    exit "$status"
}
trap cleanup EXIT

email="contract-$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(8))')@example.com"
password='correct horse battery staple'
status=$(curl -sS --max-time 30 -o "$workdir/signup.json" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data "{\"email\":\"$email\",\"password\":\"$password\"}" \
    "$base/v1/auth/signup") || {
    echo "api-contract: cannot reach $base (is the API running? make run)" >&2
    exit 1
}
if [ "$status" != 201 ]; then
    echo "api-contract: POST /v1/auth/signup answered $status, not 201: $(head -c 2000 "$workdir/signup.json")" >&2
    exit 1
fi
token=$("$venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])' \
    <"$workdir/signup.json") || {
    echo "api-contract: the signup answer has no accessToken: $(head -c 2000 "$workdir/signup.json")" >&2
    exit 1
}
echo "api-contract: signed up $email"

# 3. The contract run.
# Run in the scratch folder: schemathesis and Hypothesis keep caches in the working directory.
args=(
    run "$PWD/openapi.yaml"
    --url "$base"
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
    --exclude-operation-id deleteMe
    --phases "$phases"
    --max-examples "$max_examples"
    --seed "$seed"
    --no-shrink
    --generation-database none
    --generation-with-security-parameters false
    --workers 1
    --request-timeout 30
)
echo "api-contract: schemathesis ${args[*]} --header 'Authorization: Bearer <token>'"
schemathesis="$(cd "$venv/bin" && pwd)/schemathesis"
(cd "$workdir" && "$schemathesis" "${args[@]}" --header "Authorization: Bearer $token") || exit $?

# 4. Against the local emulator, which enforces each function's role: no call any route made was
# one its Policies in template.yaml do not allow (a route that swallows the error would hide it).
if status_json=$(curl -sf "$base/_local/status.json"); then
    "$venv/bin/python" -c '
import json, sys
iam = json.loads(sys.argv[1]).get("iam", {})
if iam.get("denials", 0):
    print("api-contract: the emulator denied %d call(s) the routes made:" % iam["denials"], file=sys.stderr)
    for d in iam.get("recentDenials", [])[:20]:
        print("  %s %s on %s" % (d["function"], d["action"], d["resource"]), file=sys.stderr)
    sys.exit(1)
print("api-contract: no IAM denials (mode %s)" % iam.get("mode"))
' "$status_json"
fi
