#!/usr/bin/env bash
# Added latency below saturation: issue 4's "added p99 < 1 ms at 64 connections", measured
# where it means something.
#
# peers.sh runs wrk as a closed loop at full speed, so its p99 is mostly the queue 64
# connections build in front of one saturated core (p50 ~ connections / req/s): plain nginx
# "adds" 4.5 ms there. This script offers a fixed load instead: 64 connections, each pausing
# DELAY_MS between a response and its next request (bench/load/paced.lua), at a few rates well
# below every target's capacity, and reports each target's p50/p99/p99.9 and its p99 minus the
# direct row's p99 at the same rate: the proxy's own added latency.
#
# Same set-up as ../shared/bench/peers.sh, from its own config templates: the nginx origin
# (100-byte 200), plain nginx proxy_pass and nginx-gw (limit_req, X-Request-ID, header strip)
# as peers, gw with the peers policy (bench/load/run-gw.sh: 100 routes, RS256 JWT on every
# request, transforms, per-IP limit, JSON access log to a file), upstream + proxy pinned to
# SUT_CPUS, wrk to WRK_CPUS, and the same RS256 bearer token on every request.
#
# Two modes:
# - MODE=concurrent (default; the one that settles a target on a noisy host): every round runs
#   one paced wrk per target AT THE SAME TIME (each on its own CONNS connections, each offering
#   RATE req/s; direct goes to the origin itself), so steal and other jobs hit all targets in
#   the same seconds. Each wrk dumps its whole latency histogram; bench/load/paced_stats.py
#   prints the pooled percentiles and, per round, TARGET minus direct at p50/p99/p99.9 with the
#   median and spread over rounds, and the SUT core's steal and the load average per round.
#   The SUT core serves all targets' traffic at once (plus the origin's share of each).
# - MODE=serial: the targets run one after another in interleaved rounds (sessions 4-8).
#
#   GW_BIN=$PWD/build-rel/bin/gw bench/load/paced_latency.sh       # concurrent, 2000 req/s
#   MODE=concurrent RATES="1000 2500" ROUNDS=30 DURATION=4 GW_BIN=... bench/load/paced_latency.sh
#   MODE=serial RATES="2000 6000 10000" DURATION=10 ROUNDS=3 GW_BIN=... bench/load/paced_latency.sh
#
# Knobs: MODE, RATES (offered req/s per target; default "2000" concurrent, "2000 5000 8000"
# serial), CONNS=64, DURATION (s per run; 4 concurrent, 8 serial), ROUNDS (20 concurrent; 3
# serial, medians reported), SUT_CPUS=0, WRK_CPUS=1, BASE_PORT=28080, TARGETS (concurrent:
# "direct nginx gw", serial: "direct nginx nginx-gw gw"; direct must come first),
# GW_ACCESS_LOG (see run-gw.sh), KEEP_RUNDIR=1 (keep the histograms), SHARED=../shared/bench.
# A/B of two gw builds (or log modes) in the same seconds: add target gw-b, run with GW_BIN_B
# (and GW_B_ACCESS_LOG=file|off, default GW_ACCESS_LOG's), e.g.
#   TARGETS="direct gw gw-b" GW_BIN=new/gw GW_BIN_B=old/gw bench/load/paced_latency.sh
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared/bench}"
[[ -d $SHARED/peers ]] || SHARED=/work/shared/bench
MODE="${MODE:-concurrent}"
if [[ $MODE == concurrent ]]; then
  RATES="${RATES:-2000}" DURATION="${DURATION:-4}" ROUNDS="${ROUNDS:-20}"
  TARGETS="${TARGETS:-direct nginx gw}"
else
  RATES="${RATES:-2000 5000 8000}" DURATION="${DURATION:-8}" ROUNDS="${ROUNDS:-3}"
  TARGETS="${TARGETS:-direct nginx nginx-gw gw}"
fi
CONNS="${CONNS:-64}"
SUT_CPUS="${SUT_CPUS:-0}"
WRK_CPUS="${WRK_CPUS:-1}"
BASE_PORT="${BASE_PORT:-28080}"
export GW_BIN="${GW_BIN:-$ROOT/build/bin/gw}"

UPSTREAM_PORT=$BASE_PORT
declare -A PORT=([direct]=$BASE_PORT [nginx]=$((BASE_PORT + 1)) [nginx-gw]=$((BASE_PORT + 2))
                 [gw]=$((BASE_PORT + 9)) [gw-b]=$((BASE_PORT + 10)))
