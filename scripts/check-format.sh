#!/usr/bin/env bash
# Fails when a C++ source of the project is not formatted as .clang-format says (clang-format 14).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find app core tests bench views widgets qml fuzz -name '*.cpp' -o -name '*.h' 2>/dev/null | sort)
if [ ${#files[@]} -eq 0 ]; then
    echo "check-format: no sources found" >&2
    exit 1
fi
clang-format --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files formatted"
