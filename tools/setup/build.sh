#!/usr/bin/env bash
# Installs dependencies and builds IdSync into build/ (Release with debug info).
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)"
tools/setup/install-psmodule.sh build
echo "setup: built build/tools/idsync"
