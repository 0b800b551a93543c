#!/usr/bin/env bash
# Does match_bench's spread come from the address layout? Runs the same binary with address
# randomisation off (setarch -R) and the stack moved 256 bytes at a time (the environment's
# strings sit at the stack's top, so padding it moves every stack address), then N runs with
# randomisation on; prints each run's medians. If the layout were the cause, the rows would be
# steady within each padding and differ between paddings.
#   bench/match/layout.sh build-rel/bin/match_bench [aslr-runs] [filter]
set -u
MB=$1
RUNS=${2:-8}
F=${3:-'match/jit/(templated|static)/(10|10000)$'}
run() {
  "$@" "$MB" --benchmark_filter="$F" --benchmark_min_time=0.2 --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true 2>/dev/null | awk '/_median/{printf " %s=%s", $1, $2}'
  echo
}
echo "== $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for pad in $(seq 0 256 3840); do
  printf 'norandom pad=%4d' "$pad"
  run env PAD="$(head -c "$pad" /dev/zero | tr '\0' x)" setarch -R
done
for i in $(seq "$RUNS"); do printf 'aslr run=%d' "$i"; run env; done
echo "== $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
