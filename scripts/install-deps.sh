#!/usr/bin/env bash
# Installs the Debian 12 packages dofa needs to build, run and test.
# As root it uses apt-get; otherwise it prints the command to run.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config clang-format
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-declarative-dev qt6-qpa-plugins qt6-svg-dev
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
    qml6-module-qtcharts qml6-module-qttest
    libtorch-dev libopencv-dev
    libopenblas0-openmp
    python3-onnx python3-torch python3-torchvision python3-pil python3-opencv python3-numpy
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    dataset-fashion-mnist
    xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

# LibTorch calls the generic libblas.so.3; Debian points it at the fastest BLAS installed by
# priority, and OpenBLAS's pthreads build outranks its OpenMP build. dofa wants the OpenMP one:
# it follows each inference thread's OpenMP thread count, where the pthreads build keeps a
# second, process-wide pool beside LibTorch's (README, "BLAS"). Same for liblapack.so.3, and for
# libopenblas.so.0, which the other two load: left to the pthreads build, it would bring that
# one back in.
select_openmp_blas() {
    local arch dir name current
    arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
    dir=/usr/lib/$arch/openblas-openmp
    for name in libblas.so.3 liblapack.so.3 libopenblas.so.0; do
        [ -e "$dir/$name" ] || continue
        current=$(readlink -f "/usr/lib/$arch/$name" || true)
        if [ "$current" != "$(readlink -f "$dir/$name")" ]; then
            if [ "$(id -u)" -ne 0 ]; then
                echo "install-deps: $name is $current; as root run:" >&2
                echo "  update-alternatives --set $name-$arch $dir/$name" >&2
                continue
            fi
            update-alternatives --quiet --set "$name-$arch" "$dir/$name"
            echo "install-deps: $name -> $dir/$name (OpenBLAS, OpenMP build)"
        fi
    done
}

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    select_openmp_blas
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} packages"
select_openmp_blas
