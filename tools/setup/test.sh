#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup/build.sh
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
# A brief libFuzzer run of the expression language (ASan + UBSan); fails on any crash.
cd ..
tests/fuzz/run.sh build/expr-fuzz "${IDSYNC_FUZZ_SECONDS:-25}"
