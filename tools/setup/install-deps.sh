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
  chromium chromium-driver   # the export preview page is tested in headless Chromium
  libldap-dev ldap-utils slapd
  samba samba-ad-dc samba-ad-provision winbind python3-ldb ldb-tools samba-dsdb-modules
  libzstd-dev   # cold attribute sets are compressed with zstd (model/set_codec.cc)
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

# PowerShell 7.6 for the PowerShell module and its tests. It comes from NuGet as the .NET tool
# "PowerShell" (7.6.9 is the version the package source serves); pwsh goes on PATH through
# /usr/local/bin. Without it the PowerShell tests cannot run, so a failed install stops the setup.
PWSH_DIR="${IDSYNC_PWSH_DIR:-/opt/idsync/pwsh}"
PWSH_VERSION="${IDSYNC_PWSH_VERSION:-7.6.9}"
if ! command -v pwsh >/dev/null 2>&1; then
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "setup: ERROR: the .NET SDK 10 (dotnet) is needed to install PowerShell and to build the module" >&2
    exit 1
  fi
  if [ ! -x "$PWSH_DIR/pwsh" ]; then
    $SUDO mkdir -p "$PWSH_DIR"
    if ! out=$($SUDO dotnet tool install --tool-path "$PWSH_DIR" PowerShell --version "$PWSH_VERSION" 2>&1); then
      echo "setup: ERROR: PowerShell $PWSH_VERSION could not be installed from the NuGet source:" >&2
      printf '  %s\n' "$out" >&2
      exit 1
    fi
    echo "setup: installed PowerShell $PWSH_VERSION"
  fi
  $SUDO ln -sf "$PWSH_DIR/pwsh" /usr/local/bin/pwsh
  echo "setup: pwsh $("$PWSH_DIR/pwsh" -NoProfile -Command '$PSVersionTable.PSVersion.ToString()') linked as /usr/local/bin/pwsh"
fi

# The SCIM connector (libcurl) and its test server (Node + npm packages pinned by
# tests/scim/server/package-lock.json).
SCIM_PACKAGES=(libcurl4-openssl-dev)
command -v npm >/dev/null 2>&1 || SCIM_PACKAGES+=(nodejs npm)
scim_missing=()
for p in "${SCIM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || scim_missing+=("$p")
done
if [ ${#scim_missing[@]} -gt 0 ]; then
  echo "setup: installing ${scim_missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${scim_missing[@]}" >/dev/null
fi
"$(dirname "$0")/../../tests/scim/server/install.sh" >/dev/null
