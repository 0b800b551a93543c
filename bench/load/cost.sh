#!/usr/bin/env bash
# Per-request cost of gw next to nginx proxy_pass, in units that a busy shared machine does not
# distort much: CPU time, system calls, context switches and heap allocations per proxied
# request, counted with perf on the proxy's own processes under a fixed wrk load (the VM has no
# hardware counters, so no instructions/cycles; see bench/RESULTS.md "Per-request cost").
#
# Layout (as /work/shared/bench/peers.sh PIN=split): the proxy (one worker) and an nginx origin
# (`return 200`, 100-byte body, stub_status) on CPU $SUT_CPUS, wrk -t1 -c$CONNS on $WRK_CPUS.
# Requests are counted at the origin (stub_status), so a count covers exactly the proxied
# requests inside the perf window. Every request carries the same RS256 bearer token.
# Targets:
#   nginx      nginx proxy_pass with upstream keep-alive (peers.sh's nginx-plain.conf)
#   gw-min     gw, bench/load/minimal.gw: one route, no policy, no access log
#   gw-peers   gw, bench/load/peers.gw: 100 routes, RS256 JWT (verdict cache), header
#              transforms, per-IP token bucket, JSON access log to a file (issue 4's shape)
#   gw-real    gw, issue 4's realistic policy exactly as peers.sh runs it (run-gw.sh with
#              GW_AUTH=none: gen_policy.py 100 --auth none: 100 routes, header transforms,
#              request id, per-IP token bucket, JSON access log to a file; no JWT)
# The origin's share of the core is reported too ("orig us", "orig cs": its worker's CPU time and
# context switches per request, from /proc): a proxy that spreads its requests over more
# upstream connections, or hands the origin fewer requests per wake-up, costs it more.
# Passes per target (each after a warm-up): cpu (task-clock, context switches, all syscalls),
# syscalls (per-syscall breakdown, SYSCALLS=1), allocs (malloc/calloc/realloc/posix_memalign
# uprobes on libc, ALLOCS=1; uprobes slow the process, so this pass gives counts only), and a
# cpu-clock profile of each target (PROFILE=1, perf.data files kept in OUT_DIR; with ALLOCS=1 also a
# call-graph record of gw's malloc calls, <target>.allocs.perf.data).
#
# Usage: GW_BIN=build-rel/bin/gw bench/load/cost.sh
# Knobs: TARGETS="nginx gw-min gw-peers" CONNS=64 DURATION=10 SUT_CPUS=0 WRK_CPUS=1
#        SYSCALLS=1 ALLOCS=1 PROFILE=0 OUT_DIR=/tmp/gw-cost (summary in $OUT_DIR/summary.txt)
#        PERF_ON=origin: the perf passes (CPU, syscalls, profile) count the origin's worker
#        instead of the proxy (what the proxy's pattern costs the origin, in perf's units)
#        EPOLL=1: also an epoll pass (perf record of epoll_wait's entries and exits on the proxy
#        and the origin), giving epoll_wait calls per request, events per call and the share of
#        calls that block (timeout != 0), for both; in $OUT_DIR/epoll.txt
#        IR=1: instead of the above, instructions per request of the targets under
#        callgrind (REQUESTS=2000 WARMUP_REQS=500 CONNS, GW_BACKEND=jit|interpreter); nginx
#        runs with master_process off there, so the process callgrind follows is the one that
#        serves
# Needs root (perf on other processes, uprobes), perf, nginx, wrk, openssl, curl.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GW_BIN="$(realpath "${GW_BIN:-build-rel/bin/gw}")"
TARGETS="${TARGETS:-nginx gw-min gw-peers}"
CONNS="${CONNS:-64}" DURATION="${DURATION:-10}" SUT_CPUS="${SUT_CPUS:-0}" WRK_CPUS="${WRK_CPUS:-1}"
SYSCALLS="${SYSCALLS:-1}" ALLOCS="${ALLOCS:-1}" PROFILE="${PROFILE:-0}" EPOLL="${EPOLL:-0}"
IR="${IR:-0}" REQUESTS="${REQUESTS:-2000}" WARMUP_REQS="${WARMUP_REQS:-500}"
OUT_DIR="${OUT_DIR:-/tmp/gw-cost}" PERF_ON="${PERF_ON:-proxy}"
source "$HERE/../lib/e2e.sh"
e2e_init cost
mkdir -p "$OUT_DIR"
WINDOW=$((DURATION - 2))
((WINDOW >= 2)) || { echo "cost.sh: DURATION must be >= 4" >&2; exit 2; }

