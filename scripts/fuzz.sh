#!/usr/bin/env bash
# make fuzz: builds the fuzz targets (the Fuzz package) with libFuzzer and AddressSanitizer, and
# runs each for FUZZ_SECONDS (default 60) from its seed corpus in Fuzz/Corpus/<target>/. New
# inputs that add coverage go to .fuzz-work/<target>/ (not committed); a crash is written to
# Fuzz/Crashes/<target>/ — commit it with the fix, and `make test` replays it from then on
# (Tests/FuzzRegressionTests). FUZZ_TARGETS picks some (json events sigv4 expressions subtitles urlguard
# multipartform cookies proxyhead).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-json events sigv4 expressions subtitles urlguard multipartform cookies proxyhead}
echo "fuzz: building the targets (libFuzzer, AddressSanitizer)"
swift build --package-path Fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address >/dev/null
bin=$(swift build --package-path Fuzz --scratch-path .build-fuzz --show-bin-path)
status=0
for target in $targets; do
    mkdir -p ".fuzz-work/$target" "Fuzz/Crashes/$target"
    echo "fuzz: $target for ${seconds}s"
    if ! FUZZ_TARGET="$target" "$bin/FuzzTarget" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="Fuzz/Crashes/$target/" -print_final_stats=1 \
        ".fuzz-work/$target" "Fuzz/Corpus/$target" >".fuzz-work/$target.log" 2>&1; then
        echo "fuzz: $target FOUND A CRASH (see .fuzz-work/$target.log and Fuzz/Crashes/$target/)"
        tail -30 ".fuzz-work/$target.log"
        status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' ".fuzz-work/$target.log" | tail -2 || true
    fi
done
exit "$status"
