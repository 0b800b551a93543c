#!/usr/bin/env bash
# bench/tls/run.sh: TLS handshakes per second and keep-alive HTTPS throughput, gw vs nginx,
# same certificate, same origin, same run (modelled on /work/shared/bench/peers.sh).
#
#   1. Makes a throwaway ECDSA P-256 CA + server certificate (SAN 127.0.0.1, bench.test) with
#      openssl in a private run dir.
#   2. Starts an nginx origin (plain HTTP, `return 200` with a 100-byte body), an nginx TLS
#      reverse proxy (`listen ssl`, upstream keep-alive) and gw (policy `listen ... tls`,
#      forward to the origin), all with ONE worker, pinned with the origin to SUT_CPUS; wrk is
#      pinned to WRK_CPUS. Also gw on plain HTTP (same policy, no tls) as the reference row.
#   3. Pre-flight: every target answers GET / over its protocol with 200 and the origin's body
#      (curl --cacert, so the certificate is verified).
#   4. Interleaved rounds of: keep-alive (wrk -c CONNS) and handshake (wrk -c HS_CONNS with
#      "Connection: close": every request is a new TCP connection + full TLS handshake; wrk does
#      not resume sessions) for every target; medians across rounds.
#
# Usage:   GW_BIN=build-rel/bin/gw bench/tls/run.sh     (default: build/bin/gw; GW= also works)
# Knobs:   GW_BIN=path  CONNS=64  HS_CONNS=16  DURATION=8  ROUNDS=3  SUT_CPUS=0  WRK_CPUS=1
#          BASE_PORT=19080  KEEP_RUNDIR=0
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GW="${GW_BIN:-${GW:-$ROOT/build/bin/gw}}"
CONNS="${CONNS:-64}"
HS_CONNS="${HS_CONNS:-16}"
DURATION="${DURATION:-8}"
ROUNDS="${ROUNDS:-3}"
SUT_CPUS="${SUT_CPUS:-0}"
WRK_CPUS="${WRK_CPUS:-1}"
BASE_PORT="${BASE_PORT:-19080}"
KEEP_RUNDIR="${KEEP_RUNDIR:-0}"
ORIGIN_PORT=$BASE_PORT
NGINX_PORT=$((BASE_PORT + 1))
GW_PORT=$((BASE_PORT + 2))
GW_PLAIN_PORT=$((BASE_PORT + 3))

for tool in nginx wrk curl taskset setsid openssl; do
    command -v "$tool" >/dev/null || { echo "run.sh: missing tool: $tool" >&2; exit 2; }
done
[[ -x $GW ]] || { echo "run.sh: no gw binary at $GW (set GW_BIN=)" >&2; exit 2; }

RUNDIR="$(mktemp -d /tmp/gw-tls-bench.XXXXXX)"
PIDS=()
cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if ((rc == 0)) && [[ $KEEP_RUNDIR != 1 ]]; then rm -rf -- "$RUNDIR"; else echo "run dir: $RUNDIR" >&2; fi
    exit "$rc"
}
trap cleanup EXIT INT TERM
spawn() {  # spawn NAME CMD...: own session (so the group can be stopped), pinned to SUT_CPUS
    local name=$1; shift
    setsid taskset -c "$SUT_CPUS" "$@" >"$RUNDIR/$name.log" 2>&1 </dev/null &
    PIDS+=("$!")
}

# ---- certificates --------------------------------------------------------------------------
cd "$RUNDIR"
mkdir -p tmp/client_body tmp/proxy tmp/fastcgi tmp/uwsgi tmp/scgi origin nginx
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
    -out ca.crt -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
    -out server.csr -subj "/CN=bench.test" 2>/dev/null
printf 'subjectAltName=DNS:bench.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.crt 2>/dev/null

# ---- configs -------------------------------------------------------------------------------
COMMON='daemon off; worker_processes 1; pid nginx.pid; error_log error.log warn;
events { worker_connections 8192; }'
TEMP='access_log off; client_body_temp_path tmp/client_body; proxy_temp_path tmp/proxy;
fastcgi_temp_path tmp/fastcgi; uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
keepalive_requests 1000000; keepalive_timeout 300s;'
BODY='peers.sh upstream origin: fixed 100-byte body for reverse-proxy overhead benchmarks. 0123456789abcd'
cat > origin.conf <<CONF
$COMMON
http { $TEMP
  server { listen 127.0.0.1:$ORIGIN_PORT backlog=4096; default_type text/plain;
    location / { return 200 "$BODY\n"; } } }