# ---- origin, with stub_status to count the requests that reach it -------------------------
UP_PORT="$(free_port)"
BODY="$(printf 'x%.0s' $(seq 100))"
nginx_conf origin "server { listen 127.0.0.1:$UP_PORT backlog=4096;
  location / { return 200 \"$BODY\"; }
  location = /__status { stub_status; } }"
wait_http() {  # URL: until it answers anything
  for _ in $(seq 300); do curl -s -o /dev/null -m 1 "$1" && return 0; sleep 0.1; done
  echo "cost.sh: $1 does not answer" >&2; exit 1
}
wait_http "http://127.0.0.1:$UP_PORT/__status"
ORIGIN_PIDS="$(pgrep -P "${PIDS[-1]}" | paste -sd,)"  # the origin's worker

# ---- this run's JWT (peers.sh's claims) -----------------------------------------------------
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN/key.pem" 2>/dev/null
openssl pkey -in "$RUN/key.pem" -pubout -out "$RUN/pub.pem"
NOW="$(date +%s)"
JH="$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)"
JP="$(printf '{"iss":"peers.sh","aud":"peers-bench","sub":"user-42","iat":%d,"exp":%d}' \
  "$NOW" "$((NOW + 86400))" | b64url)"
TOKEN="$JH.$JP.$(printf '%s.%s' "$JH" "$JP" | openssl dgst -sha256 -sign "$RUN/key.pem" | b64url)"
export JWT_PUBKEY="$RUN/pub.pem"

render() {  # TEMPLATE OUT
  sed -e "s|@UPSTREAM_PORT@|$UP_PORT|g" -e "s|@JWT_ISS@|peers.sh|g" -e "s|@JWT_AUD@|peers-bench|g" \
    "$1" > "$2"
}

# start_target NAME: sets PORT and TPIDS (the processes that serve: gw, or nginx's worker).
start_target() {
  case $1 in
    nginx)
      PORT="$(free_port)"
      nginx_conf proxy "upstream origin { server 127.0.0.1:$UP_PORT; keepalive 1024;
          keepalive_requests 100000; keepalive_timeout 60s; }
        server { listen 127.0.0.1:$PORT backlog=4096; location / { proxy_pass http://origin;
          proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
      MASTER="${PIDS[-1]}"
      wait_http "http://127.0.0.1:$PORT/"
      TPIDS="$(pgrep -P "$MASTER" | paste -sd, || true)"
      [[ -n $TPIDS ]] || TPIDS="$MASTER"  # master_process off: the one process serves
      ;;
    gw-min | gw-peers | gw-real)
      local tmpl="$HERE/minimal.gw" log=off
      [[ $1 == gw-peers ]] && tmpl="$HERE/peers.gw" log="$RUN/access.log"
      if [[ $1 == gw-real ]]; then  # run-gw.sh's GW_AUTH=none template
        tmpl="$RUN/real.template.gw" log="$RUN/access.log"
        python3 "$HERE/gen_policy.py" 100 --auth none --out "$tmpl"
      fi
      render "$tmpl" "$RUN/$1.gw"
      GW_ACCESS_LOG="$log" start_gw "$RUN/$1.gw"
      MASTER="${PIDS[-1]}"
      PORT="$GW_PORT"
      wait_http "http://127.0.0.1:$PORT/"
      TPIDS="$MASTER"
      ;;
    *) echo "cost.sh: unknown target $1" >&2; exit 2 ;;
  esac
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/")"
  [[ $code == 200 ]] || { echo "cost.sh: $1 pre-flight answered $code" >&2; cat "$RUN"/gw.err 2>/dev/null; exit 1; }
}

