#!/usr/bin/env bash
# The long fuzz run: every libFuzzer target for SECONDS each (default 600), keeping the grown
# corpus in DIR (default build/fuzz-corpus) so that later runs start where this one stopped.
#   bench/fuzz.sh [SECONDS_PER_TARGET] [DIR]
# CI runs the short version (tests/fuzz/run.sh, about 60 s over all targets). A crash leaves its
# reproducer in build/fuzz/artifacts/<target>/: add it to tests/fuzz/regressions/<target>/ with
# the fix.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
keep="${2:-$root/build/fuzz-corpus}"
build="$root/build/fuzz"
"$root/tests/fuzz/run.sh" "$build" 1 expr >/dev/null  # builds every target
for t in expr ldif csanalyzer config scim; do
  mkdir -p "$keep/$t" "$build/artifacts/$t"
  [ -d "$root/tests/fuzz/corpus/$t" ] && cp -n "$root/tests/fuzz/corpus/$t"/* "$keep/$t"/ 2>/dev/null || true
  echo "fuzz $t: ${seconds}s, corpus $keep/$t"
  "$build/${t}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -jobs=1 \
      -artifact_prefix="$build/artifacts/$t/" -print_final_stats=1 "$keep/$t" 2>&1 |
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" || true
done
