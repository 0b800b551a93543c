#!/usr/bin/env bash
# Generates the demo TLS material the shop example refers to: a throw-away CA, a gateway
# certificate for api.example.com and a client CA. Nothing here is committed; run it before
# starting `gw` with this example. Requires openssl.
set -euo pipefail
cd "$(dirname "$0")"
days=30
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=gw demo CA" \
  -keyout demo-ca.key -out demo-ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=api.example.com" \
  -keyout gateway.key -out gateway.csr 2>/dev/null
printf 'subjectAltName=DNS:api.example.com,DNS:localhost,IP:127.0.0.1\n' > gateway.ext
openssl x509 -req -in gateway.csr -CA demo-ca.pem -CAkey demo-ca.key -CAcreateserial \
  -days "$days" -extfile gateway.ext -out gateway.pem 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
  -subj "/CN=gw demo clients CA" -keyout clients-ca.key -out clients-ca.pem 2>/dev/null
rm -f gateway.csr gateway.ext demo-ca.srl
echo "wrote $(pwd)/{gateway.pem,gateway.key,clients-ca.pem} (demo only)"