stop_target() {
  kill "$MASTER" 2>/dev/null || true
  wait "$MASTER" 2>/dev/null || true
}

# window NAME PASS PERF_ARGS...: wrk for DURATION s; perf stat over the middle WINDOW s.
# Leaves REQS (origin requests inside the window), CONNS_NEW, RPS and P99 (wrk's, whole run),
# USER_US and SYS_US (the proxy's user and system CPU per request, from /proc, 10 ms ticks),
# CONNS_OPEN (upstream connections open at the end), ORIGIN_US and ORIGIN_CS (the origin
# worker's CPU and context switches per request: what the proxy's way of using its upstream
# connections costs the origin on the shared core).
window() {
  local name=$1 pass=$2; shift 2
  taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d"$DURATION"s --latency \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/" > "$OUT_DIR/$name.$pass.wrk" &
  local wrk=$!
  sleep 1
  # The origin's counters are read by the command perf runs, i.e. inside perf's window (perf's
  # own start-up on a busy machine would otherwise be counted as requests without events).
  local st="curl -s -m 2 http://127.0.0.1:$UP_PORT/__status"
  # User and system CPU ticks of the proxy's threads (utime, stime of /proc/<pid>/task/*/stat,
  # counted after the ") " that ends the command name, which may hold spaces).
  local ticks="for p in ${TPIDS//,/ }; do cat /proc/\$p/task/*/stat; done |
    sed 's/^.*) //' | awk '{u += \$12; s += \$13} END {print u, s}'"
  # The origin's: utime + stime, and its voluntary and involuntary context switches.
  local oticks="{ for p in ${ORIGIN_PIDS//,/ }; do cat /proc/\$p/task/*/stat; done |
    sed 's/^.*) //' | awk '{t += \$12 + \$13} END {printf \"%d \", t}';
    $(switches "$ORIGIN_PIDS"); }"
  # The proxy's voluntary (it blocked: epoll_wait) and involuntary (preempted) switches.
  local pswitches="$(switches "$TPIDS")"
  # Context switches by thread (tid, name): which of the proxy's threads wake up.
  local threads="for t in \$(ls -d /proc/{${TPIDS},0}/task/* 2>/dev/null); do
    echo \$(basename \$t) \$(tr ' ' _ < \$t/comm) \
      \$(awk '/ctxt_switches/ {c += \$2} END {print c}' \$t/status);
    done"
  local on="$TPIDS"
  [[ $PERF_ON == origin ]] && on="$ORIGIN_PIDS"
  # Segments on the upstream connections, both ends (ss -ti): pure ACKs = segs_out minus
  # data_segs_out. A proxy that acknowledges responses at once (quick-ack) instead of with its
  # next request would show here, and so would the origin's.
  local segs="{ $(segments "dport = :$UP_PORT"); $(segments "sport = :$UP_PORT"); }"
  "$@" -p "${WIN_PIDS:-$on}" -- bash -c "$st > $RUN/st0; $ticks > $RUN/t0; $oticks > $RUN/o0;
    $threads > $RUN/th0; $pswitches > $RUN/p0; $segs > $RUN/s0; sleep $WINDOW; $st > $RUN/st1;
    $ticks > $RUN/t1; $oticks > $RUN/o1; $threads > $RUN/th1; $pswitches > $RUN/p1;
    $segs > $RUN/s1" \
    2> "$OUT_DIR/$name.$pass.perf" >/dev/null
  wait "$wrk"
  local r0 a0 r1 a1
  read -r a0 _ r0 < <(sed -n 3p "$RUN/st0")
  read -r a1 _ r1 < <(sed -n 3p "$RUN/st1")
  REQS=$((r1 - r0 - 1))
  local u0 s0 u1 s1 hz
  read -r u0 s0 < "$RUN/t0"
  read -r u1 s1 < "$RUN/t1"
  hz="$(getconf CLK_TCK)"
  USER_US="$(per $((u1 - u0)) "$REQS" $((1000000 / hz)))"
  SYS_US="$(per $((s1 - s0)) "$REQS" $((1000000 / hz)))"
  local ot0 ov0 oi0 ot1 ov1 oi1 pv0 pi0 pv1 pi1
  read -r ot0 ov0 oi0 < "$RUN/o0"
  read -r ot1 ov1 oi1 < "$RUN/o1"
  read -r pv0 pi0 < "$RUN/p0"
  read -r pv1 pi1 < "$RUN/p1"
  ORIGIN_US="$(per $((ot1 - ot0)) "$REQS" $((1000000 / hz)))"
  ORIGIN_CS="$(per $((ov1 - ov0 + oi1 - oi0)) "$REQS")"
  ORIGIN_VI="$(per $((ov1 - ov0)) "$REQS")/$(per $((oi1 - oi0)) "$REQS")"
  PROXY_VI="$(per $((pv1 - pv0)) "$REQS")/$(per $((pi1 - pi0)) "$REQS")"
  # Requests the origin handles per wake-up (each voluntary switch is one sleep in epoll_wait).
  ORIGIN_PER_WAKE="$(per "$REQS" $((ov1 - ov0 > 0 ? ov1 - ov0 : 1)))"
  CONNS_NEW=$((a1 - a0 - 1))
  awk -v n="$REQS" 'NR == FNR {c[$1] = $3; next} ($1 in c) && $3 > c[$1] {
      printf "%s %s %.3f cs/req\n", $1, $2, ($3 - c[$1]) / n }' "$RUN/th0" "$RUN/th1" \
    > "$OUT_DIR/$name.$pass.threads"
  # Connections open at the origin at the window's end, less the status request's own.
  CONNS_OPEN=$(($(awk 'NR == 1 {print $3}' "$RUN/st1") - 1))
  # Pure ACKs per request sent by the proxy / by the origin on the upstream connections.
  UP_ACKS="$(paste -d' ' "$RUN/s0" "$RUN/s1" | awk -v n="$REQS" '
    { a[NR] = (($3 - $1) - ($4 - $2)) / n } END { printf "%.2f/%.2f", a[1], a[2] }')"
  RPS="$(awk '/^Requests\/sec/ {print $2}' "$OUT_DIR/$name.$pass.wrk")"
  P99="$(awk '$1 == "99%" {print $2}' "$OUT_DIR/$name.$pass.wrk")"
}

