#!/usr/bin/env bash
# Builds and runs one libFuzzer target: Fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
#   TARGET   line-decoder | yaml-loader
#   SECONDS  -max_total_time (default 120)
#
# The committed seeds in Fuzz/corpus/TARGET are read but never written: libFuzzer adds what it finds to a work copy,
# .build/fuzz/corpus/TARGET, which later runs resume from. Crashes, timeouts and out-of-memory inputs are written to
# .build/fuzz/artifacts/TARGET/; reproduce one with `.build/fuzz/TARGET FILE`. Exits non-zero when libFuzzer finds
# one. Extra arguments go to libFuzzer (e.g. -jobs=2, -seed=1, or a crash file to re-run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET="${1:?usage: Fuzz/run.sh TARGET [SECONDS] [libFuzzer flags...]}"
SECONDS_TO_RUN="${2:-120}"
shift $(($# >= 2 ? 2 : 1))
OUT="${FUZZ_OUT:-.build/fuzz}"

case "$TARGET" in
    # Lines are limited to 4096 bytes in the harness, so inputs must be able to exceed that.
    line-decoder) MAX_LEN=16384 ;;
    yaml-loader) MAX_LEN=8192 ;;
    *)
        echo "unknown fuzz target '$TARGET' (known: line-decoder yaml-loader)" >&2
        exit 2
        ;;
esac

BINARY="$(FUZZ_OUT="$OUT" Fuzz/build.sh "$TARGET")"
WORK="$OUT/corpus/$TARGET"
ARTIFACTS="$OUT/artifacts/$TARGET"
mkdir -p "$WORK" "$ARTIFACTS"

# The Swift runtime's own crash handler would race AddressSanitizer's and libFuzzer's reports; let them report.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"

set -x
"$BINARY" "$WORK" "Fuzz/corpus/$TARGET" \
    -dict="Fuzz/dict/$TARGET.dict" \
    -max_total_time="$SECONDS_TO_RUN" \
    -max_len="$MAX_LEN" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -artifact_prefix="$ARTIFACTS/" \
    -print_final_stats=1 \
    "$@"
