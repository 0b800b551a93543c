#!/usr/bin/env bash
# End-to-end cost of rate limiting in gw, same run, interleaved rounds, medians reported:
#   gw /open    the route without a limit
#   gw /local   the same route with a per-IP token bucket, store local
#   gw /redis   the same route with a per-IP token bucket, store redis (real redis-server)
#   nginx       proxy_pass to the same origin with `limit_req` per IP (peers.sh's nginx-gw zone)
# Every limit is far above what one box can send (1M/s, burst 100k), so every request is
# admitted and decided: the rows measure the decision, not 429s (a 429 would show as non-2xx).
#
# Layout (like /work/shared/bench/peers.sh PIN=split): the system under test (gw --threads 1,
# the origin nginx, the nginx proxy with one worker, redis-server) is pinned to $SUT_CPUS; wrk
# runs on $WRK_CPUS. Every process started here is stopped by PID on exit.
#
# Usage: GW_BIN=build/bin/gw bench/limit/limit_e2e.sh
# Knobs: CONNS=64 DURATION=5 ROUNDS=3 WARMUP=2 SUT_CPUS=0 WRK_CPUS=1
set -euo pipefail

GW_BIN="${GW_BIN:-build/bin/gw}"
CONNS="${CONNS:-64}" DURATION="${DURATION:-5}" ROUNDS="${ROUNDS:-3}" WARMUP="${WARMUP:-2}"
SUT_CPUS="${SUT_CPUS:-0}" WRK_CPUS="${WRK_CPUS:-1}"
source "$(dirname "$0")/../lib/e2e.sh"
e2e_init limit-e2e

start_origin

NGINX_PORT="$(free_port)"
nginx_conf proxy "
  limit_req_zone \$binary_remote_addr zone=perip:10m rate=1000000r/s;
  limit_req_status 429;
  upstream origin { server 127.0.0.1:$UP_PORT; keepalive 1024; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      limit_req zone=perip burst=100000 nodelay;
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"

REDIS_PORT="$(free_port)"
taskset -c "$SUT_CPUS" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
  --appendonly no --dir "$RUN" --loglevel warning > "$RUN/redis.log" 2>&1 &
PIDS+=($!)

cat > "$RUN/bench.gw" <<POLICY
gateway { redis "redis://127.0.0.1:$REDIS_PORT" }
upstream origin { server 127.0.0.1:$UP_PORT }
limit local_ip token_bucket { key client.ip rate 1000000/s burst 100000 }
limit redis_ip token_bucket { key client.ip rate 1000000/s burst 100000 store redis }
route open { match { path prefix "/open" } forward origin }
route local { match { path prefix "/local" } limit local_ip forward origin }
route redis { match { path prefix "/redis" } limit redis_ip forward origin }
POLICY

start_gw "$RUN/bench.gw"
url() {
  case "$1" in
    nginx) echo "http://127.0.0.1:$NGINX_PORT/limited" ;;
    *) echo "http://127.0.0.1:$GW_PORT/$1" ;;
  esac
}
TARGETS="open local redis nginx"
for t in $TARGETS; do
  code="$(curl -s -D "$RUN/h.txt" -o /dev/null -w '%{http_code}' "$(url "$t")")"
  [ "$code" = 200 ] || { echo "pre-flight $t: $code"; cat "$RUN/gw.err"; exit 1; }
done
curl -s -D - -o /dev/null "$(url redis)" | grep -qi "^x-ratelimit-limit: 100000" ||
  { echo "pre-flight: /redis carries no limit headers"; exit 1; }
redis-cli -p "$REDIS_PORT" info commandstats | grep -q 'cmdstat_evalsha:calls=[1-9]' ||
  { echo "pre-flight: redis decided nothing"; exit 1; }

run_wrk() { wrk_run "$(url "$1")" "$2"; }  # target seconds -> "req/s p99_ms non2xx"

if [ "$WARMUP" -gt 0 ]; then
  for t in $TARGETS; do run_wrk "$t" "$WARMUP" > /dev/null; done
fi
declare -A RPS P99
for r in $(seq "$ROUNDS"); do
  read -r -a all <<< "$TARGETS"
  k=$(( (r - 1) % ${#all[@]} ))  # round r starts at target r: no target always runs first
  for t in "${all[@]:k}" "${all[@]:0:k}"; do
    read -r rps p99 bad < <(run_wrk "$t" "$DURATION")
    [ "$bad" = 0 ] || { echo "$t: $bad non-2xx responses"; exit 1; }
    RPS[$t]="${RPS[$t]:-} $rps"
    P99[$t]="${P99[$t]:-} $p99"
    echo "round $r $t: $rps req/s, p99 $p99 ms"
    sleep 1
  done
done
echo
echo "| target | req/s (median of $ROUNDS) | p99 ms (median) |"
echo "|---|---:|---:|"
for t in $TARGETS; do
  echo "| $t | $(median ${RPS[$t]}) | $(median ${P99[$t]}) |"
done
echo "redis decisions: $(redis-cli -p "$REDIS_PORT" info commandstats | grep -o 'cmdstat_evalsha:calls=[0-9]*')"
# Pipelining: decisions per socket write on gw's connection (concurrent requests share writes).
curl -s "http://127.0.0.1:$(gw_admin_port)/metrics" | awk '
  $1 == "gw_limit_redis_decisions_total" {d = $2} $1 == "gw_limit_redis_writes_total" {w = $2}
  END {if (w > 0) printf "redis decisions per write: %.1f (%d decisions, %d writes)\n", d / w, d, w}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
