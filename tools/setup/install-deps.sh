#!/usr/bin/env bash
# Installs what IdSync needs on Debian 12: the compiler toolchain and libraries from Debian's
# packages, and PowerShell 7.6 (the .NET tool "PowerShell") with pwsh on PATH.
# Idempotent: already-installed packages are skipped quickly.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libtbb-dev libmimalloc-dev libsqlite3-dev libpugixml-dev libxxhash-dev
  libbenchmark-dev libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev
  sqlite3 libssl-dev openssl clang-14 libclang-rt-14-dev
  libldap-dev ldap-utils slapd
  samba samba-ad-dc samba-ad-provision winbind python3-ldb ldb-tools samba-dsdb-modules
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The LDAP tests start their own slapd and Samba DC (Samba on 127.0.0.1:389): the system
  # services these packages may have started would hold that port.
  if command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now slapd samba-ad-dc >/dev/null 2>&1 || true
  fi
fi

# PowerShell 7.6 for the PowerShell module. It comes from NuGet as a .NET tool; when the package
# source cannot provide it, say exactly why and go on: everything else works without it.
PWSH_DIR="${IDSYNC_PWSH_DIR:-/opt/idsync/pwsh}"
PWSH_VERSION="${IDSYNC_PWSH_VERSION:-7.6.0}"
if ! command -v pwsh >/dev/null 2>&1; then
  if command -v dotnet >/dev/null 2>&1; then
    $SUDO mkdir -p "$PWSH_DIR"
    if out=$($SUDO dotnet tool install --tool-path "$PWSH_DIR" PowerShell --version "$PWSH_VERSION" 2>&1); then
      $SUDO ln -sf "$PWSH_DIR/pwsh" /usr/local/bin/pwsh
      echo "setup: installed PowerShell $PWSH_VERSION (pwsh on PATH)"
    else
      mkdir -p "${XDG_STATE_HOME:-$HOME/.local/state}/idsync"
      printf '%s\n' "$out" > "${XDG_STATE_HOME:-$HOME/.local/state}/idsync/pwsh-install-error.txt"
      echo "setup: WARNING: PowerShell $PWSH_VERSION could not be installed from the NuGet source:" >&2
      printf '  %s\n' "$out" >&2
      echo "setup: the PowerShell module and its tests need pwsh; everything else is unaffected." >&2
    fi
  else
    echo "setup: WARNING: the .NET SDK (dotnet) is not installed, so PowerShell cannot be installed as a .NET tool." >&2
  fi
fi
