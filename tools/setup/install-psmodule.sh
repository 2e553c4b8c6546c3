#!/usr/bin/env bash
# Installs the IdSync PowerShell module built by CMake (target idsync_psmodule) where
# `Import-Module IdSync` finds it for every user: /usr/local/share/powershell/Modules/IdSync/<version>/
# (the IdSync assembly, the manifest, the format views and libidsync.so beside them).
# Usage: tools/setup/install-psmodule.sh [BUILD_DIR] [MODULES_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
modules="${2:-${IDSYNC_PS_MODULES_DIR:-/usr/local/share/powershell/Modules}}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
src=$(find "$build/psmodule/IdSync" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -V | tail -1)
if [ -z "$src" ] || [ ! -f "$src/IdSync.psd1" ]; then
  echo "install-psmodule: no built module under $build/psmodule/IdSync; run cmake --build $build --target idsync_psmodule" >&2
  exit 1
fi
version=$(basename "$src")
$SUDO rm -rf "$modules/IdSync/$version"
$SUDO mkdir -p "$modules/IdSync/$version"
$SUDO cp -r "$src"/IdSync.psd1 "$src"/IdSync.Format.ps1xml "$src"/IdSync.PowerShell.dll "$src"/libidsync.so "$src"/en-US \
  "$modules/IdSync/$version/"
echo "install-psmodule: IdSync $version installed in $modules/IdSync/$version (Import-Module IdSync)"
