"""Integration tests of the body transforms: real gw, a real upstream process, curl as client.

Usage: transform_test.py SUITE   (Compress BodyJson)
"""
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateway"))
from gw_harness import run_suite, Gateway, TempDir, request  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def text(n):
    line = b"the quick brown gateway jumps over the lazy upstream 0123456789\n"
    return (line * (n // len(line) + 1))[:n]


class PyUpstream:
    """transform_upstream.py as a separate process (bodies of known shape, JSON echo)."""

    def __init__(self):
        self.popen = subprocess.Popen([sys.executable, os.path.join(HERE, "transform_upstream.py")],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = int(self.popen.stdout.readline().decode().strip())

    def count(self):
        out = subprocess.run(["curl", "-s", f"http://127.0.0.1:{self.port}/__count"],
                             capture_output=True, check=True).stdout
        return json.loads(out)["count"]

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)
        self.popen.stdout.close()


def curl(gw, path, *args):
    """Runs curl against gw; returns (status, headers lower-cased dict, raw body bytes)."""
    with tempfile.NamedTemporaryFile() as hdr:
        body = subprocess.run(["curl", "-s", "-D", hdr.name, *args,
                               f"http://127.0.0.1:{gw.port}{path}"],
                              capture_output=True, check=True, timeout=60).stdout
        lines = open(hdr.name, "rb").read().decode().split("\r\n")
    # The last head is the final response (curl prints 100 Continue heads too).
    start = max(i for i, l in enumerate(lines) if l.startswith("HTTP/"))
    status = int(lines[start].split()[1])
    headers = {}
    for l in lines[start + 1:]:
        if ":" in l:
            k, v = l.split(":", 1)
            headers.setdefault(k.strip().lower(), []).append(v.strip())
    return status, {k: ", ".join(v) for k, v in headers.items()}, body


def dechunk_prefix(raw):
    """The data of the complete chunks at the start of a chunked body."""
    out = b""
    while True:
        line, sep, rest = raw.partition(b"\r\n")
        if not sep:
            return out
        size = int(line.split(b";")[0], 16)
        if size == 0 or len(rest) < size + 2:
            return out
        out += rest[:size]
        raw = rest[size + 2:]


def vary_has_ae(h):
    return "accept-encoding" in [v.strip().lower() for v in h.get("vary", "").split(",")]


def compress_suite():
    up = PyUpstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream app {{ server 127.0.0.1:{up.port} }}
route zipped {{
  match {{ path prefix "/z" }}
  request {{ rewrite path "/z" => "/" }}
  response {{ compress [br, gzip] min 1kb }}
  forward app
}}
route deflated {{
  match {{ path prefix "/d" }}
  request {{ rewrite path "/d" => "/" }}
  response {{ compress [deflate] }}
  forward app
}}
route plain {{ match {{ path prefix "/p" }} request {{ rewrite path "/p" => "/" }} forward app }}
""")
    gw = Gateway(policy)
    try:
        gz = ("-H", "Accept-Encoding: gzip")
        # gzip, Content-Length body: chunked, encoded, Vary; decodes to the upstream's bytes.
        st, h, raw = curl(gw, "/z/text/5000", *gz)
        check(st == 200 and h.get("content-encoding") == "gzip", f"gzip: {st} {h}")
        check("content-length" not in h and h.get("transfer-encoding") == "chunked", f"framing {h}")
        check(vary_has_ae(h), f"vary: {h}")
        check(gzip.decompress(raw) == text(5000), "gzip body round trip")
        check(len(raw) < 1000, f"compressed size {len(raw)}")
        # br is the route's first choice; curl decodes it itself (libcurl has brotli).
        st, h, body = curl(gw, "/z/text/5000", "--compressed")
        check(h.get("content-encoding") == "br" and body == text(5000), f"br: {h}")
        st, h, raw = curl(gw, "/z/text/5000", "-H", "Accept-Encoding: br")
        check(h.get("content-encoding") == "br" and raw != text(5000) and len(raw) < 1000, "br raw")
        # q-values: the client's higher quality wins over the route order; q=0 excludes.
        st, h, _ = curl(gw, "/z/text/5000", "-H", "Accept-Encoding: br;q=0.5, gzip")
        check(h.get("content-encoding") == "gzip", f"q-values: {h}")
        st, h, _ = curl(gw, "/z/text/5000", "-H", "Accept-Encoding: br;q=0, gzip;q=0")
        check("content-encoding" not in h and vary_has_ae(h), f"all refused: {h}")
        check(h.get("content-length") == "5000", f"identity keeps its length: {h}")
        # No Accept-Encoding: identity, but the response varies on it.
        st, h, body = curl(gw, "/z/text/5000")
        check("content-encoding" not in h and body == text(5000) and vary_has_ae(h), f"none {h}")
        # Below min (1kb = 1000 bytes): untouched, with its length, no Vary.
        st, h, body = curl(gw, "/z/text/999", *gz)
        check("content-encoding" not in h and h.get("content-length") == "999", f"min: {h}")
        check(not vary_has_ae(h) and body == text(999), f"min vary: {h}")
        st, h, raw = curl(gw, "/z/text/1000", *gz)
        check(h.get("content-encoding") == "gzip" and gzip.decompress(raw) == text(1000), "at min")
        # identity;q=0 lifts the threshold.
        st, h, raw = curl(gw, "/z/text/100", "-H", "Accept-Encoding: gzip, identity;q=0")
        check(h.get("content-encoding") == "gzip" and gzip.decompress(raw) == text(100), f"{h}")
        # Chunked upstream: below min decided after buffering, sent with a Content-Length.
        st, h, body = curl(gw, "/z/chunked/300", *gz)
        check("content-encoding" not in h and h.get("content-length") == "300", f"chunked min {h}")
        check(body == text(300), "chunked small body")
        st, h, raw = curl(gw, "/z/chunked/2000000", *gz)
        check(h.get("content-encoding") == "gzip" and gzip.decompress(raw) == text(2000000),
              "chunked large body")
        st, h, body = curl(gw, "/z/chunked/2000000", "--compressed")
        check(h.get("content-encoding") == "br" and body == text(2000000), "chunked br")
        st, h, raw = curl(gw, "/z/closedelim/20000", *gz)
        check(h.get("content-encoding") == "gzip" and gzip.decompress(raw) == text(20000),
              f"close-delimited upstream: {h}")
        # HEAD, 204, images and already encoded bodies go out as they came.
        st, h, body = curl(gw, "/z/text/5000", "-I", *gz)
        check(st == 200 and "content-encoding" not in h and h.get("content-length") == "5000",
              f"HEAD: {h}")
        st, h, body = curl(gw, "/z/nocontent", *gz)
        check(st == 204 and "content-encoding" not in h and body == b"", f"204: {h}")
        st, h, raw = curl(gw, "/z/png/5000", *gz)
        check("content-encoding" not in h and raw == text(5000) and not vary_has_ae(h), f"png {h}")
        st, h, raw = curl(gw, "/z/pregzip", *gz)
        check(h.get("content-encoding") == "gzip" and gzip.decompress(raw) == text(5000),
              f"already encoded: {h}")
        # Validators and ranges of a compressed representation.
        st, h, raw = curl(gw, "/z/etag/5000", *gz)
        check(h.get("etag") == 'W/"v1"', f"etag weakened: {h}")
        check(h.get("vary", "").lower() == "origin, accept-encoding", f"vary merged: {h}")
        check("accept-ranges" not in h, f"accept-ranges dropped: {h}")
        # deflate is the zlib format (RFC 9110 8.4.1.2); its route has the default min (1 KiB).
        st, h, raw = curl(gw, "/d/text/5000", "-H", "Accept-Encoding: deflate, gzip")
        check(h.get("content-encoding") == "deflate" and zlib.decompress(raw) == text(5000), "zlib")
        # A route without compress never compresses.
        st, h, raw = curl(gw, "/p/text/5000", *gz)
        check("content-encoding" not in h and raw == text(5000) and "vary" not in h, f"plain {h}")
        # Keep-alive: several compressed responses on one connection.
        c = gw.conn()
        for n in (5000, 300, 70000, 5000):
            st, h, raw = request(c, "GET", f"/z/chunked/{n}", {"Accept-Encoding": "gzip"})
            got = gzip.decompress(raw) if h.get("content-encoding") == "gzip" else raw
            check(st == 200 and got == text(n), f"keep-alive {n}")
        c.close()
        # Streaming: what the upstream sent so far reaches the client decodable (sync flush)
        # while the upstream is still pausing mid-body.
        s = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
        s.sendall(b"GET /z/slow HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
        started = time.monotonic()
        data, decoded = b"", b""
        inflater = zlib.decompressobj(31)
        while len(decoded) < 3000 and time.monotonic() - started < 3.5:
            s.settimeout(max(0.1, 3.5 - (time.monotonic() - started)))
            try:
                part = s.recv(65536)
            except socket.timeout:
                break
            if not part:
                break
            data += part
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                decoded = inflater.decompress(dechunk_prefix(rest))
                inflater = zlib.decompressobj(31)
        s.close()
        check(decoded == text(3000), f"first piece before the pause: {len(decoded)} bytes")
        # An HTTP/1.0 client gets a close-delimited compressed body.
        s = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
        s.sendall(b"GET /z/chunked/50000 HTTP/1.0\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
        data = b""
        while True:
            part = s.recv(65536)
            if not part:
                break
            data += part
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        check(b"content-encoding: gzip" in head.lower() and b"chunked" not in head.lower(),
              f"1.0 head: {head}")
        check(gzip.decompress(body) == text(50000), "1.0 body")
    finally:
        gw.stop()
        up.stop()


def body_json_suite():
    up = PyUpstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream app {{ server 127.0.0.1:{up.port} }}
route orders {{
  match {{ path prefix "/o" }}
  request {{
    rewrite path "/o" => "/"
    body json {{ rename "customer.id" => "customer_id"; remove "client_meta" }}
  }}
  response {{ body json {{ rename "customer_id" => "customer.id"; remove "secret" }} }}
  forward app
}}
route small {{
  match {{ path prefix "/s" }}
  request {{ rewrite path "/s" => "/"; body json {{ remove "x" }} }}
  max_body 100b
  forward app
}}
route both {{
  match {{ path prefix "/b" }}
  request {{ rewrite path "/b" => "/" }}
  response {{ body json {{ remove "secret" }} compress [gzip] min 10b }}
  forward app
}}
""")
    gw = Gateway(policy)
    try:
        sent = {"customer": {"id": 7, "name": "ann"}, "client_meta": {"ua": "x"}, "total": 3}
        want = {"customer": {"name": "ann"}, "total": 3, "customer_id": 7}
        jh = ("-H", "Content-Type: application/json")
        st, h, body = curl(gw, "/o/echo", "-X", "POST", *jh, "--data-binary", json.dumps(sent))
        check(st == 200, f"post: {st} {body}")
        echo = json.loads(body)
        check(json.loads(echo["body"]) == want, f"request edited: {echo['body']}")
        up_headers = {k.lower(): v for k, v in echo["headers"]}
        check(up_headers.get("content-length") == str(len(echo["body"].encode())),
              f"content-length recomputed: {up_headers}")
        # Chunked and Expect: 100-continue request bodies are read whole, then edited.
        st, h, body = curl(gw, "/o/echo", "-X", "POST", *jh, "-H", "Transfer-Encoding: chunked",
                           "-H", "Expect: 100-continue", "--data-binary", json.dumps(sent))
        check(st == 200 and json.loads(json.loads(body)["body"]) == want, f"chunked: {body}")
        # Invalid JSON with a JSON type: 400, and the upstream never sees it.
        before = up.count()
        st, h, body = curl(gw, "/o/echo", "-X", "POST", *jh, "--data-binary", "{\"a\": ")
        check(st == 400 and json.loads(body)["status"] == 400, f"invalid: {st} {body}")
        check(up.count() == before, "an invalid body never reaches the upstream")
        # Not JSON: passes untouched.
        st, h, body = curl(gw, "/o/echo", "-X", "POST", "-H", "Content-Type: text/plain",
                           "--data-binary", "{\"client_meta\": 1")
        check(json.loads(body)["body"] == "{\"client_meta\": 1", f"text passes: {body}")
        # A JSON body over the route's max_body: 413 before anything is forwarded.
        before = up.count()
        st, h, body = curl(gw, "/s/echo", "-X", "POST", *jh, "--data-binary",
                           json.dumps({"x": "y" * 200}))
        check(st == 413 and up.count() == before, f"max_body: {st}")
        st, h, body = curl(gw, "/s/echo", "-X", "POST", *jh, "--data-binary", '{"x":1,"k":2}')
        check(json.loads(json.loads(body)["body"]) == {"k": 2}, f"small: {body}")
        # Response edits, Content-Length recomputed; the upstream is asked for an unencoded body.
        st, h, body = curl(gw, "/o/json", "-H", "Accept-Encoding: gzip")
        check(json.loads(body) == {"order": 7, "lines": [1, 2], "customer": {"id": 42}}, f"{body}")
        check(h.get("content-length") == str(len(body)), f"response length: {h}")
        st, h, body = curl(gw, "/o/echo", "-H", "Accept-Encoding: gzip")
        check("accept-encoding" not in [k.lower() for k, _ in json.loads(body)["headers"]],
              "Accept-Encoding dropped towards the upstream")
        # Invalid JSON from the upstream goes through as it is.
        st, h, body = curl(gw, "/o/badjson")
        check(st == 200 and body == b"{not json", f"bad upstream json: {body}")
        # Edited, then compressed as one piece (with a Content-Length).
        st, h, raw = curl(gw, "/b/json", "-H", "Accept-Encoding: gzip")
        check(h.get("content-encoding") == "gzip" and h.get("content-length") == str(len(raw)),
              f"json+gzip: {h}")
        check(json.loads(gzip.decompress(raw)) == {"order": 7, "customer_id": 42, "lines": [1, 2]},
              "json+gzip body")
    finally:
        gw.stop()
        up.stop()


SUITES = {"Compress": compress_suite, "BodyJson": body_json_suite}

if __name__ == "__main__":
    run_suite(SUITES)
