#!/usr/bin/env python3
"""Integration tests of the HTTP serving core: gw-http-proxy in front of gw-echo-upstream.

Usage: proxy_test.py <Suite>   (Rejections, Normalization, Forwarding, Streaming, StaleUpstream,
                                Shutdown)
"""
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Env, Proc, wait_until  # noqa: E402

H = "Host: example.com"
# Rejected after parsing (path normalization): the framing is intact, so keep-alive survives.
PATH_CASES = {"encoded_slash", "encoded_backslash", "raw_backslash", "encoded_nul", "above_root",
              "invalid_escape", "dot_params"}


def req(line, *headers, body=b""):
    out = line.encode() + b"\r\n" if isinstance(line, str) else line + b"\r\n"
    for h in headers:
        out += (h.encode() if isinstance(h, str) else h) + b"\r\n"
    return out + b"\r\n" + body


class Rejections(unittest.TestCase):
    """Each malformed-request class gets its status and never reaches the upstream."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env(["--max-uri", "256", "--max-header-bytes", "4096", "--max-headers", "20"])

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    CASES = [
        ("cl_and_te", req("POST / HTTP/1.1", H, "Content-Length: 5",
                          "Transfer-Encoding: chunked", body=b"0\r\n\r\n"), 400),
        ("differing_cl", req("POST / HTTP/1.1", H, "Content-Length: 5", "Content-Length: 6",
                             body=b"hello"), 400),
        ("cl_list_differs", req("POST / HTTP/1.1", H, "Content-Length: 5, 6", body=b"hello"), 400),
        ("cl_malformed", req("POST / HTTP/1.1", H, "Content-Length: 5x"), 400),
        ("te_not_final_chunked", req("POST / HTTP/1.1", H, "Transfer-Encoding: chunked, gzip"),
         400),
        ("te_unknown_coding", req("POST / HTTP/1.1", H, "Transfer-Encoding: gzip, chunked"), 501),
        ("te_http10", req("POST / HTTP/1.0", "Transfer-Encoding: chunked"), 400),
        ("obs_fold", req("GET / HTTP/1.1", H, "X-A: b", " folded"), 400),
        ("space_before_colon", req("GET / HTTP/1.1", H, "Transfer-Encoding : chunked"), 400),
        ("nul_in_value", req("GET / HTTP/1.1", H, b"X-A: a\x00b"), 400),
        ("bare_cr_in_value", req("GET / HTTP/1.1", H, b"X-A: a\rb"), 400),
        ("bare_lf", b"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400),
        ("bad_name", req("GET / HTTP/1.1", H, "X(A): b"), 400),
        ("missing_host", req("GET / HTTP/1.1", "X-A: b"), 400),
        ("two_hosts", req("GET / HTTP/1.1", H, "Host: other"), 400),
        ("version_2", req("GET / HTTP/2.0", H), 505),
        ("version_garbage", req("GET / HTTP/x.y", H), 400),
        ("uri_too_long", req("GET /" + "a" * 300 + " HTTP/1.1", H), 414),
        ("headers_too_large", req("GET / HTTP/1.1", H, "X-Big: " + "b" * 5000), 431),
        ("too_many_headers", req("GET / HTTP/1.1", H, *[f"X-{i}: v" for i in range(25)]), 431),
        ("connect", req("CONNECT a:443 HTTP/1.1", H), 501),
        ("expect_other", req("PUT / HTTP/1.1", H, "Expect: 200-ok"), 417),
        ("encoded_slash", req("GET /a%2Fb HTTP/1.1", H), 400),
        ("encoded_backslash", req("GET /a%5cb HTTP/1.1", H), 400),
        ("raw_backslash", req("GET /a\\b HTTP/1.1", H), 400),
        ("encoded_nul", req("GET /a%00 HTTP/1.1", H), 400),
        ("above_root", req("GET /%2e%2e/etc/passwd HTTP/1.1", H), 400),
        ("invalid_escape", req("GET /a%zz HTTP/1.1", H), 400),
        ("dot_params", req("GET /a/..;/admin HTTP/1.1", H), 400),
        ("bad_chunk_size", req("POST / HTTP/1.1", H, "Transfer-Encoding: chunked",
                               body=b"zz\r\nhello\r\n0\r\n\r\n"), 400),
    ]

    def test_rejections(self):
        for name, raw, status in self.CASES:
            with self.subTest(name):
                before = self.env.upstream_count()
                resp = self.env.exchange(raw)
                self.assertEqual(resp.status, status, name)
                self.assertEqual(resp.header("content-type"), "application/json")
                body = resp.json()
                self.assertEqual(body["status"], status)
                self.assertEqual(body["request_id"], resp.header("x-request-id"))
                if name not in PATH_CASES:
                    self.assertEqual(resp.header("connection"), "close", name)
                if name != "bad_chunk_size":  # that one is rejected while streaming its body
                    self.assertEqual(self.env.upstream_count(), before, name)


class Normalization(unittest.TestCase):
    """The upstream receives the normalized path and the untouched query."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env()

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    CASES = [
        ("/a/./b", "/a/b"), ("/a/b/../c", "/a/c"), ("/a/%2e%2e/b", "/b"), ("/a/.%2E/b", "/b"),
        ("//api///v1//", "/api/v1/"), ("/%61dmin", "/admin"), ("/a%3fb", "/a%3Fb"),
        ("/caf%c3%a9", "/caf%C3%A9"), ("/a/b/..", "/a/"), ("/x?q=%2F..%2F&a=/../", "/x"),
    ]

    def test_paths(self):
        for raw, want in self.CASES:
            with self.subTest(raw):
                resp = self.env.exchange(req(f"GET {raw} HTTP/1.1", H))
                self.assertEqual(resp.status, 200)
                echo = resp.json()
                self.assertEqual(echo["path"], want)
                raw_query = raw.split("?", 1)[1] if "?" in raw else ""
                self.assertEqual(echo["query"], raw_query)

    def test_absolute_form(self):
        resp = self.env.exchange(req("GET http://Other.Example:8080/p/../q?z=1 HTTP/1.1", H))
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.json()["target"], "/q?z=1")


