#!/usr/bin/env bash
# Builds the expression fuzzer (clang++-14, libFuzzer + ASan + UBSan) into $1 and runs it for
# $2 seconds (default 25) from a seed corpus of the default synchronization rules' expressions.
# Exits non-zero when the fuzzer finds a crash, a leak or a sanitizer report; the reproducer is
# kept in $1/artifacts so it can become a regression test in tests/expr.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:?usage: run.sh BUILD_DIR [SECONDS]}"
seconds="${2:-25}"
rules="$root/../shared/reference/entra-connect-config-export/SynchronizationRules"

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$build" >/dev/null

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
n=0
if [ -d "$rules" ]; then
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "$corpus/rule_$n"
  done < <(grep -oh '<expression>[^<]*</expression>' "$rules"/*.xml |
           sed -e 's/^<expression>//' -e 's/<\/expression>$//' \
               -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&amp;/\&/g' | sort -u)
fi
printf '%s' 'IIF(IsPresent([displayName]),Trim([displayName]),Left([sn],3) & "@" & %Domain.FQDN%)' > "$corpus/simple_1"
printf '%s' 'Select($p,[proxyAddresses],IIF(InStr($p,"SIP:")=1,NULL,LCase($p)))' > "$corpus/simple_2"
printf '%s' 'PadLeft(CStr([count]),10,"0") & ConvertToBase64([displayName]) & CertThumbprint([objectGUID])' > "$corpus/simple_3"
echo "fuzz: $((n + 3)) seeds, ${seconds}s"

mkdir -p "$build/artifacts"
log="$build/fuzz.log"
if ! "$build/expr_fuzzer" -max_total_time="$seconds" -max_len=512 -timeout=10 -rss_limit_mb=2048 \
     -artifact_prefix="$build/artifacts/" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
  tail -n 60 "$log"
  echo "fuzz: FAILED - the expression fuzzer found a problem; reproducer in $build/artifacts" >&2
  exit 1
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log" || true
echo "fuzz: no crashes"
