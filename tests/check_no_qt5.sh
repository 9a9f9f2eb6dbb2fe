#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when one of the given binaries would load a Qt 5 library: Qt 5 beside Qt 6 in one
# process runs Qt 5's static initialisers against Qt 6 symbols (under ASan the dashboard tests
# crashed in libQt5Widgets' _dl_init). Debian's libopencv_highgui links Qt 5, so dofa links
# only the OpenCV modules it uses (find_package(OpenCV COMPONENTS ...) in CMakeLists.txt).
#
# Usage: tests/check_no_qt5.sh [--strict] BINARY...
#
# The dependencies are walked as the loader does (each object's DT_NEEDED, resolved by ldd),
# so a Qt 5 library is reported with the chain that brings it in. One chain is outside dofa's
# hands: Debian's libtorch_cpu.so.1.13 lists every OpenCV module as DT_NEEDED, highgui among
# them, yet imports no OpenCV symbol (built without --as-needed). Through that chain every
# process that links LibTorch still loads Qt 5 today; it is reported, and does not fail the
# test while libtorch_cpu imports nothing from OpenCV. --strict fails on it too.
set -euo pipefail

strict=0
if [ "${1:-}" = "--strict" ]; then
    strict=1
    shift
fi
if [ $# -eq 0 ]; then
    echo "usage: $0 [--strict] BINARY..." >&2
    exit 2
fi

# True when the library at $1 imports no OpenCV symbol (C++ cv::, or the C API's cvFoo).
declare -A no_opencv_cache=()
imports_no_opencv()
{
    if [ -z "${no_opencv_cache[$1]:-}" ]; then
        # grep reads all of nm's output (no -q): an early exit would fail the pipe (pipefail).
        if nm -D --undefined-only "$1" | grep -E ' (_ZNK?2cv|cv[A-Z])' >/dev/null; then
            no_opencv_cache[$1]=no
        else
            no_opencv_cache[$1]=yes
        fi
    fi
    [ "${no_opencv_cache[$1]}" = yes ]
}

failed=0
for bin in "$@"; do
    if [ ! -e "$bin" ]; then
        echo "FAIL $bin: not built" >&2
        failed=1
        continue
    fi
    declare -A path=() parent=() seen=() needed=()
    while read -r name arrow resolved _; do
        if [ "$arrow" = "=>" ] && [[ "$resolved" == /* ]]; then
            path[$name]=$resolved
        fi
    done < <(ldd "$bin")
    # Every object's DT_NEEDED in one readelf run.
    while read -r obj lib; do
        needed[$obj]+="$lib "
    done < <(readelf -dW "$bin" "${path[@]}" |
        awk '/^File: /{f=$2} /\(NEEDED\)/{gsub(/[][]/,"",$5); print f, $5}')
    queue=("$bin")
    seen[$bin]=1
    exempt=()
    while [ ${#queue[@]} -gt 0 ]; do
        obj=${queue[0]}
        queue=("${queue[@]:1}")
        for lib in ${needed[$obj]:-}; do
            resolved=${path[$lib]:-}
            if [ -z "$resolved" ] || [ -n "${seen[$resolved]:-}" ]; then
                continue
            fi
            if [ $strict -eq 0 ] && [[ "${obj##*/}" == libtorch_cpu.so* ]] &&
                [[ "$lib" == libopencv_* ]] && imports_no_opencv "$obj"; then
                exempt+=("$lib")
                continue
            fi
            seen[$resolved]=1
            parent[$resolved]=$obj
            queue+=("$resolved")
        done
    done
    qt5=0
    for lib in "${!seen[@]}"; do
        if [[ "${lib##*/}" == libQt5* ]]; then
            chain=${lib##*/}
            node=$lib
            while [ -n "${parent[$node]:-}" ]; do
                node=${parent[$node]}
                chain="${node##*/} -> $chain"
            done
            echo "FAIL $bin loads Qt 5: $chain" >&2
            qt5=1
        fi
    done
    if [ $qt5 -ne 0 ]; then
        failed=1
    elif [ ${#exempt[@]} -eq 0 ]; then
        echo "ok   $bin: no Qt 5 library"
    else
        echo "ok   $bin: no Qt 5 library, apart from what libtorch_cpu's unused DT_NEEDED" \
            "on ${exempt[*]} bring in (--strict counts these)"
    fi
    unset path parent seen needed
done
exit $failed