class Forwarding(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = Env(["--max-body", "100000", "--header-timeout-ms", "700",
                       "--upstream-timeout-ms", "800", "--deny-prefix", "/deny"])

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    def test_keep_alive_reuses_connections(self):
        c = self.env.connect()
        for i in range(3):
            c.send(req(f"GET /k{i} HTTP/1.1", H))
            r = c.response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json()["path"], f"/k{i}")
        c.close()

    def test_pipelining_in_order(self):
        c = self.env.connect()
        c.send(b"".join(req(f"GET /p{i}?n={i} HTTP/1.1", H) for i in range(8)) +
               req("POST /p8 HTTP/1.1", H, "Content-Length: 3", body=b"abc") +
               req("GET /p9 HTTP/1.1", H))
        for i in range(10):
            r = c.response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json()["path"], f"/p{i}")
        self.assertEqual(r.json()["body_size"], 0)
        c.close()

    def test_chunked_request_and_response(self):
        c = self.env.connect()
        c.send(req("POST /c HTTP/1.1", H, "Transfer-Encoding: chunked",
                   body=b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"))
        r = c.response()
        echo = r.json()
        self.assertTrue(echo["chunked"])
        self.assertEqual(echo["body_size"], 11)
        self.assertEqual(echo["body_sha256"], hashlib.sha256(b"hello world").hexdigest())
        c.send(req("GET /chunked/70000 HTTP/1.1", H))
        r = c.response()
        self.assertEqual(r.header("transfer-encoding"), "chunked")
        self.assertEqual(r.body, b"x" * 70000)
        c.send(req("GET /closedelim/5000 HTTP/1.1", H))
        r = c.response()
        self.assertEqual(r.header("transfer-encoding"), "chunked")
        self.assertEqual(len(r.body), 5000)
        c.close()

    def test_http10_gets_close_delimited_body(self):
        r = self.env.exchange(req("GET /chunked/3000 HTTP/1.0"))
        self.assertIsNone(r.header("transfer-encoding"))
        self.assertEqual(r.body, b"x" * 3000)

    def test_expect_continue_forwarded(self):
        c = self.env.connect()
        c.send(req("PUT /e HTTP/1.1", H, "Content-Length: 4", "Expect: 100-continue"))
        interim = c.response()
        self.assertEqual(interim.status, 100)
        c.send(b"data")
        r = c.response()
        self.assertEqual(r.status, 200)
        echo = r.json()
        self.assertEqual(echo["body_size"], 4)
        self.assertNotIn("expect", [h[0].lower() for h in echo["headers"]])
        c.close()

    def test_expect_continue_not_sent_when_denied(self):
        before = self.env.upstream_count()
        c = self.env.connect()
        c.send(req("PUT /deny/x HTTP/1.1", H, "Content-Length: 4", "Expect: 100-continue"))
        r = c.response()
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["request_id"], r.header("x-request-id"))
        c.close()
        self.assertEqual(self.env.upstream_count(), before)

    def test_413_content_length_and_chunked(self):
        before = self.env.upstream_count()
        r = self.env.exchange(req("POST /big HTTP/1.1", H, "Content-Length: 200000"))
        self.assertEqual(r.status, 413)
        self.assertEqual(self.env.upstream_count(), before)
        c = self.env.connect()
        c.send(req("POST /big HTTP/1.1", H, "Transfer-Encoding: chunked"))
        try:
            for _ in range(5):
                c.send(b"8000\r\n" + b"y" * 0x8000 + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertEqual(c.response().status, 413)
        c.close()

    def test_408_on_slow_header(self):
        c = self.env.connect()
        c.send(b"GET /slow HTTP/1.1\r\nHost: a\r\n")
        start = time.time()
        r = c.response()
        self.assertEqual(r.status, 408)
        self.assertLess(time.time() - start, 5)
        self.assertTrue(c.closed_by_peer())
        c.close()

    def test_idle_keepalive_is_not_408(self):
        c = self.env.connect()
        c.send(req("GET /a HTTP/1.1", H))
        self.assertEqual(c.response().status, 200)
        time.sleep(1.0)  # longer than the header timeout: idle connections are not slowloris
        c.send(req("GET /b HTTP/1.1", H))
        self.assertEqual(c.response().status, 200)
        c.close()

    def test_504_on_slow_upstream(self):
        r = self.env.exchange(req("GET /sleep/3000 HTTP/1.1", H))
        self.assertEqual(r.status, 504)
        self.assertEqual(r.json()["request_id"], r.header("x-request-id"))

    def test_502_on_bad_or_missing_upstream(self):
        r = self.env.exchange(req("GET /garbage HTTP/1.1", H))
        self.assertEqual(r.status, 502)
        r = self.env.exchange(req("GET /hangup HTTP/1.1", H))
        self.assertEqual(r.status, 502)
        dead = socket.socket()
        dead.bind(("127.0.0.1", 0))
        port = dead.getsockname()[1]
        dead.close()
        p = Proc("gw-http-proxy", ["--upstream", f"127.0.0.1:{port}"])
        try:
            s = socket.create_connection(("127.0.0.1", p.port), timeout=5)
            from harness import Conn
            c = Conn(s)
            c.send(req("GET / HTTP/1.1", H))
            r = c.response()
            self.assertEqual(r.status, 502)
            self.assertEqual(r.json()["error"], "upstream unreachable")
            c.close()
        finally:
            p.stop()

    def test_upstream_status_passthrough(self):
        r = self.env.exchange(req("GET /status/503 HTTP/1.1", H))
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["path"], "/status/503")

    def test_headers_ids_and_hop_by_hop(self):
        tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        r = self.env.exchange(req("GET /h HTTP/1.1", H, "X-Request-ID: my-id-1", f"traceparent: {tp}",
                                  "Connection: keep-alive, X-Secret", "X-Secret: s",
                                  "Keep-Alive: timeout=5", "TE: trailers", "Upgrade: websocket",
                                  "Proxy-Connection: keep-alive", "X-Forwarded-For: 10.0.0.1",
                                  "X-Forwarded-Proto: https"))
        self.assertEqual(r.header("x-request-id"), "my-id-1")
        headers = {}
        for n, v in r.json()["headers"]:
            headers.setdefault(n.lower(), []).append(v)
        for gone in ("connection", "x-secret", "keep-alive", "te", "upgrade", "proxy-connection"):
            self.assertNotIn(gone, headers)
        self.assertEqual(headers["x-request-id"], ["my-id-1"])
        self.assertEqual(headers["x-forwarded-for"], ["10.0.0.1, 127.0.0.1"])
        self.assertEqual(headers["x-forwarded-proto"], ["http"])
        self.assertTrue(headers["forwarded"][0].startswith("for=127.0.0.1;proto=http"))
        out_tp = headers["traceparent"][0]
        self.assertEqual(out_tp[:36], tp[:36])
        self.assertNotEqual(out_tp[36:52], tp[36:52])
        self.assertEqual(out_tp[52:], "-01")
        # Invalid ids are replaced, an invalid traceparent starts a new trace.
        r = self.env.exchange(req("GET /h HTTP/1.1", H, "X-Request-ID: " + "x" * 200,
                                  "traceparent: 00-zz-00-01"))
        rid = r.header("x-request-id")
        self.assertEqual(len(rid), 32)
        echo = {n.lower(): v for n, v in r.json()["headers"]}
        self.assertEqual(echo["x-request-id"], rid)
        self.assertRegex(echo["traceparent"], r"^00-[0-9a-f]{32}-[0-9a-f]{16}-00$")


class Streaming(unittest.TestCase):
    """1 GiB each way through the proxy with bounded memory."""

    @classmethod
    def setUpClass(cls):
        cls.env = Env(["--threads", "1"])

    @classmethod
    def tearDownClass(cls):
        cls.env.close()

    GIB = 1 << 30

    def test_upload_1gib_chunked_bounded_memory(self):
        url = f"http://127.0.0.1:{self.env.port}/upload"
        gen = subprocess.Popen(["head", "-c", str(self.GIB), "/dev/zero"], stdout=subprocess.PIPE)
        out = subprocess.run(["curl", "-sS", "-T", "-", url], stdin=gen.stdout,
                             capture_output=True, timeout=500)
        gen.stdout.close()
        gen.wait()
        self.assertEqual(out.returncode, 0, out.stderr)
        import json
        echo = json.loads(out.stdout)
        self.assertEqual(echo["body_size"], self.GIB)
        self.assertTrue(echo["chunked"])
        digest = hashlib.sha256()
        block = bytes(1 << 20)
        for _ in range(1024):
            digest.update(block)
        self.assertEqual(echo["body_sha256"], digest.hexdigest())
        hwm_mb = self.env.proxy.vm_hwm_kb() / 1024
        print(f"proxy VmHWM after 1 GiB upload: {hwm_mb:.1f} MB", file=sys.stderr)
        self.assertLess(hwm_mb, 100)

    def test_download_1gib_bounded_memory(self):
        url = f"http://127.0.0.1:{self.env.port}/bytes/{self.GIB}"
        out = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{size_download}", url],
                             capture_output=True, timeout=500)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(int(out.stdout), self.GIB)
        self.assertLess(self.env.proxy.vm_hwm_kb() / 1024, 100)

    def test_content_length_upload(self):
        size = 64 << 20
        c = self.env.connect(timeout=60)
        c.send(req("PUT /cl HTTP/1.1", H, f"Content-Length: {size}"))
        block = b"z" * (1 << 20)
        for _ in range(64):
            c.send(block)
        echo = c.response().json()
        self.assertEqual(echo["body_size"], size)
        self.assertFalse(echo["chunked"])
        c.close()


