#!/usr/bin/env bash
# Runs the Swift test suites on the existing build and ends with one plain summary line
# ("summary: N passed, N failed").
#
# Two passes: the suites that assert on timers (the local SQS's long polling and visibility
# timeouts) or on the process's peak memory (streaming large bodies) run on their own, after the
# rest: the other suites' blocking waits can hold both threads of Swift's cooperative pool on a
# 2-core machine and stall timers, and their allocations count in the same process's memory.
#
#   scripts/swift-tests.sh                  every suite (make test)
#   scripts/swift-tests.sh --only FILTER    only the suites FILTER matches, in one pass (make test-images)
set -uo pipefail
cd "$(dirname "$0")/.."
isolated='LocalSQSTests|LargeObjectTests|HTTPClientIntegration'
# What the tests write to the temporary directory (stores, emulators' data folders, media) goes
# into one folder of this run, removed at the end however the run ends.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/transcriptor-tests.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
passed=0
failed=0
status=0
run() {
    local log
    log=$(mktemp)
    swift test --skip-build "$@" 2>&1 | tee "$log"
    local code=${PIPESTATUS[0]}
    local summary total bad
    summary=$(grep -E "Test run with [0-9]+ tests? in [0-9]+ suites? (passed|failed)" "$log" | tail -1)
    bad=$(grep -E "^✘ Test .* failed after" "$log" | grep -vc "^✘ Test run with" || true)
    rm -f "$log"
    if [ -z "$summary" ]; then
        echo "no Swift Testing summary: the test run did not complete"
        status=1
        return
    fi
    total=$(sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/' <<<"$summary")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
    [ "$code" -eq 0 ] || status=$code
}
if [ "${1:-}" = --only ]; then
    run --filter "${2:?usage: $0 --only FILTER}"
else
    run --skip "$isolated"
    run --filter "$isolated"
fi
echo "summary: $passed passed, $failed failed"
exit "$status"
