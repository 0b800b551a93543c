#!/usr/bin/env python3
"""Test-only authorization server for gw_authnet tests: serves a JWKS document and an RFC 7662
introspection endpoint, both driven by files in a state directory so a test can rotate keys or
change answers while the process runs. Started by the test on port 0 (or a given port, for
restarts), it writes its port to --port-file and counts requests in <state>/counts.json.

State files (all optional):
  jwks.json         body of GET /jwks (re-read per request)
  jwks_status       status code for GET /jwks (default 200)
  tokens.json       {"<token>": {"status": 200, "json": {...} | "raw": "...", "delay": 0.0}}
GET /jwks query: framing=length|chunked|close, max_age=N, delay=S, pad=N (N extra spaces).
POST /introspect requires HTTP Basic --client-id/--client-secret (401 otherwise).
"""
import argparse
import base64
import http.server
import json
import os
import socketserver
import ssl
import threading
import time
import urllib.parse

LOCK = threading.Lock()


def bump(state, key):
    with LOCK:
        path = os.path.join(state, "counts.json")
        try:
            with open(path) as f:
                counts = json.load(f)
        except (OSError, ValueError):
            counts = {}
        counts[key] = counts.get(key, 0) + 1
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(counts, f)
        os.replace(tmp, path)


def read_file(state, name, default=None):
    try:
        with open(os.path.join(state, name), "rb") as f:
            return f.read()
    except OSError:
        return default


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "gw-auth-test/1"

    def log_message(self, fmt, *args):
        pass

    def send_body(self, status, body, framing="length", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 7):  # small chunks exercise the decoder
                part = body[i:i + 7]
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
        elif framing == "close":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        self.wfile.flush()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path != "/jwks":
            self.send_body(404, b'{"error":"not found"}')
            return
        bump(self.server.state, "jwks")
        time.sleep(float(query.get("delay", "0")))
        status = int(read_file(self.server.state, "jwks_status", b"200"))
        body = read_file(self.server.state, "jwks.json", b'{"keys":[]}')
        body += b" " * int(query.get("pad", "0"))
        extra = {}
        if "max_age" in query:
            extra["Cache-Control"] = "public, max-age=" + query["max_age"]
        self.send_body(status, body, query.get("framing", "length"), extra)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if url.path != "/introspect":
            self.send_body(404, b'{"error":"not found"}')
            return
        token = form.get("token", "")
        bump(self.server.state, "introspect:" + token)
        expected = "Basic " + base64.b64encode(
            (self.server.client_id + ":" + self.server.client_secret).encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_body(401, b'{"error":"invalid_client"}')
            return
        if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
            self.send_body(400, b'{"error":"invalid_request"}')
            return
        tokens = json.loads(read_file(self.server.state, "tokens.json", b"{}"))
        spec = tokens.get(token, {"json": {"active": False}})
        time.sleep(float(spec.get("delay", 0)))
        if "raw" in spec:
            body = spec["raw"].encode()
        else:
            body = json.dumps(spec.get("json", {})).encode()
        self.send_body(int(spec.get("status", 200)), body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up early (size caps, timeouts) are part of the tests


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--state", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--client-id", default="gw")
    p.add_argument("--client-secret", default="s3cret")
    a = p.parse_args()
    server = Server(("127.0.0.1", a.port), Handler)
    server.state = a.state
    server.client_id = a.client_id
    server.client_secret = a.client_secret
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
