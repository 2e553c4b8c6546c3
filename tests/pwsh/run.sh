#!/usr/bin/env bash
# ctest entry for the PowerShell tests: runs SCRIPT in real pwsh with the module the build made
# first on PSModulePath. pwsh is part of the setup (tools/setup/install-deps.sh), so a missing
# pwsh is a FAILURE, never a skip.
# Usage: run.sh PSMODULE_PATH SCRIPT [ARGS...]
set -u
if [ $# -lt 2 ]; then
  echo "usage: run.sh PSMODULE_PATH SCRIPT [ARGS...]" >&2
  exit 2
fi
modules="$1"
script="$2"
shift 2
if ! command -v pwsh >/dev/null 2>&1; then
  echo "FAILED: pwsh is not on PATH; run tools/setup/install-deps.sh (it installs PowerShell 7.6.9)." >&2
  exit 1
fi
export IDSYNC_PSMODULE_PATH="$modules"
export PSModulePath="$modules${PSModulePath:+:$PSModulePath}"
unset IDSYNC_STORE
exec pwsh -NoProfile -NonInteractive -File "$script" "$@"