class ClosingUpstream:
    """A raw HTTP/1.1 origin that answers the first request on each connection with 200 (body
    "conn<N>"), keeps the connection open as far as the headers say, and `linger` seconds later
    closes it, first writing `farewell` (bytes nobody asked for, e.g. the 408 some servers send
    before closing an idle keep-alive connection). Every reuse of its connections is stale."""

    def __init__(self, linger, farewell=b""):
        self.linger, self.farewell = linger, farewell
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(c, self.accepted), daemon=True).start()

    def _serve(self, c, n):
        with c:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = c.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, rest = data.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(rest) < length:
                rest += c.recv(65536)
            body = f"conn{n}".encode()
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            time.sleep(self.linger)
            if self.farewell:
                c.sendall(self.farewell)

    def stop(self):
        self.listener.close()


class StaleUpstream(unittest.TestCase):
    """Pooled upstream connections the origin closed while idle (or right after its response)
    are never answered as 502 and never deliver the origin's farewell bytes as a response."""

    FAREWELL = b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    def run_case(self, linger, farewell):
        up = ClosingUpstream(linger, farewell)
        env = Env(upstream=up)
        try:
            c = env.connect()
            seen = set()
            for i in range(3):
                for raw in (req(f"GET /g{i} HTTP/1.1", H),
                            req(f"POST /p{i} HTTP/1.1", H, "Content-Length: 3", body=b"abc")):
                    c.send(raw)
                    r = c.response()
                    self.assertEqual(r.status, 200, raw)
                    self.assertTrue(r.body.startswith(b"conn"), r.body)
                    seen.add(r.body)
                    time.sleep(linger + 0.2)  # the origin closes the pooled connection meanwhile
            self.assertEqual(len(seen), 6, "every request went on a connection of its own")
            c.close()
        finally:
            env.close()
            up.stop()

    def test_closed_while_idle(self):
        self.run_case(0.1, b"")

    def test_unsolicited_bytes_while_idle(self):
        self.run_case(0.1, self.FAREWELL)

    def test_closed_right_after_response(self):
        self.run_case(0.0, b"")