# switches PIDS: a command printing the voluntary and the involuntary context switches of all
# threads of the comma-separated PIDS, from /proc/<pid>/task/*/status.
switches() {
  echo "for p in ${1//,/ }; do cat /proc/\$p/task/*/status; done |
    awk '/^voluntary_ctxt/ {v += \$2} /^nonvoluntary_ctxt/ {i += \$2} END {print v, i}'"
}

# epoll_stats TARGET PERF_DATA: per side (proxy, origin) epoll_wait calls per request, events
# returned per call, and the shares of calls that asked to block and that returned nothing.
epoll_stats() {
  perf script -i "$2" -F tid,event,trace 2>/dev/null | awk -v t="$1" -v n="$REQS" \
    -v proxy=",$TPIDS," -v origin=",$ORIGIN_PIDS," '
    function side(tid) { return index(origin, "," tid ",") ? "origin" : "proxy" }
    function hex(x,  i, v) { v = 0; x = tolower(x); sub(/^0x/, "", x)
        for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
        return v }
    /sys_enter_epoll_wait/ { s = side($1); calls[s]++; for (i = 1; i <= NF; i++)
        if ($i ~ /^timeout:/) { v = $i; sub(/timeout: */, "", v); if (v == "") v = $(i + 1);
          if (hex(v) != 0) block[s]++ } }
    /sys_exit_epoll_wait/ { s = side($1); for (i = 1; i <= NF; i++) if ($i ~ /^0x/) r = $i;
        r = hex(r); if (r > 0 && r < 65536) ev[s] += r; else empty[s]++ }
    END { for (s in calls) printf "%-9s %-6s epoll_wait/req %.3f events/call %.2f " \
        "blocking %.0f%% empty %.0f%%\n", t, s, calls[s] / n, ev[s] / calls[s],
        100 * block[s] / calls[s], 100 * empty[s] / calls[s] }'
}

