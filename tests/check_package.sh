#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian package of a build (cpack -G DEB), unpacks it with dpkg-deb into a temporary
# root and runs the unpacked programs from there, with a PATH and environment that name no file
# of the build or source tree: `dofa eval --arch min` must evaluate the packaged model, and
# `dofa-dashboard` must open the packaged model and profile and save a screenshot. Also checks
# the package's dependencies: what dpkg-shlibdeps found (LibTorch, Qt 6, OpenCV) and the OpenMP
# OpenBLAS that README's BLAS section chooses.
# Usage: tests/check_package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check_package: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$work/pkg") > "$work/cpack.log" 2>&1 ||
    { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(find "$work/pkg" -maxdepth 1 -name '*.deb' | head -1)
[ -n "$deb" ] || fail "cpack made no .deb (see above)"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libopenblas0-openmp libtorch libqt6core6 libqt6widgets6 libopencv-core; do
    echo "$depends" | grep -q "$dep" || fail "$(basename "$deb") does not depend on $dep: $depends"
done
echo "$depends" | grep -q "libqt5" && fail "$(basename "$deb") depends on Qt 5: $depends"

root=$work/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/dofa usr/bin/dofa-dashboard usr/share/dofa/fmnist-mbv3.dofa \
         usr/share/dofa/profiles/fmnist-mbv3.cpu-1t.json; do
    [ -e "$root/$f" ] || fail "not in the package: /$f"
done

# Away from both trees: a clean environment, the unpacked bin/ first on the PATH, run from the
# temporary directory.
run() {
    (cd "$work" && env -i PATH="$root/usr/bin:/usr/bin:/bin" HOME="$work" \
        XDG_RUNTIME_DIR="$work" QT_QPA_PLATFORM=offscreen "$@")
}
out=$(run dofa eval --arch min --limit 1000 --calib-images 200 --json 2>&1) ||
    { echo "$out" >&2; fail "the unpacked dofa eval failed"; }
echo "$out" | grep -q "\"model\":\"$root/usr/share/dofa/fmnist-mbv3.dofa\"" ||
    { echo "$out" >&2; fail "the unpacked dofa did not evaluate the packaged model"; }
echo "$out" | grep -q '"top1":' || { echo "$out" >&2; fail "dofa eval printed no top-1"; }

png=$work/dashboard.png
out=$(run dofa-dashboard --settings "$work/settings.ini" --reset-settings --platform simulated \
    --verbose --screenshot "$png" --quit-after 3 2>&1) ||
    { echo "$out" >&2; fail "the unpacked dofa-dashboard failed"; }
echo "$out" | grep -q "model $root/usr/share/dofa/fmnist-mbv3.dofa" ||
    { echo "$out" >&2; fail "the unpacked dofa-dashboard did not run the packaged model"; }
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "the unpacked dofa-dashboard saved no PNG screenshot"
echo "$(basename "$deb"): $(stat -c %s "$deb") bytes, unpacked to $root; dofa eval and a" \
     "dashboard screenshot ran from there"
