#!/usr/bin/env bash
# Builds dofa's fuzz targets (fuzz/) with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer in build-fuzz/, and runs each target for a number of executions
# or seconds, seeded from the committed corpus (fuzz/corpus, made from real files by
# fuzz/make_seeds.py). Prints one line per target: executions, seconds, findings.
#
#   scripts/fuzz.sh                       # every target, 1,000,000 executions each
#   scripts/fuzz.sh --seconds 60 idx arch # two targets, a minute each
#   scripts/fuzz.sh --timeout 60 sysfs    # one input may take 60 s before it counts as a hang
#                                         # (default 10; raise it only on a machine that is busy)
#
# A finding (crash, sanitizer report, leak, timeout) is saved under build-fuzz/findings/TARGET/;
# once fixed, copy it to fuzz/regressions/TARGET/ so that ctest replays it on every build.
# Needs clang-14, libclang-rt-14-dev and libomp-14-dev (not part of README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1000000
seconds=0
timeout=10
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --seconds) seconds=$2; runs=-1; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
all=$(sed -n '/^set(DOFA_FUZZ_TARGETS/,/)/p' fuzz/CMakeLists.txt | tr -d '()' | tr ' ' '\n' |
      grep -v -e '^set' -e '^DOFA_FUZZ_TARGETS' -e '^$')
[ ${#targets[@]} -gt 0 ] || mapfile -t targets <<< "$all"

for tool in clang-14 clang++-14; do
    command -v $tool > /dev/null || { echo "fuzz.sh: $tool missing (apt-get install clang-14 libclang-rt-14-dev libomp-14-dev)" >&2; exit 2; }
done

build=build-fuzz
mkdir -p $build
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS="$flags" -DDOFA_FUZZ=ON \
    -DBUILD_TESTING=OFF > $build/configure.log 2>&1 || { cat $build/configure.log; exit 1; }
ninja -C $build $(printf 'fuzz_%s ' "${targets[@]}")

# Torch's and Qt's process-lifetime allocations are not leaks of a parser: LeakSanitizer
# reports are still on (every input's own allocations are checked), only those are suppressed.
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
status=0
printf '%-18s %12s %9s %9s %s\n' target executions seconds corpus findings
for t in "${targets[@]}"; do
    work=$build/corpus/$t
    findings=$build/findings/$t
    mkdir -p "$work" "$findings"
    limit=(-runs="$runs")
    [ "$seconds" -gt 0 ] && limit=(-max_total_time="$seconds")
    start=$(date +%s)
    set +e
    $build/fuzz/fuzz_$t "${limit[@]}" -timeout="$timeout" -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$findings/" "$work" "fuzz/corpus/$t" \
        > "$build/fuzz_$t.log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz_$t.log" | tail -1)
    found=$(find "$findings" -type f | wc -l)
    printf '%-18s %12s %9s %9s %s\n' "$t" "${execs:-?}" "$(( $(date +%s) - start ))" \
        "$(find "$work" -type f | wc -l)" "$found"
    if [ $rc -ne 0 ] || [ "$found" -gt 0 ]; then
        echo "  see $build/fuzz_$t.log and $findings/" >&2
        status=1
    fi
done
exit $status
