#!/usr/bin/env bash
# End-to-end cost of JWT authentication in gw: requests/s and p99 of one route protected by an
# RS256 `auth jwt` block with a warm verdict cache, against the same route without
# authentication, in the same run (interleaved rounds, medians reported).
#
# Layout (like /work/shared/bench/peers.sh PIN=split): gw (--threads 1) and the origin (nginx,
# one worker, `return 200` with a 100-byte body) share CPU $SUT_CPUS; wrk runs on $WRK_CPUS.
# Both targets get the same request, Authorization header included, so only the
# authentication differs. Every process started here is stopped by PID on exit.
#
# Usage: GW_BIN=build-rel/bin/gw bench/auth/jwt_e2e.sh
# Knobs: CONNS=64 DURATION=8 ROUNDS=5 WARMUP=2 SUT_CPUS=0 WRK_CPUS=1
set -euo pipefail

GW_BIN="${GW_BIN:-build-rel/bin/gw}"
CONNS="${CONNS:-64}" DURATION="${DURATION:-8}" ROUNDS="${ROUNDS:-5}" WARMUP="${WARMUP:-2}"
SUT_CPUS="${SUT_CPUS:-0}" WRK_CPUS="${WRK_CPUS:-1}"
RUN="$(mktemp -d /tmp/gw-jwt-e2e.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# Origin.
UP_PORT="$(free_port)"
mkdir -p "$RUN/nginx"
cat > "$RUN/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $RUN/nginx; proxy_temp_path $RUN/nginx; fastcgi_temp_path $RUN/nginx;
  uwsgi_temp_path $RUN/nginx; scgi_temp_path $RUN/nginx;
  server { listen 127.0.0.1:$UP_PORT; location / { return 200 "$(printf 'x%.0s' $(seq 100))"; } }
}
NGINX
taskset -c "$SUT_CPUS" nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -g 'daemon off;' &
PIDS+=($!)

# Key, token, policy.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN/key.pem" 2>/dev/null
openssl pkey -in "$RUN/key.pem" -pubout -out "$RUN/pub.pem"
NOW="$(date +%s)"
HEAD="$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)"
BODY="$(printf '{"iss":"bench","aud":"bench","sub":"bench-user","iat":%d,"exp":%d}' "$NOW" "$((NOW + 7200))" | b64url)"
SIG="$(printf '%s.%s' "$HEAD" "$BODY" | openssl dgst -sha256 -sign "$RUN/key.pem" | b64url)"
TOKEN="$HEAD.$BODY.$SIG"
cat > "$RUN/bench.gw" <<POLICY
upstream origin { server 127.0.0.1:$UP_PORT }
auth idp jwt {
  issuer "bench"
  audience "bench"
  public_key file "$RUN/pub.pem"
  algorithms [RS256]
  cache 5m
}
route open {
  match { path prefix "/open" }
  request { set header "X-User-ID" = "anonymous" }
  forward origin
}
route secure {
  match { path prefix "/secure" }
  authenticate idp
  request { set header "X-User-ID" = auth.subject }
  forward origin
}
POLICY

GW_PORT="$(free_port)"
taskset -c "$SUT_CPUS" "$GW_BIN" run "$RUN/bench.gw" --listen "127.0.0.1:$GW_PORT" --threads 1 \
  --access-log off > "$RUN/gw.out" 2> "$RUN/gw.err" &
PIDS+=($!)
for _ in $(seq 300); do
  grep -q "listening" "$RUN/gw.out" 2>/dev/null && break
  sleep 0.1
done
for path in open secure; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW_PORT/$path")"
  [ "$code" = 200 ] || { echo "pre-flight /$path: $code"; cat "$RUN/gw.err"; exit 1; }
done
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_PORT/secure")"
[ "$code" = 401 ] || { echo "pre-flight: /secure without a token answered $code"; exit 1; }

run_wrk() {  # path seconds -> "req/s p99_ms"
  taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d"$2"s --latency \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW_PORT/$1" > "$RUN/wrk.txt"
  local rps p99
  rps="$(awk '/^Requests\/sec/ {print $2}' "$RUN/wrk.txt")"
  p99="$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$RUN/wrk.txt")"
  echo "$rps $p99"
}

[ "$WARMUP" -gt 0 ] && { run_wrk open "$WARMUP" >/dev/null; run_wrk secure "$WARMUP" >/dev/null; }
declare -a OPEN_RPS SECURE_RPS OPEN_P99 SECURE_P99
for r in $(seq "$ROUNDS"); do
  order="open secure"; [ $((r % 2)) -eq 0 ] && order="secure open"
  for path in $order; do
    read -r rps p99 < <(run_wrk "$path" "$DURATION")
    if [ "$path" = open ]; then OPEN_RPS+=("$rps"); OPEN_P99+=("$p99"); else SECURE_RPS+=("$rps"); SECURE_P99+=("$p99"); fi
    echo "round $r /$path: $rps req/s, p99 $p99 ms"
    sleep 1
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mo="$(median "${OPEN_RPS[@]}")" ms="$(median "${SECURE_RPS[@]}")"
echo
echo "| route | req/s (median of $ROUNDS) | p99 ms (median) |"
echo "|---|---:|---:|"
echo "| no authentication | $mo | $(median "${OPEN_P99[@]}") |"
echo "| RS256 JWT, warm verdict cache | $ms | $(median "${SECURE_P99[@]}") |"
awk -v o="$mo" -v s="$ms" 'BEGIN {printf "JWT route / open route: %.3f\n", s / o}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
