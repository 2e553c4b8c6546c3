#!/usr/bin/env bash
# Builds oneTBB with ThreadSanitizer for the TSan test build (tools/setup/sanitize.sh tsan).
#
# Why: Debian's libtbb.so is not built with -fsanitize=thread, so TSan cannot see oneTBB's own
# task hand-off and reports the scheduler's internals (check_being_stolen, blocked_range,
# start_for, the small object pool) as races. The fix is the very same oneTBB, instrumented:
# this script takes the source package of the installed libtbb-dev (same version, same Debian
# patches) from the Debian mirror, builds only libtbb (no tbbmalloc, no tbbbind, no tests) with
# TBB_SANITIZE=thread, and installs it into a prefix the TSan build finds first.
#
# Usage: tools/setup/build-tbb-tsan.sh [CACHE_DIR]   (default: build-tsan/onetbb)
# Prints the install prefix on stdout (all progress goes to stderr). A prefix already built for
# the installed version is reused, so a second call costs nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."

cache="$(realpath -m "${1:-build-tsan/onetbb}")"
prefix="$cache/prefix"
jobs="$(nproc)"

# The version of the installed libtbb-dev: the instrumented library must match the headers the
# rest of the build sees (/usr/include/oneapi/tbb), or the two halves could disagree on layouts.
version="$(dpkg-query -W -f='${source:Version}' libtbb-dev 2>/dev/null || true)"
if [ -z "$version" ]; then
  echo "build-tbb-tsan: libtbb-dev is not installed (run tools/setup/install-deps.sh)" >&2
  exit 1
fi
stamp="$prefix/.idsync-onetbb-version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version-tsan" ] && [ -f "$prefix/lib/cmake/TBB/TBBConfig.cmake" ]; then
  echo "build-tbb-tsan: reusing oneTBB $version (TSan) in $prefix" >&2
  echo "$prefix"
  exit 0
fi

start=$(date +%s)
rm -rf "$cache/src" "$cache/build" "$prefix"
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/download"

# A private apt configuration with only a deb-src line: it leaves the system's sources and lists
# untouched and needs no root.
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
printf 'deb-src http://deb.debian.org/debian %s main\n' "$codename" > "$cache/apt/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$cache/apt/sources.list" -o "Dir::Etc::sourceparts=-"
          -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache"
          -o "APT::Sandbox::User=$(id -un)")
if ! apt-get update -qq "${apt_opts[@]}" >&2; then
  echo "build-tbb-tsan: could not read the Debian source index (deb-src $codename main) from deb.debian.org" >&2
  exit 1
fi
# Tarballs only: dpkg-source below unpacks them and applies debian/patches in series order.
if ! (cd "$cache/download" && apt-get source -qq --download-only "${apt_opts[@]}" "onetbb=$version" >&2); then
  echo "build-tbb-tsan: the source package onetbb=$version is not on the mirror; it must match the installed libtbb-dev" >&2
  exit 1
fi
dsc="$(ls "$cache/download"/onetbb_*.dsc)"
dpkg-source --no-check -x "$dsc" "$cache/src" >&2

# TBB_STRICT=OFF: the library's -Werror is for its developers, a newer warning must not stop us.
# TBB_ENABLE_IPO is ignored by oneTBB itself under TSan. The shared linker flag makes libtbb.so
# depend on libtsan directly (oneTBB adds -fsanitize only to executables' links).
cmake -S "$cache/src" -B "$cache/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
      -DTBB_SANITIZE=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
      -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF -DTBB_STRICT=OFF -DTBB4PY_BUILD=OFF \
      -DTBBMALLOC_BUILD=OFF -DTBBMALLOC_PROXY_BUILD=OFF -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON \
      >"$cache/configure.log" 2>&1 || { cat "$cache/configure.log" >&2; exit 1; }
cmake --build "$cache/build" --parallel "$jobs" >"$cache/build.log" 2>&1 || { tail -50 "$cache/build.log" >&2; exit 1; }
cmake --install "$cache/build" >"$cache/install.log" 2>&1 || { cat "$cache/install.log" >&2; exit 1; }

# Proof that what we installed is instrumented: an uninstrumented libtbb has no __tsan_ calls.
lib="$(ls "$prefix"/lib/libtbb.so.* | head -1)"
if ! nm -D --undefined-only "$lib" | grep -q __tsan_func_entry; then
  echo "build-tbb-tsan: $lib is not instrumented with TSan" >&2
  exit 1
fi
echo "$version-tsan" > "$stamp"
echo "build-tbb-tsan: oneTBB $version with TSan in $prefix ($(( $(date +%s) - start ))s)" >&2
echo "$prefix"