class Shutdown(unittest.TestCase):
    def test_sigterm_drains_in_flight_then_exits(self):
        env = Env(["--drain-ms", "5000"])
        try:
            idle = env.connect()
            idle.send(req("GET /warm HTTP/1.1", H))
            self.assertEqual(idle.response().status, 200)
            result = {}

            def slow():
                result["resp"] = env.exchange(req("GET /sleep/1500 HTTP/1.1", H))

            t = threading.Thread(target=slow)
            t.start()
            time.sleep(0.4)
            os.kill(env.proxy.pid, signal.SIGTERM)
            self.assertTrue(idle.closed_by_peer(timeout=3), "idle keep-alive closed on drain")
            t.join(10)
            self.assertEqual(result["resp"].status, 200)
            self.assertEqual(result["resp"].header("connection"), "close")
            env.proxy.popen.wait(timeout=10)
            self.assertEqual(env.proxy.popen.returncode, 0)
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", env.port), timeout=2)
        finally:
            env.close()

    def test_drain_bound_aborts_stuck_requests(self):
        env = Env(["--drain-ms", "500", "--upstream-timeout-ms", "60000"])
        try:
            c = env.connect()
            c.send(req("GET /sleep/20000 HTTP/1.1", H))
            time.sleep(0.3)
            start = time.time()
            os.kill(env.proxy.pid, signal.SIGTERM)
            env.proxy.popen.wait(timeout=10)
            self.assertLess(time.time() - start, 5)
            c.close()
        finally:
            env.close()


if __name__ == "__main__":
    suite = sys.argv[1] if len(sys.argv) > 1 else None
    argv = [sys.argv[0]] + ([suite] if suite else [])
    unittest.main(argv=argv, verbosity=2)
