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
source "$(dirname "$0")/../lib/e2e.sh"
e2e_init jwt-e2e

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

start_origin

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

start_gw "$RUN/bench.gw"
for path in open secure; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW_PORT/$path")"
  [ "$code" = 200 ] || { echo "pre-flight /$path: $code"; cat "$RUN/gw.err"; exit 1; }
done
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_PORT/secure")"
[ "$code" = 401 ] || { echo "pre-flight: /secure without a token answered $code"; exit 1; }

run_wrk() {  # path seconds -> "req/s p99_ms"
  local rps p99 _bad
  read -r rps p99 _bad < <(wrk_run "http://127.0.0.1:$GW_PORT/$1" "$2" -H "Authorization: Bearer $TOKEN")
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
mo="$(median "${OPEN_RPS[@]}")" ms="$(median "${SECURE_RPS[@]}")"
echo
echo "| route | req/s (median of $ROUNDS) | p99 ms (median) |"
echo "|---|---:|---:|"
echo "| no authentication | $mo | $(median "${OPEN_P99[@]}") |"
echo "| RS256 JWT, warm verdict cache | $ms | $(median "${SECURE_P99[@]}") |"
awk -v o="$mo" -v s="$ms" 'BEGIN {printf "JWT route / open route: %.3f\n", s / o}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
