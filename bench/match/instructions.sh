#!/usr/bin/env bash
# Instructions per match (callgrind: exact and repeatable on a loaded machine) of the JIT's
# matcher (NativeCode::runMatch: the compiled tree or native::RouteTable) on bench/match's REST
# shape, for each route count and request kind.
#   bench/match/instructions.sh [match_bench binary] [route counts...]
# Default: build-rel/bin/match_bench, 10 100 1000 10000 100000.
set -euo pipefail
bin=${1:-build-rel/bin/match_bench}
shift || true
counts=${*:-10 100 1000 10000 100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-10s %8s %12s\n' kind routes instr/match
for kind in static templated; do
  for n in $counts; do
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
      --toggle-collect='gw::jit::NativeCode::runMatch*' \
      "$bin" --benchmark_filter="match/jit/$kind/$n\$" --benchmark_min_time=20000x \
      >/dev/null 2>&1
    # Collected Ir over the calls of runMatch made by the benchmark loop.
    total=$(callgrind_annotate "$out/cg" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    calls=$(callgrind_annotate --tree=caller "$out/cg" 2>/dev/null |
      grep -m1 -E '< .*runMatch\(benchmark::State' | sed -E 's/.*\(([0-9,]+)x\).*/\1/' | tr -d ,)
    printf '%-10s %8s %12s\n' "$kind" "$n" "$((total / calls))"
  done
done
