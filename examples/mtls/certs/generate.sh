#!/usr/bin/env bash
# Generates the demo TLS material the mtls example refers to: a services CA with one client
# certificate (CN=billing, SAN billing.internal), an internal CA for the upstream, the gateway's
# server certificate and its client certificate towards the upstream. Nothing is committed;
# every key is throw-away. Requires openssl.
set -euo pipefail
cd "$(dirname "$0")"
days=30
ca() {  # ca NAME CN
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=$2" -keyout "$1.key" -out "$1.pem" 2>/dev/null
}
leaf() {  # leaf NAME CN SAN CA
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$2" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'subjectAltName=%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$4.pem" -CAkey "$4.key" -CAcreateserial -days "$days" \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
ca services-ca "gw demo services CA"
ca internal-ca "gw demo internal CA"
leaf gateway "ledger.internal" "DNS:ledger.internal,DNS:localhost,IP:127.0.0.1" internal-ca
leaf gateway-client "gateway" "DNS:gateway.internal" internal-ca
leaf billing "billing" "DNS:billing.internal" services-ca
rm -f ./*.srl
echo "wrote demo certificates to $(pwd)"
