#!/usr/bin/env bash
# Installs what dofa needs, builds it and starts the main job on the shipped model and the
# default source (Fashion-MNIST test set): the level table of the shipped supernet.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default
cmake --build --preset default --parallel "${DOFA_BUILD_JOBS:-$(nproc)}"
exec ./build/app/dofa levels "$@"