RUNDIR="$(mktemp -d /tmp/gw-paced.XXXXXX)"
PGIDS=()
cleanup() {
  for g in "${PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  sleep 0.5
  for g in "${PGIDS[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  [[ ${KEEP_RUNDIR:-0} == 1 ]] || rm -rf "$RUNDIR"
}
trap cleanup EXIT
die() { echo "paced_latency.sh: $*" >&2; exit 1; }
[[ $MODE == concurrent || $MODE == serial ]] || die "MODE must be concurrent or serial"
[[ $TARGETS == direct* ]] || die "TARGETS must start with direct"
for tool in nginx wrk curl taskset setsid openssl python3; do
  command -v "$tool" >/dev/null || die "needs $tool"
done

# ---- the run's RS256 key and token (as peers.sh makes them) -------------------------------
mkdir -p "$RUNDIR"/{jwt,logs,conf}
export JWT_ISS=peers.sh JWT_AUD=peers-bench JWT_PUBKEY="$RUNDIR/jwt/public.pem"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUNDIR/jwt/private.pem" \
  2>/dev/null
openssl pkey -in "$RUNDIR/jwt/private.pem" -pubout -out "$JWT_PUBKEY" 2>/dev/null
now=$(date +%s)
h=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | b64url)
p=$(printf '{"iss":"%s","aud":"%s","sub":"user-42","iat":%d,"exp":%d}' "$JWT_ISS" "$JWT_AUD" \
  "$now" $((now + 86400)) | b64url)
s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$RUNDIR/jwt/private.pem" -binary | b64url)
export JWT_TOKEN="$h.$p.$s"

# ---- servers -----------------------------------------------------------------------------
# start NAME CMD...: in its own session (so cleanup stops its whole group), pinned to SUT_CPUS.
start() {
  local name=$1; shift
  setsid taskset -c "$SUT_CPUS" "$@" >"$RUNDIR/logs/$name.out" 2>&1 &
  PGIDS+=($!)
}
render() {  # render TEMPLATE NAME PORT
  sed -e "s/@PORT@/$3/g" -e "s/@UPSTREAM_PORT@/$UPSTREAM_PORT/g" -e "s/@WORKERS@/1/g" \
    "$SHARED/peers/$1" >"$RUNDIR/conf/$2.conf"
  mkdir -p "$RUNDIR/$2/tmp" "$RUNDIR/$2/logs"
}
render upstream.nginx.conf upstream "$UPSTREAM_PORT"
start upstream nginx -p "$RUNDIR/upstream/" -c "$RUNDIR/conf/upstream.conf"
for t in nginx nginx-gw; do
  [[ " $TARGETS " == *" $t "* ]] || continue
  tmpl=nginx-plain.conf; [[ $t == nginx-gw ]] && tmpl=nginx-gw.conf
  render "$tmpl" "$t" "${PORT[$t]}"
  start "$t" nginx -p "$RUNDIR/$t/" -c "$RUNDIR/conf/$t.conf"
done
if [[ " $TARGETS " == *" gw "* ]]; then
  [[ -x $GW_BIN ]] || die "GW_BIN=$GW_BIN is not executable"
  GATEWAY_PORT=${PORT[gw]} UPSTREAM_PORT=$UPSTREAM_PORT GATEWAY_WORKERS=1 \
    start gw "$HERE/run-gw.sh"
fi
if [[ " $TARGETS " == *" gw-b "* ]]; then  # an A/B: a second gw, its own binary and log mode
  [[ -x ${GW_BIN_B:-} ]] || die "target gw-b needs GW_BIN_B (an executable gw)"
  GATEWAY_PORT=${PORT[gw-b]} UPSTREAM_PORT=$UPSTREAM_PORT GATEWAY_WORKERS=1 GW_BIN=$GW_BIN_B \
    GW_ACCESS_LOG=${GW_B_ACCESS_LOG:-${GW_ACCESS_LOG:-file}} start gw-b "$HERE/run-gw.sh"
fi
for t in $TARGETS; do
  ok=0
  for _ in $(seq 1 150); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $JWT_TOKEN" \
            "http://127.0.0.1:${PORT[$t]}/") == 200 ]]; then ok=1; break; fi
    sleep 0.2
  done
  [[ $ok == 1 ]] || die "$t does not answer 200 on port ${PORT[$t]} (logs: $RUNDIR/logs)"
done

