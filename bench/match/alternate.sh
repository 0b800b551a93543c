#!/usr/bin/env bash
# CPU time per match of two match_bench binaries (say main before and after a change), run
# alternately round after round so that both see the same machine load; prints, per row, each
# round's median (of 5 repetitions) and the median over the rounds, with the load average.
#   bench/match/alternate.sh BEFORE AFTER [rounds] [filter]
# Default: 3 rounds of 'match/jit/.*/(10|10000|100000)$'.
set -euo pipefail
before=$1
after=$2
rounds=${3:-3}
filter=${4:-'match/jit/.*/(10|10000|100000)$'}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r _ u0 n0 s0 i0 w0 q0 sq0 st0 _ </proc/stat
for r in $(seq "$rounds"); do
  for which in before after; do
    "${!which}" --benchmark_filter="$filter" --benchmark_min_time=0.2 \
      --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
      --benchmark_format=csv 2>/dev/null |
      awk -F, -v w="$which" '$1 ~ /_median"?$/ {
        gsub("\"", "", $1); sub("_median$", "", $1); print w "," $1 "," $4 }' >>"$out/rows.csv"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r _ u1 n1 s1 i1 w1 q1 sq1 st1 _ </proc/stat
all=$(((u1 + n1 + s1 + i1 + w1 + q1 + sq1 + st1) - (u0 + n0 + s0 + i0 + w0 + q0 + sq0 + st0)))
echo "CPU steal over the run: $(awk -v s=$((st1 - st0)) -v a="$all" 'BEGIN { printf "%.1f %%", 100 * s / a }')"
python3 - "$out/rows.csv" <<'EOF'
import collections, statistics, sys
rows = collections.defaultdict(lambda: collections.defaultdict(list))
order = []
for line in open(sys.argv[1]):
    which, name, cpu = line.strip().split(",")
    if name not in order:
        order.append(name)
    rows[name][which].append(float(cpu))
print(f"{'row':32} {'before (ns, per round)':34} {'after (ns, per round)':34} {'median before/after'}")
for name in order:
    b, a = rows[name]["before"], rows[name]["after"]
    fmt = lambda v: " ".join(f"{x:.1f}" for x in v)
    print(f"{name:32} {fmt(b):34} {fmt(a):34} {statistics.median(b):.1f} / {statistics.median(a):.1f}")
EOF
