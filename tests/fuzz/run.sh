#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++-14, libFuzzer + ASan + UBSan) into BUILD_DIR and runs
# each for its share of SECONDS (default 60 in all): the expression language gets a third, the
# LDIF reader, the csexport XML reader (csanalyzer), the configuration JSON reader and the SCIM
# connector's reader of server answers share the rest, so the total stays SECONDS.
# Usage: run.sh BUILD_DIR [SECONDS] [TARGET...]   (targets: expr ldif csanalyzer config scim)
# Seeds: tests/fuzz/corpus/<target>/ plus, for expr, every expression of the reference Entra
# Connect rules. Exits non-zero when a fuzzer finds a crash, a leak, a timeout or a sanitizer
# report; the reproducer is kept in BUILD_DIR/artifacts/<target>/ so that it can become a
# regression test (tests/fuzz/regressions/<target>/ is replayed on every run).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}"
seconds="${2:-60}"
shift $(( $# >= 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(expr ldif csanalyzer config scim)
rules="$root/../shared/reference/entra-connect-config-export/SynchronizationRules"

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$build" >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

expr_seeds() {
  local dir="$1" n=0
  if [ -d "$rules" ]; then
    while IFS= read -r line; do
      n=$((n + 1))
      printf '%s' "$line" > "$dir/rule_$n"
    done < <(grep -oh '<expression>[^<]*</expression>' "$rules"/*.xml |
             sed -e 's/^<expression>//' -e 's/<\/expression>$//' \
                 -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g' | sort -u)
  fi
  printf '%s' 'IIF(IsPresent([displayName]),Trim([displayName]),Left([sn],3) & "@" & %Domain.FQDN%)' > "$dir/simple_1"
  printf '%s' 'Select($p,[proxyAddresses],IIF(InStr($p,"SIP:")=1,NULL,LCase($p)))' > "$dir/simple_2"
  printf '%s' 'PadLeft(CStr([count]),10,"0") & ConvertToBase64([displayName]) & CertThumbprint([objectGUID])' > "$dir/simple_3"
}

# Share of the time (expr 3 parts, the others 2 each, of the total) and the longest input.
share() { case "$1" in expr) echo 3;; *) echo 2;; esac; }
max_len() { case "$1" in expr) echo 512;; ldif) echo 4096;; *) echo 16384;; esac; }
total_shares=0
for t in "${targets[@]}"; do total_shares=$((total_shares + $(share "$t"))); done

failed=0
for t in "${targets[@]}"; do
  secs=$(( seconds * $(share "$t") / total_shares ))
  [ "$secs" -ge 1 ] || secs=1
  corpus="$work/$t"
  mkdir -p "$corpus" "$build/artifacts/$t"
  if [ "$t" = expr ]; then expr_seeds "$corpus"; fi
  if [ -d "$here/corpus/$t" ]; then cp "$here/corpus/$t"/* "$corpus"/; fi
  log="$build/$t-fuzz.log"
  # Known crashes first: each file in regressions/<target>/ must run clean.
  if [ -d "$here/regressions/$t" ] && ls "$here/regressions/$t"/* >/dev/null 2>&1; then
    if ! "$build/${t}_fuzzer" -runs=1 "$here/regressions/$t"/* >"$build/$t-regressions.log" 2>&1; then
      tail -n 40 "$build/$t-regressions.log"
      echo "fuzz: FAILED - a regression input of $t crashes again (tests/fuzz/regressions/$t)" >&2
      failed=1
      continue
    fi
  fi
  echo "fuzz $t: $(ls "$corpus" | wc -l) seeds, ${secs}s"
  if ! "$build/${t}_fuzzer" -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$build/artifacts/$t/" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: FAILED - the $t fuzzer found a problem; reproducer in $build/artifacts/$t" >&2
    failed=1
    continue
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" | sed "s/^/  $t /" || true
done
[ "$failed" = 0 ] || exit 1
echo "fuzz: no crashes"
