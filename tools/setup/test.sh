#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup/build.sh
cd build
ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@"
