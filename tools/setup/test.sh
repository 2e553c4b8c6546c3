#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds, runs a brief libFuzzer pass (about 60 s)
# over the expression language, the LDIF, csexport XML, configuration JSON and SCIM answer readers (ASan +
# UBSan; fails on any crash), the sanitizer builds (tools/setup/sanitize.sh), then every test
# with ctest, whose summary line closes the output.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Where the time goes, printed before ctest starts (CI has a time limit; keep each phase visible).
phase_start=$(date +%s)
timings=()
phase_done() { local now; now=$(date +%s); timings+=("$1 $((now - phase_start))s"); phase_start=$now; }
tools/setup/build.sh
phase_done build
tests/fuzz/run.sh build/fuzz "${IDSYNC_FUZZ_SECONDS:-60}"
phase_done fuzz
# ASan + UBSan over the whole suite (build-asan) and TSan over the engine tests (build-tsan, with a
# oneTBB built with TSan: tools/setup/build-tbb-tsan.sh);
# IDSYNC_SANITIZERS=0 leaves them out of a quick local run. A sanitizer failure still lets the
# normal suite run, and fails the command at the end.
sanitizers=0
if [ "${IDSYNC_SANITIZERS:-1}" != 0 ]; then
  tools/setup/sanitize.sh || sanitizers=$?
  phase_done sanitizers
fi
echo "test: ${timings[*]}; now ctest (it prints its own total)"
cd build
status=0
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@" || status=$?
if [ "$sanitizers" != 0 ]; then
  echo "test: FAILED - the sanitizer run (tools/setup/sanitize.sh) found problems; see its output above" >&2
  [ "$status" != 0 ] || status=$sanitizers
fi
exit "$status"