# ---- measurement -------------------------------------------------------------------------
# One paced wrk run; prints "req_s p50_us p99_us p999_us errors" (HIST_FILE: see paced.lua).
run_wrk() {  # run_wrk TARGET RATE SECONDS
  local delay_ms out
  delay_ms=$(awk -v c="$CONNS" -v r="$2" 'BEGIN { printf "%d", c * 1000 / r }')
  out=$(DELAY_MS=$delay_ms taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d"$3"s --latency \
          -s "$HERE/paced.lua" "http://127.0.0.1:${PORT[$1]}/" 2>&1 | grep PACED_RESULT) ||
    die "wrk against $1 failed"
  [[ $out =~ errors=0$ ]] || echo "paced_latency.sh: $1: $out" >&2
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "%.0f %d %d %d %d\n", v["requests"] * 1e6 / v["duration_us"], v["p50_us"],
                v["p99_us"], v["p999_us"], v["errors"] }' <<<"$out"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

read -ra T <<<"$TARGETS"
for t in "${T[@]}"; do run_wrk "$t" 2000 2 >/dev/null; done  # warm-up
# The SUT core's steal time in ticks, and its total: "steal total".
steal_ticks() {
  awk -v c="cpu${SUT_CPUS%%[,-]*}" '$1 == c { t = 0; for (i = 2; i <= 9; i++) t += $i;
                                              print $9, t }' /proc/stat
}
if [[ $MODE == concurrent ]]; then
  for rate in $RATES; do
    for ((r = 0; r < ROUNDS; r++)); do
      read -r s0 t0 < <(steal_ticks)
      pids=()
      for t in "${T[@]}"; do
        HIST_FILE="$RUNDIR/$rate.$r.$t.hist" run_wrk "$t" "$rate" "$DURATION" >/dev/null &
        pids+=($!)
      done
      for p in "${pids[@]}"; do wait "$p" || die "a wrk run failed"; done
      read -r s1 t1 < <(steal_ticks)
      awk -v r="$rate" -v n="$r" -v s=$((s1 - s0)) -v t=$((t1 - t0)) -v l="$(cut -d' ' -f1 /proc/loadavg)" \
        'BEGIN { printf "%s %s %.2f %s\n", r, n, (t > 0 ? 100 * s / t : 0), l }' >>"$RUNDIR/rounds.tsv"
    done
  done
  echo "# paced load, concurrent: $CONNS connections per target, $ROUNDS rounds of ${DURATION}s;" \
    "SUT on CPU $SUT_CPUS, wrk on CPU $WRK_CPUS; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 "$HERE/paced_stats.py" "$RUNDIR" "${T[@]}"
  exit 0
fi
RAW="$RUNDIR/raw.tsv"
for rate in $RATES; do
  for ((r = 0; r < ROUNDS; r++)); do
    for ((i = 0; i < ${#T[@]}; i++)); do  # round r starts at target r: no fixed order
      t=${T[$(((i + r) % ${#T[@]}))]}
      echo "$rate $t $(run_wrk "$t" "$rate" "$DURATION")" >>"$RAW"
      sleep 1
    done
  done
done

echo "# paced load: $CONNS connections, medians of $ROUNDS runs of ${DURATION}s; SUT on CPU" \
  "$SUT_CPUS, wrk on CPU $WRK_CPUS; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-9s %9s %9s %9s %10s %12s %7s\n' offered target "req/s" "p50 ms" "p99 ms" \
  "p99.9 ms" "p99 +ms" errors
for rate in $RATES; do
  direct99=$(awk -v r="$rate" '$1 == r && $2 == "direct" { print $5 }' "$RAW" | median)
  for t in "${T[@]}"; do
    col() { awk -v r="$rate" -v t="$t" -v c="$1" '$1 == r && $2 == t { print $c }' "$RAW" | median; }
    p99=$(col 5)
    errs=$(awk -v r="$rate" -v t="$t" '$1 == r && $2 == t { s += $7 } END { print s + 0 }' "$RAW")
    awk -v o="$rate" -v t="$t" -v q="$(col 3)" -v p50="$(col 4)" -v p99="$p99" \
        -v p999="$(col 6)" -v d="${direct99:-0}" -v e="$errs" 'BEGIN {
      printf "%-8s %-9s %9d %9.3f %9.3f %10.3f %+12.3f %7d\n", o, t, q, p50 / 1000, p99 / 1000,
             p999 / 1000, (p99 - d) / 1000, e }'
  done
done
