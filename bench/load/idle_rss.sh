#!/usr/bin/env bash
# Idle memory of gw with a large policy (issue 4: < 50 MiB with 10 000 routes).
#   bench/load/idle_rss.sh [ROUTES=10000] [BACKEND=jit|interpreter|gwo]
# Generates the policy with gen_policy.py (no auth, upstream on a closed port: gw never needs
# it while idle; REPEAT=1 adds gen_policy.py --repeat), starts gw with one worker and no access
# log, waits until it serves, lets it idle for IDLE seconds (default 5) and prints VmRSS / VmHWM
# of the process and the start-up time. BACKEND=gwo first compiles the policy with
# `gwc compile` (GWC_BIN, default next to GW_BIN; its time is not counted) and starts gw from
# the .gwo. GW_BIN overrides the binary (default build-rel/bin/gw). SMAPS=1 also prints where
# the resident pages are (smaps_by_object.py: libLLVM's text and relocated data, the binary,
# the heap, thread stacks...).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GW_BIN="${GW_BIN:-$ROOT/build-rel/bin/gw}"
ROUTES="${1:-10000}"
BACKEND="${2:-jit}"
DIR="$(mktemp -d /tmp/gw-idle.XXXXXX)"
python3 "$HERE/gen_policy.py" "$ROUTES" --auth none --port 9 ${REPEAT:+--repeat} --out "$DIR/p.gw"
POLICY="$DIR/p.gw"
GW_BACKEND_ARGS=(--backend "$BACKEND")
if [ "$BACKEND" = gwo ]; then
  "${GWC_BIN:-$(dirname "$GW_BIN")/gwc}" compile "$DIR/p.gw" -o "$DIR/p.gwo" > /dev/null 2> "$DIR/gwc.err" \
    || { cat "$DIR/gwc.err"; exit 1; }
  POLICY="$DIR/p.gwo"
  GW_BACKEND_ARGS=()
fi
: > "$DIR/out"
START=$(date +%s.%N)
"$GW_BIN" run "$POLICY" --listen 127.0.0.1:0 --threads 1 --access-log off \
  "${GW_BACKEND_ARGS[@]}" > "$DIR/out" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
until grep -q "listening on" "$DIR/out"; do
  kill -0 $PID 2>/dev/null || { cat "$DIR/out"; exit 1; }
  sleep 0.5
done
READY=$(date +%s.%N)
sleep "${IDLE:-5}"
RSS=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
HWM=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
ANON=$(awk '/RssAnon/ {print $2}' /proc/$PID/status)
FILE=$(awk '/RssFile/ {print $2}' /proc/$PID/status)
mib() { echo "scale=1; $1 / 1024" | bc; }
if [ -n "${SMAPS:-}" ]; then
  python3 "$HERE/smaps_by_object.py" "$PID"
fi
printf 'routes=%s backend=%s start=%.1fs idle VmRSS=%s MiB (anon %s, file %s) peak VmHWM=%s MiB load=%s\n' \
  "$ROUTES" "$BACKEND" "$(echo "$READY - $START" | bc)" "$(mib "$RSS")" "$(mib "$ANON")" \
  "$(mib "$FILE")" "$(mib "$HWM")" "$(cut -d' ' -f1 /proc/loadavg)"
