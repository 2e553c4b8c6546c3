#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds, runs a brief libFuzzer pass (about 60 s)
# over the expression language, the LDIF, csexport XML and configuration JSON readers (ASan +
# UBSan; fails on any crash), then every test with ctest, whose summary line closes the output.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup/build.sh
tests/fuzz/run.sh build/fuzz "${IDSYNC_FUZZ_SECONDS:-60}"
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
