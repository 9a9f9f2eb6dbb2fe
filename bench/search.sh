#!/usr/bin/env bash
# Benchmark of the profiling pipeline on the shipped model (issue "Latency truth"): a cold
# `dofa search` (empty accuracy cache; latency on 1 thread, as dofa runs by default, accuracy on
# every core) and `dofa profile` of its levels on 2 threads,
# timed together (goal: <= 10 minutes on 2 cores), then a second search on the same machine with
# the accuracy cache the first one filled (accuracies are seeded and device-independent, so only
# timing noise can move it), and how far the two searches' levels differ. Prints numbers;
# asserts nothing. Usage: bench/search.sh [build dir] [output dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$(mktemp -d)}
dofa="$build/app/dofa"
[ -x "$dofa" ] || { echo "bench/search.sh: $dofa not built" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out/accuracy.json"
echo "# bench/search.sh on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)), $(date -u +%FT%TZ), output in $out"
start=$(date +%s.%N)
"$dofa" search --threads 1 --accuracy-cache "$out/accuracy.json" -o "$out/search-1t.json" \
    2> "$out/search.err" | tee "$out/search.txt"
mid=$(date +%s.%N)
"$dofa" profile --profile "$out/search-1t.json" --threads 2 -o "$out/profile-2t.json" \
    2> "$out/profile.err" | tee "$out/profile.txt"
end=$(date +%s.%N)
"$dofa" search --threads 1 --accuracy-cache "$out/accuracy.json" -o "$out/search-1t-again.json" \
    2> "$out/search-again.err" > "$out/search-again.txt"
again=$(date +%s.%N)
awk -v s="$start" -v m="$mid" -v e="$end" -v a="$again" 'BEGIN {
    printf "cold_search_seconds %.1f\nprofile_seconds %.1f\ncold_search_and_profile_seconds %.1f (goal 600, ratio %.2f)\nwarm_search_seconds %.1f\n", m - s, e - m, e - s, (e - s) / 600, a - e
}'
python3 - "$out/search-1t.json" "$out/search-1t-again.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
la = {l["arch"]: l for l in a["levels"]}
lb = {l["arch"]: l for l in b["levels"]}
common = [k for k in la if k in lb]
print(f"two searches: {len(la)} and {len(lb)} levels, {len(common)} in common")
print(f"{'arch':44s} {'top-1 #1':>8s} {'top-1 #2':>8s} {'ms #1':>8s} {'ms #2':>8s}")
for arch in sorted(set(la) | set(lb), key=lambda k: (la.get(k) or lb.get(k))["latency"]["mean_ms"]):
    x, y = la.get(arch), lb.get(arch)
    f = lambda l, k: f"{l['top1']:8.2f}" if k == "t" and l else (f"{l['latency']['mean_ms']:8.4f}" if l else f"{'-':>8s}")
    print(f"{arch:44s} {f(x,'t')} {f(y,'t')} {f(x,'m')} {f(y,'m')}")
PY
