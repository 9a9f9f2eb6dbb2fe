#!/usr/bin/env bash
# The CUDA check of issue 14, for a machine with an NVIDIA GPU (a Jetson, a desktop card) and a
# LibTorch built with CUDA: configures and builds dofa and peer_runtimes_bench against that
# LibTorch in their own build folder, then runs the peer bench (CPU runtimes on that machine)
# and a short `dofa run` of the shipped model on --device cuda next to the same run on the CPU.
# Prints results; asserts nothing. Exits 2, saying why, when the LibTorch has no CUDA or no CUDA
# device is visible. Never run on the development VM (no GPU; Debian's LibTorch has no CUDA).
# Usage: bench/gpu_check.sh TORCH_DIR [build dir] [frames]
#   TORCH_DIR: the folder with TorchConfig.cmake, e.g. /opt/libtorch/share/cmake/Torch, or on a
#   Jetson with NVIDIA's PyTorch wheel: $(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')/Torch
set -euo pipefail
cd "$(dirname "$0")/.."
torch_dir=${1:?usage: bench/gpu_check.sh TORCH_DIR [build dir] [frames]}
build=${2:-build-cuda}
frames=${3:-300}
[ -f "$torch_dir/TorchConfig.cmake" ] || {
    echo "bench/gpu_check.sh: no TorchConfig.cmake in $torch_dir" >&2
    exit 2
}

echo "# bench/gpu_check.sh, $(date -u +%FT%TZ), $(nproc) cores, LibTorch $torch_dir, build $build"
if command -v nvidia-smi > /dev/null; then
    nvidia-smi -L || true
elif [ -r /etc/nv_tegra_release ]; then
    head -n1 /etc/nv_tegra_release  # a Jetson: no nvidia-smi, the GPU is part of the SoC
else
    echo "# no nvidia-smi and no /etc/nv_tegra_release: is there an NVIDIA GPU?"
fi

# 1. Configure and build. Tests off: this is about the runtime on the GPU, and the test
#    targets double the build on a board.
configure_log=$(mktemp)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DTorch_DIR="$torch_dir" | tee "$configure_log"
if ! grep -q "(CUDA: 1)" "$configure_log"; then
    echo "bench/gpu_check.sh: the LibTorch in $torch_dir was built without CUDA (dofa's" \
         "configure says 'CUDA: 0'); give the TorchConfig.cmake folder of a CUDA LibTorch" >&2
    exit 2
fi
cmake --build "$build" --parallel "$(nproc)" --target dofa peer_runtimes_bench
dofa="$build/app/dofa"

# 2. The shipped model reads Fashion-MNIST; where Debian's dataset-fashion-mnist is not
#    installed, a random 28x28 split of the same format stands in (latency only: its top-1
#    means nothing).
data=${DOFA_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
if [ ! -e "$data/t10k-images-idx3-ubyte.gz" ] && [ ! -e "$data/t10k-images-idx3-ubyte" ]; then
    data=$(mktemp -d)
    n=1000
    be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
    { printf '\x00\x00\x08\x03'; be32 $n; be32 28; be32 28; head -c $((n * 28 * 28)) /dev/urandom; } |
        gzip > "$data/t10k-images-idx3-ubyte.gz"
    { printf '\x00\x00\x08\x01'; be32 $n; for ((i = 0; i < n; i++)); do printf "\\x0$((i % 10))"; done; } |
        gzip > "$data/t10k-labels-idx1-ubyte.gz"
    echo "# no Fashion-MNIST test split: $n random images in $data (top-1 below is meaningless)"
fi

# 3. Is a CUDA device usable? dofa says why not (usage error, exit 2) before running anything.
if ! probe=$("$dofa" run --device cuda --data "$data" --frames 1 --platform none -q 2>&1); then
    echo "$probe" >&2
    echo "bench/gpu_check.sh: dofa cannot run on CUDA here (see above); nothing measured" >&2
    exit 2
fi

# 4. The peer bench (LibTorch, a plain module, the masked supernet, OpenCV DNN: on the CPU).
echo "## peer_runtimes_bench --quick (CPU)"
"$build/bench/peer_runtimes_bench" --quick

# 5. The same short live run on the GPU and on the CPU (2 threads, lookup policy at the most
#    accurate level, no target: the latency of one level, upload and synchronisation included).
for device in cuda cpu; do
    echo "## dofa run --device $device, $frames frames"
    "$dofa" run --device "$device" --data "$data" --threads 2 --frames "$frames" \
        --policy lookup --platform none -q
done