# segments FILTER: a command printing the segments and data segments sent by the established
# sockets ss selects with FILTER (summed).
segments() {
  echo "ss -tinH state established '$1' | tr ' ' '\\n' |
    awk -F: '\$1 == \"segs_out\" {s += \$2} \$1 == \"data_segs_out\" {d += \$2}
      END {print s + 0, d + 0}'"
}

count() {  # FILE EVENT-REGEX: sum of the perf stat -x, counts of matching events
  awk -F, -v re="$2" '$3 ~ re { s += $1 } END { print s + 0 }' "$1"
}
per() { awk -v a="$1" -v b="$2" -v s="${3:-1}" 'BEGIN { printf "%.2f", a * s / b }'; }

if [[ $ALLOCS == 1 ]]; then
  LIBC="$(ldd "$GW_BIN" | awk '/libc\.so/ {print $3}')"
  for f in malloc calloc realloc posix_memalign; do
    perf probe -q -x "$LIBC" --add "$f" 2>/dev/null || true
  done
fi

SUMMARY="$OUT_DIR/summary.txt"
if [[ $IR == 1 ]]; then
  # Instructions per request, counted by callgrind: exact and independent of the machine's
  # load (the VM has no hardware counters). User-space instructions of all of gw's threads
  # (the kernel's are not counted) over exactly REQUESTS requests after WARMUP_REQS, sent by
  # fixed_requests.py over CONNS connections. gw runs ~50x slower under valgrind: the counts,
  # not the times, are the result. GW_BACKEND=interpreter starts much faster under valgrind.
  {
    echo "# cost.sh IR=1 $(date -u +%FT%TZ) gw=$GW_BIN backend=${GW_BACKEND:-jit}" \
      "requests=$REQUESTS conns=$CONNS"
    echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-9s %12s\n' target 'Ir/req'
  } | tee "$SUMMARY"
  for t in $TARGETS; do
    rm -f "$OUT_DIR/$t.callgrind"*
    wrap="valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=$OUT_DIR/$t.callgrind"
    GW_WRAP="$wrap" NGINX_WRAP="$wrap" NGINX_GLOBAL="master_process off;" GW_START_WAIT=6000 \
      start_target "$t"
    callgrind_control -i on "$MASTER" > /dev/null
    python3 "$HERE/fixed_requests.py" 127.0.0.1 "$PORT" "$WARMUP_REQS" "$CONNS" \
      "Authorization: Bearer $TOKEN"
    callgrind_control -z "$MASTER" > /dev/null
    python3 "$HERE/fixed_requests.py" 127.0.0.1 "$PORT" "$REQUESTS" "$CONNS" \
      "Authorization: Bearer $TOKEN"
    callgrind_control -d "$MASTER" > /dev/null
    dump="$(ls -t "$OUT_DIR/$t.callgrind"* | head -1)"
    ir="$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")"
    printf '%-9s %12s\n' "$t" "$(per "$ir" "$REQUESTS")" | tee -a "$SUMMARY"
    stop_target
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$SUMMARY"
  exit 0
