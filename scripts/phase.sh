#!/usr/bin/env bash
# Runs one phase of a make target and prints how long it took, so the time budget of `make test`
# (45 minutes on a fresh clone of a 2-core machine) can be watched as the project grows.
set -uo pipefail
name=$1
shift
start=$(date +%s.%N)
echo "==> $name"
"$@"
status=$?
end=$(date +%s.%N)
printf '==> %s: %.1fs%s\n' "$name" "$(awk "BEGIN{print $end - $start}")" "$([ $status -eq 0 ] || echo " (FAILED, exit $status)")"
exit $status
