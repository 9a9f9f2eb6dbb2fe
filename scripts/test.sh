#!/usr/bin/env bash
# Installs what dofa needs, builds everything and runs every test (what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default
cmake --build --preset default --parallel "${DOFA_BUILD_JOBS:-$(nproc)}"
QT_QPA_PLATFORM=offscreen ctest --preset default --parallel "$(nproc)"