fi
{
  echo "# cost.sh $(date -u +%FT%TZ) gw=$GW_BIN ($(git -C "$HERE" rev-parse --short HEAD 2>/dev/null))"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c$CONNS, window ${WINDOW}s"
  [[ $PERF_ON == origin ]] &&
    echo "# PERF_ON=origin: CPU, sysc, cs and syscall columns are the origin's"
  printf '%-9s %9s %8s %10s %11s %10s %9s %10s %11s %9s %9s %11s %11s %9s %9s %s\n' target \
    'req/s' 'p99' 'CPU us/req' 'user/sys us' 'sysc/req' 'cs/req' 'alloc/req' 'up new/open' \
    'orig us' 'orig cs' 'cs vol/inv' 'orig vol/inv' 'orig r/wk' 'acks p/o' 'top syscalls/req'
} | tee "$SUMMARY"
for t in $TARGETS; do
  start_target "$t"
  taskset -c "$WRK_CPUS" wrk -t1 -c"$CONNS" -d2s -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/" > /dev/null
  window "$t" cpu perf stat -x, -e task-clock,context-switches,raw_syscalls:sys_enter
  cpu="$(per "$(count "$OUT_DIR/$t.cpu.perf" task-clock)" "$REQS" 1000)"  # msec -> us
  sysc="$(per "$(count "$OUT_DIR/$t.cpu.perf" raw_syscalls)" "$REQS")"
  cs="$(per "$(count "$OUT_DIR/$t.cpu.perf" context-switches)" "$REQS")"
  rps=$RPS p99=$P99 up=$CONNS_NEW/$CONNS_OPEN usersys="$USER_US/$SYS_US" ous=$ORIGIN_US ocs=$ORIGIN_CS
  pvi=$PROXY_VI ovi=$ORIGIN_VI opw=$ORIGIN_PER_WAKE acks=$UP_ACKS
  top="-"
  if [[ $SYSCALLS == 1 ]]; then
    window "$t" sys perf stat -x, -e 'syscalls:sys_enter_*'
    top="$(awk -F, -v n="$REQS" '$1 + 0 > 0 { sub(/syscalls:sys_enter_/, "", $3);
        printf "%s %s=%.2f\n", $1, $3, $1 / n }' "$OUT_DIR/$t.sys.perf" |
      sort -rn | awk '$2 !~ /=0.0[0-4]$/ && $2 !~ /=0.00$/ {printf "%s ", $2}')"
  fi
  allocs="-"
  if [[ $ALLOCS == 1 ]]; then
    window "$t" alloc perf stat -x, -e 'probe_libc:*'
    allocs="$(per "$(count "$OUT_DIR/$t.alloc.perf" 'probe_libc:(malloc|calloc|realloc|posix_memalign)$')" "$REQS")"
  fi
  if [[ $EPOLL == 1 ]]; then
    WIN_PIDS="$TPIDS,$ORIGIN_PIDS" window "$t" epoll perf record -q \
      -e syscalls:sys_enter_epoll_wait -e syscalls:sys_exit_epoll_wait -o "$RUN/epoll.data"
    epoll_stats "$t" "$RUN/epoll.data" | tee -a "$OUT_DIR/epoll.txt"
  fi
  if [[ $PROFILE == 1 ]]; then
    window "$t" prof perf record -q -F 4999 ${PROFILE_GRAPH:+-g --call-graph dwarf,16384} \
      -o "$OUT_DIR/$t.perf.data"
  fi
  if [[ $ALLOCS == 1 && $PROFILE == 1 && $t == gw* ]]; then  # who allocates: perf report -i
    window "$t" allocsites perf record -q -e 'probe_libc:malloc' -g --call-graph dwarf,16384 \
      -o "$OUT_DIR/$t.allocs.perf.data"
  fi
  printf '%-9s %9s %8s %10s %11s %10s %9s %10s %11s %9s %9s %11s %11s %9s %9s %s\n' "$t" \
    "$rps" "$p99" "$cpu" "$usersys" "$sysc" "$cs" "$allocs" "$up" "$ous" "$ocs" "$pvi" "$ovi" \
    "$opw" "$acks" "$top" | tee -a "$SUMMARY"
  stop_target
done
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$SUMMARY"
