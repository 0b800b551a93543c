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
#   GW_BIN=$PWD/build-rel/bin/gw bench/load/paced_latency.sh
#   RATES="2000 6000 10000" DURATION=10 ROUNDS=3 GW_BIN=... bench/load/paced_latency.sh
#
# Knobs: RATES (offered req/s, default "2000 5000 8000"), CONNS=64, DURATION=8 s per run,
# ROUNDS=3 (interleaved; medians reported), SUT_CPUS=0, WRK_CPUS=1, BASE_PORT=28080,
# TARGETS="direct nginx nginx-gw gw", GW_ACCESS_LOG (see run-gw.sh), SHARED=../shared/bench.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared/bench}"
[[ -d $SHARED/peers ]] || SHARED=/work/shared/bench
RATES="${RATES:-2000 5000 8000}"
CONNS="${CONNS:-64}"
DURATION="${DURATION:-8}"
ROUNDS="${ROUNDS:-3}"
SUT_CPUS="${SUT_CPUS:-0}"
WRK_CPUS="${WRK_CPUS:-1}"
BASE_PORT="${BASE_PORT:-28080}"
TARGETS="${TARGETS:-direct nginx nginx-gw gw}"
export GW_BIN="${GW_BIN:-$ROOT/build/bin/gw}"

UPSTREAM_PORT=$BASE_PORT
declare -A PORT=([direct]=$BASE_PORT [nginx]=$((BASE_PORT + 1)) [nginx-gw]=$((BASE_PORT + 2))
                 [gw]=$((BASE_PORT + 9)))
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
for tool in nginx wrk curl taskset setsid openssl; do
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
# One paced wrk run; prints "req_s p50_us p99_us p999_us errors".
run_wrk() {  # run_wrk TARGET RATE SECONDS
  local delay_ms out
  delay_ms=$(awk -v c="$CONNS" -v r="$2" 'BEGIN { printf "%d", c * 1000 / r }')
  out=$(DELAY_MS=$delay_ms taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d"$3"s --latency \
          -s "$HERE/paced.lua" "http://127.0.0.1:${PORT[$1]}/" 2>&1 | grep PACED_RESULT) ||
    die "wrk against $1 failed"
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "%.0f %d %d %d %d\n", v["requests"] * 1e6 / v["duration_us"], v["p50_us"],
                v["p99_us"], v["p999_us"], v["errors"] }' <<<"$out"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

read -ra T <<<"$TARGETS"
for t in "${T[@]}"; do run_wrk "$t" 2000 2 >/dev/null; done  # warm-up
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
