#!/usr/bin/env bash
# Sanitizer builds of the test suite, each in its own build directory (tests only, no benchmarks):
#   build-asan  AddressSanitizer + UBSan (IDSYNC_SANITIZE=ON): every ctest test, the idsync CLI
#               the CLI tests run included. Any report fails the test it happens in.
#   build-tsan  ThreadSanitizer (IDSYNC_SANITIZE_THREAD=ON): the engine tests
#               (idsync_sync_tests, which the parallel engine's determinism test joins), over a
#               oneTBB built with TSan (tools/setup/build-tbb-tsan.sh, cached in build-tsan/onetbb).
# Usage: tools/setup/sanitize.sh [asan|tsan]...   (default: asan tsan). tools/setup/test.sh runs it.
# The chaos test runs fewer kills here (IDSYNC_CHAOS_TRIALS=20 over a 1,000-object forest): the
# sanitizers make every process slower, and the full 60 kills run in the normal build.
set -euo pipefail
cd "$(dirname "$0")/../.."
jobs="$(nproc)"
# Sanitizer builds are for finding bugs, not for speed: -O1 (what the sanitizers' authors
# recommend) and line tables only (-g1, enough for every report's stack) build in half the time
# of -O2 -g.
sanitizer_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(asan tsan)
failed=()  # a failing kind still lets the next one run

for kind in "${kinds[@]}"; do
  start=$(date +%s)
  case "$kind" in
    asan)
      # No PowerShell module here: pwsh (a .NET host) cannot load an ASan-built libidsync.so
      # without preloading the ASan runtime. The C API itself runs under ASan in the c_api test.
      cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDSYNC_SANITIZE=ON "${sanitizer_flags[@]}" \
            -DIDSYNC_BUILD_BENCH=OFF -DIDSYNC_BUILD_PSMODULE=OFF >/dev/null
      cmake --build build-asan --parallel "$jobs" >/dev/null
      built=$(date +%s)
      # halt_on_error: a UBSan finding fails the test instead of scrolling by.
      ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1" \
      UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
      IDSYNC_CHAOS_TRIALS=20 IDSYNC_CHAOS_OBJECTS=1000 \
        ctest --test-dir build-asan --output-on-failure --timeout 900 -j "$jobs" || failed+=(asan)
      ;;
    tsan)
      # Debian's libtbb.so is not built with TSan: TSan could not see oneTBB's own task hand-off
      # and would report the scheduler's internals as races. The same oneTBB, instrumented:
      tbb_prefix="$(tools/setup/build-tbb-tsan.sh build-tsan/onetbb)"
      cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIDSYNC_SANITIZE_THREAD=ON "${sanitizer_flags[@]}" \
            -DIDSYNC_TSAN_TBB_PREFIX="$tbb_prefix" -DTBB_DIR="$tbb_prefix/lib/cmake/TBB" \
            -DIDSYNC_BUILD_BENCH=OFF -DIDSYNC_BUILD_PSMODULE=OFF >/dev/null
      cmake --build build-tsan --parallel "$jobs" --target idsync_sync_tests >/dev/null
      built=$(date +%s)
      # A run against the system libtbb would bring the false reports back: check what loads.
      if ! ldd build-tsan/tests/idsync_sync_tests | grep -q "libtbb.so.* => $tbb_prefix/lib/"; then
        echo "sanitize tsan: idsync_sync_tests does not load the TSan libtbb from $tbb_prefix/lib:" >&2
        ldd build-tsan/tests/idsync_sync_tests | grep libtbb >&2 || true
        exit 1
      fi
      TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" build-tsan/tests/idsync_sync_tests --gtest_brief=1 \
        || failed+=(tsan)
      ;;
    *) echo "sanitize: unknown kind '$kind' (asan, tsan)" >&2; exit 2 ;;
  esac
  echo "sanitize $kind: build $((built - start))s, tests $(( $(date +%s) - built ))s"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "sanitize: FAILED: ${failed[*]}" >&2
  exit 1
fi
