# Shared pieces of the single-gateway end-to-end benchmarks (bench/auth/jwt_e2e.sh,
# bench/limit/limit_e2e.sh): a private run dir whose processes are stopped by PID on exit, an
# nginx origin, gw pinned like /work/shared/bench/peers.sh (PIN=split), and wrk's numbers.
# Source it after `set -euo pipefail`; it reads SUT_CPUS, WRK_CPUS, CONNS and GW_BIN.

# e2e_init NAME: the run dir ($RUN) and the exit trap.
e2e_init() {
  RUN="$(mktemp -d "/tmp/gw-$1.XXXXXX")"
  PIDS=()
  trap e2e_cleanup EXIT
}
e2e_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$RUN"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# nginx_conf DIR BLOCK: one nginx worker on $SUT_CPUS serving BLOCK inside `http { }`.
# NGINX_WRAP: a command nginx runs under (e.g. valgrind); NGINX_GLOBAL: more global directives
# for -g (e.g. "master_process off;", so the one process serves).
nginx_conf() {
  mkdir -p "$RUN/$1"
  cat > "$RUN/$1/nginx.conf" <<NGINX
worker_processes 1;
pid $RUN/$1/nginx.pid;
error_log $RUN/$1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  client_body_temp_path $RUN/$1; proxy_temp_path $RUN/$1; fastcgi_temp_path $RUN/$1;
  uwsgi_temp_path $RUN/$1; scgi_temp_path $RUN/$1;
  $2
}
NGINX
  taskset -c "$SUT_CPUS" ${NGINX_WRAP:-} nginx -p "$RUN/$1" -c "$RUN/$1/nginx.conf" \
    -g "daemon off; ${NGINX_GLOBAL:-}" &
  PIDS+=($!)
}

# start_origin: the origin (`return 200` with a 100-byte body, as peers.sh) on $UP_PORT.
start_origin() {
  UP_PORT="$(free_port)"
  nginx_conf origin "server { listen 127.0.0.1:$UP_PORT; location / { return 200 \"$(printf 'x%.0s' $(seq 100))\"; } }"
}

# start_gw POLICY: gw with one worker on $SUT_CPUS at $GW_PORT (admin on an ephemeral port, see
# gw_admin_port); returns once it listens. GW_ACCESS_LOG (default off) is passed to --access-log.
# GW_WRAP: a command gw runs under (e.g. valgrind); GW_START_WAIT: tenths of a second to wait.
start_gw() {
  GW_PORT="$(free_port)"
  taskset -c "$SUT_CPUS" ${GW_WRAP:-} "$GW_BIN" run "$1" --listen "127.0.0.1:$GW_PORT" \
    --threads 1 --access-log "${GW_ACCESS_LOG:-off}" --admin 127.0.0.1:0 \
    --backend "${GW_BACKEND:-jit}" > "$RUN/gw.out" 2> "$RUN/gw.err" &
  PIDS+=($!)
  for _ in $(seq "${GW_START_WAIT:-300}"); do
    grep -q "^gw: listening" "$RUN/gw.out" 2>/dev/null && break
    sleep 0.1
  done
}

# gw_admin_port: the admin port of the gw started by start_gw.
gw_admin_port() { sed -n 's/^gw: admin listening on .*:\([0-9]*\)$/\1/p' "$RUN/gw.out" | head -1; }

# wrk_run URL SECONDS [wrk args...] -> "req/s p99_ms non2xx"
wrk_run() {
  local url="$1" seconds="$2"
  shift 2
  taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d"$seconds"s --latency "$@" "$url" > "$RUN/wrk.txt"
  local rps p99 bad
  rps="$(awk '/^Requests\/sec/ {print $2}' "$RUN/wrk.txt")"
  p99="$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$RUN/wrk.txt")"
  bad="$(awk '/Non-2xx/ {print $5}' "$RUN/wrk.txt")"
  echo "$rps $p99 ${bad:-0}"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
