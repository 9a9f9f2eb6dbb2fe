#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build into a temporary prefix and runs the installed `dofa` away from the source
# tree's lookups: its default model and profile must be the installed ones in share/dofa.
# Usage: tests/check_install.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > "$prefix.log" 2>&1 || { cat "$prefix.log"; exit 1; }
rm -f "$prefix.log"
for f in bin/dofa bin/dofa-dashboard share/dofa/fmnist-mbv3.dofa \
         share/dofa/profiles/fmnist-mbv3.cpu-1t.json share/dofa/scenarios \
         share/dofa/deploy/slurm/accuracy-shards.sbatch \
         share/dofa/deploy/kubernetes/accuracy-shards.yaml; do
    [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
# The Kubernetes Job runs the script by this path in the package's image.
[ -x "$prefix/share/dofa/deploy/accuracy-shard.sh" ] ||
    { echo "not installed as a program: share/dofa/deploy/accuracy-shard.sh" >&2; exit 1; }
out=$(cd "$prefix" && ./bin/dofa run --frames 20 --quiet --platform none 2>&1) ||
    { echo "$out" >&2; exit 1; }
echo "$out" | grep -q "model   $prefix/share/dofa/fmnist-mbv3.dofa" ||
    { echo "the installed dofa did not use the installed model:" >&2; echo "$out" >&2; exit 1; }
echo "$out" | grep -q "profile $prefix/share/dofa/profiles/fmnist-mbv3.cpu-" ||
    { echo "the installed dofa did not use the installed profile:" >&2; echo "$out" >&2; exit 1; }
"$prefix/bin/dofa-dashboard" --help > /dev/null
echo "installed to $prefix and ran from there"