CONF
# nginx with the same protocol policy gw uses: TLS 1.2 + 1.3, Mozilla intermediate ciphers.
cat > nginx.conf <<CONF
$COMMON
http { $TEMP
  upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 1024; keepalive_requests 100000; }
  server {
    listen 127.0.0.1:$NGINX_PORT ssl backlog=4096;
    ssl_certificate $RUNDIR/server.crt;
    ssl_certificate_key $RUNDIR/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
cat > gw.gw <<CONF
gateway {
  listen 127.0.0.1:$GW_PORT tls {
    cert "server.crt"
    key "server.key"
  }
  listen 127.0.0.1:$GW_PLAIN_PORT
}
upstream origin { server 127.0.0.1:$ORIGIN_PORT }
route all { match { path prefix "/" } forward origin }
CONF

spawn origin nginx -p "$RUNDIR/" -c "$RUNDIR/origin.conf"
spawn nginx nginx -p "$RUNDIR/" -c "$RUNDIR/nginx.conf"
spawn gw "$GW" run "$RUNDIR/gw.gw" --threads 1 --log-level warn

# ---- pre-flight ----------------------------------------------------------------------------
declare -A URL=([nginx-tls]="https://127.0.0.1:$NGINX_PORT/" [gw-tls]="https://127.0.0.1:$GW_PORT/"
                [gw-plain]="http://127.0.0.1:$GW_PLAIN_PORT/")
TARGETS=(nginx-tls gw-tls gw-plain)
for t in "${TARGETS[@]}"; do
    for ((i = 0; i < 100; i++)); do
        body=$(curl -sS --cacert ca.crt --max-time 2 "${URL[$t]}" 2>/dev/null) && break
        sleep 0.1
    done
    [[ $body == "$BODY" ]] || { echo "run.sh: $t did not answer the origin body: '$body'" >&2; cat "$RUNDIR"/*.log >&2; exit 1; }
done

echo "# bench/tls/run.sh $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(nginx -v 2>&1 | sed 's/.*: //'); $(openssl version); gw $GW; SUT cpus $SUT_CPUS, wrk cpus $WRK_CPUS"
echo "# keep-alive: wrk -t1 -c$CONNS -d${DURATION}s; handshakes: wrk -t1 -c$HS_CONNS -d${DURATION}s -H 'Connection: close'"

RES="$RUNDIR/results.tsv"
: > "$RES"
run_wrk() {  # run_wrk TARGET MODE
    local t=$1 mode=$2 out rps
    if [[ $mode == keepalive ]]; then
        out=$(taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "${URL[$t]}")
    else
        out=$(taskset -c "$WRK_CPUS" wrk -t1 -c"$HS_CONNS" -d"${DURATION}s" --latency \
              -H 'Connection: close' "${URL[$t]}")
    fi
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errs=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' <<<"$out")
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$mode" "$rps" "$p99" "$errs" >> "$RES"
    printf '  %-9s %-10s %10s req/s  p99 %-8s %s\n' "$t" "$mode" "$rps" "$p99" "$errs"
    sleep 1
}
for ((r = 0; r < ROUNDS; r++)); do
    echo "round $((r + 1))/$ROUNDS"
    for ((k = 0; k < ${#TARGETS[@]}; k++)); do
        t=${TARGETS[$(((k + r) % ${#TARGETS[@]}))]}
        run_wrk "$t" keepalive
        [[ $t == gw-plain ]] || run_wrk "$t" handshake
    done
done
echo
echo "median over $ROUNDS rounds (req/s; handshake rows = full TLS handshakes/s, one request each):"
for mode in keepalive handshake; do
    for t in "${TARGETS[@]}"; do
        vals=$(awk -F'\t' -v t="$t" -v m="$mode" '$1 == t && $2 == m {print $3}' "$RES" | sort -n)
        [[ -n $vals ]] || continue
        n=$(wc -l <<<"$vals")
        med=$(sed -n "$(((n + 1) / 2))p" <<<"$vals")
        printf '  %-10s %-9s median %10s   (min..max %s..%s)\n' "$mode" "$t" "$med" \
            "$(head -1 <<<"$vals")" "$(tail -1 <<<"$vals")"
    done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
