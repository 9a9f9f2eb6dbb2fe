#!/usr/bin/env bash
# Sanitizer runs (README, "Fuzzing and sanitizers"); not part of README's test command.
#
#   scripts/sanitize.sh asan [REGEX]  # ASan+UBSan (the debug preset), every test or those matching
#   scripts/sanitize.sh tsan [REGEX]  # ThreadSanitizer on the threaded parts (the tsan preset)
#
# The threaded parts: the live worker and dashboard controller (with the device profiler), the
# capture thread, the pipeline's lanes and competing loads, the knob guard's signal path.
# A report fails the run; suppressions (scripts/*.supp) are for system libraries only, each with
# its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-}
threaded='^(tst_live_support|tst_dashboard_controller|tst_frame_sources|tst_run_scenarios|tst_contended_core|tst_scenario|tst_platform_knob_guard|tst_platform_sampler)$'
case "$kind" in
    asan)
        preset=debug
        build=build-debug
        regex=${2:-.}
        export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
        export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
        export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0"
        # Under Xvfb, Qt Quick draws with Mesa's software GL driver (swrast_dri.so), which Mesa
        # unloads when the X display closes, before LeakSanitizer looks. Two 56-byte blocks
        # that the driver's globals still point to then look leaked, from an "<unknown
        # module>" that no suppression can name. Qt's own qmltestrunner showing a plain
        # Rectangle reports the same two blocks, so dofa's code is not involved. With the
        # driver kept loaded (preloaded after the ASan runtime, which must come first), the
        # blocks are reachable and nothing is reported. Only the dashboard that
        # tst_dashboard_app starts gets the preload, not xvfb-run or Xvfb.
        dri=$(ls /usr/lib/*/dri/swrast_dri.so 2> /dev/null | head -1 || true)
        asan_runtime=$(gcc -print-file-name=libasan.so)
        if [ -n "$dri" ] && [ -e "$asan_runtime" ]; then
            export DOFA_TEST_DASHBOARD_PRELOAD="$(readlink -f "$asan_runtime") $dri"
        fi
        ;;
    tsan)
        preset=tsan
        build=build-tsan
        regex=${2:-$threaded}
        # A report fails the test (exit code 66) but the run goes on to show them all.
        # history_size=7 (the largest) keeps the earlier access's stack: with the default, an OpenMP
        # worker's reads of the caller's stack lose theirs ("failed to restore the stack"), so
        # the libgomp suppression cannot match them.
        # ignore_noninstrumented_modules=1: the allocations, frees and copies that system
        # libraries built without TSan (Qt, LibTorch, OpenCV, GLib) make through TSan's
        # interceptors are not checked, as their plain loads and stores never are. Without it,
        # Qt's futex-locked internals show as races: its event queue growing on two threads,
        # every posted event freed on the receiver's, a QString freed after an atomic release
        # TSan saw only half of (the other half is inside libQt6Core). dofa's own code is
        # still checked, including its accesses to memory those libraries allocated.
        export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan.supp:halt_on_error=0:second_deadlock_stack=1:history_size=7:ignore_noninstrumented_modules=1"
        ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
esac
# Code under a sanitizer runs several times slower (tst_progressive_shrinking's training under
# ASan outran Qt Test's 300 s per function): 30 minutes per test function, as ctest's limit.
export QTEST_FUNCTION_TIMEOUT=1800000
cmake --preset $preset > /dev/null
if [ "$regex" = . ]; then
    ninja -C "$build"
else
    # Only what the chosen tests need: a Qt Test's name is its target's.
    ninja -C "$build" $(ctest --test-dir "$build" -N -R "$regex" |
                        sed -n 's/^ *Test *#[0-9]*: \(tst_[a-z0-9_]*\)$/\1/p')
fi
ctest --preset $preset -R "$regex" --output-on-failure --timeout 1800
