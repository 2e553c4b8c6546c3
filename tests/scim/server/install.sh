#!/usr/bin/env bash
# Installs the SCIM test server's npm packages exactly as package-lock.json pins them; does
# nothing when node_modules already matches the lock file.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] &&
   [ -f node_modules/scimmy-routers/package.json ]; then
  exit 0
fi
npm ci --no-audit --no-fund
