#!/usr/bin/env bash
# Interleaved A/B of two gw binaries' per-request cost (bench/load/cost.sh's CPU pass): on a
# machine shared with other work, a single before/after pair says little, so this alternates
# A, B, A, B, ... (PAIRS times, A first in odd pairs and B first in even ones, so neither
# always runs on the rising or the falling side of the load) and prints one row per run plus
# the median of each side. Optional nginx row per pair for the ratio (NGINX=1).
#
# Usage: A=/tmp/gw-old B=build-rel/bin/gw bench/load/ab_cost.sh
# Knobs: PAIRS=3 TARGET=gw-peers DURATION=8 NGINX=0 SYSCALLS=0 OUT_DIR=/tmp/gw-ab
#        ALLOCS=1: also cost.sh's allocation pass (libc uprobes, its own window after the CPU
#        one, so the CPU columns are not slowed by it), filling the alloc/req column
#        (passes CONNS, SUT_CPUS, WRK_CPUS through to cost.sh)
# Output: $OUT_DIR/ab.txt; per-run cost.sh summaries in $OUT_DIR/<n>-<side>/summary.txt.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${A:?A=<gw binary, before>}" "${B:?B=<gw binary, after>}"
PAIRS="${PAIRS:-3}" TARGET="${TARGET:-gw-peers}" DURATION="${DURATION:-8}" NGINX="${NGINX:-0}"
SYSCALLS="${SYSCALLS:-0}" ALLOCS="${ALLOCS:-0}" OUT_DIR="${OUT_DIR:-/tmp/gw-ab}"
mkdir -p "$OUT_DIR"
OUT="$OUT_DIR/ab.txt"

run() {  # SIDE BINARY TARGETS N: one cost.sh CPU pass; appends "side row" lines to $OUT
  local side=$1 bin=$2 targets=$3 n=$4 dir="$OUT_DIR/$4-$1"
  GW_BIN="$bin" TARGETS="$targets" DURATION="$DURATION" SYSCALLS="$SYSCALLS" ALLOCS="$ALLOCS" \
    PROFILE=0 OUT_DIR="$dir" "$HERE/cost.sh" > "$dir.log" 2>&1 ||
    { echo "ab_cost.sh: cost.sh failed, see $dir.log" >&2; exit 1; }
  grep -v '^#' "$dir/summary.txt" | grep -v '^target' |
    awk -v s="$side" -v n="$n" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      '{printf "%-2s %-6s load %-5s %s\n", n, s, l, $0}' | tee -a "$OUT"
}

{
  echo "# ab_cost.sh $(date -u +%FT%TZ) A=$A B=$B target=$TARGET pairs=$PAIRS"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# n  side   load        target req/s p99 CPU-us/req user/sys-us sysc/req cs/req alloc/req up-conns orig-us orig-cs cs-vol/inv orig-vol/inv orig-req/wake acks-p/o syscalls"
} | tee "$OUT"
for n in $(seq "$PAIRS"); do
  if ((n % 2 == 1)); then order="A B"; else order="B A"; fi
  for side in $order; do
    bin="$A"
    [[ $side == B ]] && bin="$B"
    run "$side" "$bin" "$TARGET" "$n"
  done
  if [[ $NGINX == 1 ]]; then run nginx "$A" nginx "$n"; fi
done
# Medians of each side's CPU, user and system µs per request and context switches per request,
# and of the origin's CPU µs, context switches and requests per wake-up (each column on its own).
col() {  # SIDE FIELD: the median of one column of that side's rows
  awk -v s="$1" -v f="$2" '$2 == s { split($9, us, "/"); v[8] = $8; v[91] = us[1];
      v[92] = us[2]; v[11] = $11; v[14] = $14; v[15] = $15; v[18] = $18; print v[f] }' "$OUT" |
    sort -g | awk '{a[NR] = $1}
    END { if (NR) print a[int((NR + 1) / 2)] }'
}
for side in A B nginx; do
  [[ -n "$(col "$side" 8)" ]] || continue
  echo "# median $side: CPU $(col "$side" 8) us/req, user $(col "$side" 91), sys $(col "$side" 92)," \
    "cs/req $(col "$side" 11); origin: $(col "$side" 14) us/req, $(col "$side" 15) cs/req," \
    "$(col "$side" 18) requests per wake-up"
done | tee -a "$OUT"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT"
