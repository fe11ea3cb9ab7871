#!/bin/sh
# Fuzzes the ONNX reader and the engine's loader (Sources/ONNXFuzzer) with libFuzzer and AddressSanitizer.
#
#   Fuzz/run.sh [SECONDS]          fuzz for SECONDS (default 600) from Fuzz/corpus
#   Fuzz/run.sh --merge            add the inputs of earlier runs that reach new code to Fuzz/corpus
#   Fuzz/run.sh --replay FILE...   run the target once on each FILE (a crash to reproduce)
#
# New inputs collect in .build-fuzz/corpus (not committed). Crashes, hangs (over 20 s) and inputs that
# allocate more than 2 GB at once are written to Fuzz/findings/ and the run goes on (libFuzzer's fork
# mode, one worker). Fuzz/make_seeds.py remakes the seed corpus from the test fixtures.
set -eu
cd "$(dirname "$0")/.."

swift build -c release --scratch-path .build-fuzz --product ONNXFuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library >&2
fuzzer=.build-fuzz/release/ONNXFuzzer
mkdir -p .build-fuzz/corpus Fuzz/findings

case "${1:-}" in
--merge)
    exec "$fuzzer" -merge=1 -max_len=200000 Fuzz/corpus .build-fuzz/corpus ;;
--replay)
    shift
    exec "$fuzzer" -rss_limit_mb=4096 -malloc_limit_mb=2100 "$@" ;;
esac

exec "$fuzzer" .build-fuzz/corpus Fuzz/corpus \
    -dict=Fuzz/onnx.dict -max_len=200000 -max_total_time="${1:-600}" -timeout=20 \
    -rss_limit_mb=4096 -malloc_limit_mb=2100 -artifact_prefix=Fuzz/findings/ \
    -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1
