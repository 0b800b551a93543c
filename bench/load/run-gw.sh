#!/usr/bin/env bash
# GATEWAY_CMD for ../shared/bench/peers.sh:
#   GATEWAY_CMD="$PWD/bench/load/run-gw.sh" GATEWAY_NAME=gw ../shared/bench/peers.sh
# Renders bench/load/peers.gw with the run's upstream port and JWT claims (the .gw language
# has no ${VAR} expansion), then execs gw in the foreground on 127.0.0.1:$GATEWAY_PORT with
# $GATEWAY_WORKERS workers and no access log. GW_BIN overrides the binary (default build/bin/gw).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
GW_BIN="${GW_BIN:-$ROOT/build/bin/gw}"
: "${GATEWAY_PORT:?}" "${UPSTREAM_PORT:?}" "${JWT_PUBKEY:?}" "${JWT_ISS:?}" "${JWT_AUD:?}"
WORKERS="${GATEWAY_WORKERS:-1}"

escape() { printf '%s' "$1" | sed -e 's/[\/&|]/\\&/g'; }
RUN_DIR="$(mktemp -d /tmp/gw-peers.XXXXXX)"
sed -e "s|@UPSTREAM_PORT@|$(escape "$UPSTREAM_PORT")|g" \
    -e "s|@JWT_ISS@|$(escape "$JWT_ISS")|g" \
    -e "s|@JWT_AUD@|$(escape "$JWT_AUD")|g" \
    "$HERE/peers.gw" > "$RUN_DIR/peers.gw"
export JWT_PUBKEY
exec "$GW_BIN" run "$RUN_DIR/peers.gw" --listen "127.0.0.1:$GATEWAY_PORT" \
  --threads "$WORKERS" --access-log off --log-level warn
