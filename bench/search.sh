#!/usr/bin/env bash
# Benchmark of the profiling pipeline on the shipped model (issue "Pareto profiles"): wall time
# of `dofa search` on 2 threads (goal: <= 10 minutes) and of `dofa profile` re-measuring those
# levels on 1 thread, plus what the search reports about itself (latency predictor error on 50
# held-out archs, accuracy predictor error, hypervolumes and the speedup over the baselines).
# Prints numbers; asserts nothing. Usage: bench/search.sh [build dir] [output dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$(mktemp -d)}
dofa="$build/app/dofa"
[ -x "$dofa" ] || { echo "bench/search.sh: $dofa not built" >&2; exit 1; }
mkdir -p "$out"
echo "# bench/search.sh on $(nproc) cores, $(date -u +%FT%TZ), output in $out"
start=$(date +%s.%N)
"$dofa" search --threads 2 --accuracy-cache "$out/accuracy.json" -o "$out/search-2t.json" \
    2> "$out/search.err" | tee "$out/search.txt"
mid=$(date +%s.%N)
"$dofa" profile --profile "$out/search-2t.json" --threads 1 -o "$out/profile-1t.json" \
    2> "$out/profile.err" | tee "$out/profile.txt"
end=$(date +%s.%N)
awk -v s="$start" -v m="$mid" -v e="$end" 'BEGIN {
    printf "search_seconds %.1f (goal 600, ratio %.2f)\nprofile_seconds %.1f\n", m - s, (m - s) / 600, e - m
}'
