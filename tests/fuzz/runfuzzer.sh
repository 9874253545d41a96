#!/usr/bin/env bash
# Runs one fuzz target for a bounded time on a temporary copy of its seed corpus, so the
# repository is never written to. libFuzzer exits non-zero on a crash, leak, timeout or OOM
# and prints the input; the saved input is printed again here as hex.
#   runfuzzer.sh <fuzzer binary> <tests/fuzz dir> <seconds>
set -euo pipefail
exe="$1" dir="$2" seconds="$3"
name="$(basename "$exe")"
target="${name#fuzz_}"
work="$(mktemp -d "${TMPDIR:-/tmp}/servedeck-fuzz-$target.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
if [ -d "$dir/corpus/$target" ]; then
    cp -R "$dir/corpus/$target/." "$work/corpus/"
fi
args=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
      -artifact_prefix="$work/artifacts/")
[ -f "$dir/$target.dict" ] && args+=(-dict="$dir/$target.dict")
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
rc=0
"$exe" "${args[@]}" "$work/corpus" || rc=$?
if [ "$rc" -ne 0 ]; then
    for f in "$work"/artifacts/*; do
        [ -f "$f" ] || continue
        echo "=== $name failed; input $(basename "$f") ($(stat -c %s "$f") bytes):"
        od -A d -c "$f" | head -n 64
    done
fi
exit "$rc"
