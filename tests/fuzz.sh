#!/usr/bin/env bash
# Run every libFuzzer harness built in BUILD (make fuzz) for SECONDS each,
# starting from its seed corpus. New inputs go to a scratch directory, never
# into the tree; a crash leaves its input in BUILD/fuzz-crashes/ and fails.
#   tests/fuzz.sh BUILD [SECONDS]
set -euo pipefail
build=$1
secs=${2:-30}
src=$(cd "$(dirname "$0")" && pwd)/fuzz
out=$build/fuzz-crashes
mkdir -p "$out"
status=0
for bin in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); short=${name#fuzz_}
  work=$(mktemp -d)
  echo "== $name: ${secs}s from $(ls "$src/corpus/$short" | wc -l) seeds"
  if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$out/$short-" -print_final_stats=1 "$work" "$src/corpus/$short" \
      >"$out/$short.log" 2>&1; then
    echo "FAILED: $name (see $out/$short.log)"; tail -30 "$out/$short.log"; status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$out/$short.log" | tail -2
  fi
  rm -rf "$work"
done
exit $status
