#!/usr/bin/env bash
# ctest entry for the PowerShell test. Without pwsh on this machine the test is reported as
# SKIPPED (exit 77) with the exact reason PowerShell could not be installed — never silently.
set -u
idsync="$1"
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v pwsh >/dev/null 2>&1; then
  echo "SKIPPED: pwsh is not installed on this machine."
  err="${XDG_STATE_HOME:-$HOME/.local/state}/idsync/pwsh-install-error.txt"
  if [ -f "$err" ]; then
    echo "tools/setup/install-deps.sh could not install PowerShell; the package source said:"
    sed 's/^/  /' "$err"
  fi
  exit 77
fi
exec pwsh -NoProfile -NonInteractive -File "$here/cli_cycle.ps1" -Idsync "$idsync"
