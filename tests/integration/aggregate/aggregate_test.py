"""`aggregate` routes and `body json` `set` end to end: real gw, real upstream processes (the
echo upstream of tests/testlib and the body-transform upstream), http.client and curl.

Usage: aggregate_test.py SUITE
  Aggregate   two upstreams: the combined object, forwarded headers, encoded path values,
              keep-alive reuse, response edits and compression, metrics and the access log
  Failures    a failing part (status, non-JSON, too large, refused), a timeout, fail fast
  BodyJsonSet `set` in request and response `body json`, typed values, with the identity
  Partners    examples/partners starts under gw with a real redis-server and serves requests
  IdleTimeout an upstream's idle_timeout bounds the reuse of its pooled connections
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "gateway"))
sys.path.insert(0, os.path.join(HERE, "..", "ratelimit"))
from gw_harness import run_suite, Gateway, TempDir, Upstream, echoed_headers, free_port, request  # noqa: E402
from redis_proc import RedisServer  # noqa: E402

KEYS = """key,subject,roles
key-acme,partner-acme,partner admin
key-odd,a b/c?d,partner
key-dots,..,partner
"""


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


class PyUpstream:
    """tests/integration/transform/transform_upstream.py: /echo returns the request body."""

    def __init__(self):
        script = os.path.join(HERE, "..", "transform", "transform_upstream.py")
        self.popen = subprocess.Popen([sys.executable, script], stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL)
        self.port = int(self.popen.stdout.readline().decode().strip())

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            self.popen.wait(timeout=10)
        self.popen.stdout.close()


def aggregate_policy(a, b, tmp, log):
    keys = tmp.write("keys.csv", KEYS)
    return tmp.write("p.gw", f"""
gateway {{ strip_headers ["X-Internal-*"] access_log "{log}" }}
upstream a {{ server 127.0.0.1:{a.port} }}
upstream b {{ server 127.0.0.1:{b.port} }}
auth k api_key {{ header "X-API-Key" keys file "{keys}" }}
route dash {{
  match {{ path "/bff/{{id}}" method GET }}
  authenticate k
  request {{ set header "X-User" = auth.subject }}
  aggregate {{
    profile = a "/v1/users/{{auth.subject}}"
    orders = b "/v1/orders?user={{auth.subject}}&item={{id}}"
  }}
  response {{
    set header "X-Bff" = "yes"
    body json {{ set "meta.user" = auth.subject; remove "profile.count" }}
    compress [gzip] min 10b
  }}
}}
""")


def suite_aggregate():
    a, b, tmp = Upstream(), Upstream(), TempDir()
    log = os.path.join(tmp.path, "access.log")
    gw = Gateway(aggregate_policy(a, b, tmp, log))
    try:
        conn = gw.conn()
        headers = {"X-API-Key": "key-acme", "X-Request-ID": "req-agg-1", "Cookie": "s=1",
                   "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                   "X-Internal-Secret": "no", "If-None-Match": '"x"', "Accept": "text/html",
                   "Range": "bytes=0-1", "Accept-Encoding": "br"}
        st, h, body = request(conn, "GET", "/bff/42", headers)
        check(st == 200, f"aggregate: {st} {body!r}")
        check(h.get("content-type") == "application/json", h)
        check(h.get("x-bff") == "yes" and h.get("x-request-id") == "req-agg-1", h)
        check("content-encoding" not in h and "accept-encoding" in h.get("vary", "").lower(), h)
        doc = json.loads(body)
        check(list(doc) == ["profile", "orders", "meta"], f"members in part order: {list(doc)}")
        check(doc["meta"] == {"user": "partner-acme"}, doc["meta"])
        check("count" not in doc["profile"], "response body json edits the combined object")
        prof, orders = doc["profile"], doc["orders"]
        check(prof["method"] == "GET" and prof["path"] == "/v1/users/partner-acme", prof)
        check(orders["path"] == "/v1/orders" and orders["query"] == "user=partner-acme&item=42",
              orders)
        for part in (prof, orders):
            got = echoed_headers(json.dumps(part))
            check(got.get("x-user") == ["partner-acme"], f"identity header: {got}")
            check(got.get("x-api-key") == ["key-acme"] and got.get("cookie") == ["s=1"], got)
            check(got.get("x-request-id") == ["req-agg-1"], f"request id propagated: {got}")
            tp = got.get("traceparent", [""])[0]
            check(tp.startswith("00-0af7651916cd43dd8448eb211c80319c-") and
                  "b7ad6b7169203331" not in tp, f"trace id kept, new span: {tp}")
            check(got.get("accept") == ["application/json"], got)
            for gone in ("x-internal-secret", "if-none-match", "range", "accept-encoding",
                         "content-length", "transfer-encoding"):
                check(gone not in got, f"{gone} must not reach a part: {got}")
            check(got.get("x-forwarded-for") == ["127.0.0.1"], got)
        # Keep-alive: the parts' connections are reused by the next request.
        st, h, body = request(conn, "GET", "/bff/43", {"X-API-Key": "key-acme",
                                                       "Accept-Encoding": "gzip"})
        check(st == 200 and h.get("content-encoding") == "gzip", f"compressed: {st} {h}")
        doc = json.loads(gzip.decompress(body))
        check(doc["orders"]["query"].endswith("item=43"), doc["orders"])
        check(doc["profile"]["connections"] == 1 and doc["orders"]["connections"] == 1,
              f"pooled part connections: {doc['profile']['connections']}")
        # Inserted values are percent-encoded: one segment, one query value.
        st, h, body = request(conn, "GET", "/bff/7", {"X-API-Key": "key-odd"})
        check(st == 200, f"odd subject: {st} {body!r}")
        doc = json.loads(body)
        check(doc["profile"]["target"] == "/v1/users/a%20b%2Fc%3Fd", doc["profile"]["target"])
        check(doc["orders"]["query"] == "user=a%20b%2Fc%3Fd&item=7", doc["orders"]["query"])
        # A dot segment never reaches an upstream path.
        n_a = a.count()
        st, h, body = request(conn, "GET", "/bff/7", {"X-API-Key": "key-dots"})
        err = json.loads(body)
        check(st == 502 and err["part"] == "profile" and "dot segment" in err["reason"],
              f"dot segment: {st} {body!r}")
        check(a.count() == n_a, "nothing sent for a refused path")
        m = gw.metrics()
        check(m.need("gw_aggregate_parts_total", route="dash", part="profile", result="ok") == 3,
              "ok parts counted")
        check(m.need("gw_aggregate_parts_total", route="dash", part="profile",
                     result="bad_path") == 1, "bad path counted")
        check(m.need("gw_upstream_requests_total", upstream="b") == 3, "upstream series")
        conn.close()
    finally:
        gw.stop()
        a.stop()
        b.stop()
    lines = [json.loads(l) for l in open(log)]
    first = [l for l in lines if l["request_id"] == "req-agg-1"]
    check(len(first) == 1, f"one line per client request: {first}")
    parts = first[0]["parts"]
    check([p["part"] for p in parts] == ["profile", "orders"], parts)
    check(parts[0]["upstream"] == "a" and parts[0]["status"] == 200 and
          parts[0]["result"] == "ok" and parts[0]["upstream_addr"] == f"127.0.0.1:{a.port}", parts)
    check(first[0]["route"] == "dash" and first[0]["status"] == 200, first[0])
    bad = [l for l in lines if l["status"] == 502]
    check(len(bad) == 1 and bad[0]["decision"] == "error" and "profile" in bad[0]["rule"], bad)


def suite_failures():
    a, b, c, tmp = Upstream(), Upstream(), Upstream(), TempDir()
    dead = free_port()
    py = PyUpstream()
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
upstream b {{ server 127.0.0.1:{b.port} }}
upstream c {{ server 127.0.0.1:{c.port} }}
upstream py {{ server 127.0.0.1:{py.port} }}
upstream dead {{ server 127.0.0.1:{dead} connect_timeout 500ms }}
route status {{ match {{ path "/status" }} aggregate {{ ok = a "/x" bad = b "/status/500" }} }}
route notjson {{ match {{ path "/notjson" }} aggregate {{ ok = a "/x" bad = b "/bytes/10" }} }}
route big {{ match {{ path "/big" }} aggregate {{ ok = a "/x" bad = b "/bytes/2000000" }} }}
route refused {{ match {{ path "/refused" }} aggregate {{ ok = a "/x" bad = dead "/x" }} }}
route empty {{ match {{ path "/empty" }} aggregate {{ ok = a "/x" none = py "/nocontent" }} }}
route slow {{
  match {{ path "/slow" }}
  aggregate {{ ok = a "/x" late = b "/sleep/3000" }}
  timeout 400ms
}}
route failfast {{
  match {{ path "/failfast" }}
  aggregate {{ late = c "/sleep/3000" bad = a "/status/503" }}
}}
""")
    gw = Gateway(policy)
    try:
        conn = gw.conn()

        def expect(path, status, part, words):
            t0 = time.monotonic()
            st, h, body = request(conn, "GET", path, {"X-Request-ID": "rid-" + path[1:]})
            took = time.monotonic() - t0
            err = json.loads(body)
            check(st == status and err["status"] == status, f"{path}: {st} {body!r}")
            check(err["part"] == part and err["request_id"] == "rid-" + path[1:], err)
            check(err["error"] == "aggregate part failed" and words in err["reason"], err)
            return took

        expect("/status", 502, "bad", "answered 500")
        expect("/notjson", 502, "bad", "not JSON")
        expect("/big", 502, "bad", "exceeds 1 MiB")
        expect("/refused", 502, "bad", "unreachable")
        took = expect("/slow", 504, "late", "timeout")
        check(took < 2.5, f"the route timeout bounds the fan-out: {took:.2f}s")
        took = expect("/failfast", 502, "bad", "answered 503")
        check(took < 2.5, f"a failed part cancels the slow one: {took:.2f}s")
        st, h, body = request(conn, "GET", "/empty")
        doc = json.loads(body)
        check(st == 200 and doc["none"] is None and doc["ok"]["path"] == "/x", f"204: {body!r}")
        # The connection to the client stays usable after every failure.
        st, h, body = request(conn, "GET", "/status")
        check(st == 502, st)

        def parts(route, part, result):
            return gw.metrics().need("gw_aggregate_parts_total", route=route, part=part,
                                     result=result)

        check(parts("status", "bad", "status") == 2,
              "status counted")
        check(parts("notjson", "bad", "invalid_json") == 1, "invalid json")
        check(parts("big", "bad", "too_large") == 1,
              "too large")
        check(parts("refused", "bad", "connect_failed") == 1, "connect failed")
        check(parts("slow", "late", "timeout") == 1,
              "timeout")
        check(parts("failfast", "late", "cancelled") == 1, "cancelled")
        check(gw.metrics().need("gw_upstream_timeouts_total", upstream="b") == 1,
              "b timed out once")
        for name in ("gw_upstream_timeouts_total", "gw_upstream_failures_total"):
            check((gw.metrics().value(name, upstream="c") or 0) == 0,
                  f"a cancelled part is no verdict on its server: {name}")
        conn.close()
    finally:
        gw.stop()
        for proc in (a, b, c, py):
            proc.stop()


def suite_body_json_set():
    py, tmp = PyUpstream(), TempDir()
    keys = tmp.write("keys.csv", KEYS)
    policy = tmp.write("p.gw", f"""
upstream py {{ server 127.0.0.1:{py.port} }}
auth k api_key {{ header "X-API-Key" keys file "{keys}" }}
route edit {{
  match {{ path prefix "/echo" }}
  authenticate k
  request {{
    body json {{
      set "source" = "partner-api"
      set "owner.id" = auth.subject
      set "n" = 5
      set "admin" = "admin" in auth.roles
      set "client" = client.ip
      remove "secret"
    }}
  }}
  forward py
}}
route resp {{
  match {{ path "/json" }}
  authenticate k
  response {{
    body json {{ set "customer.name" = auth.subject; set "order" = 8; remove "secret" }}
  }}
  forward py
}}
""")
    gw = Gateway(policy)
    try:
        conn = gw.conn()
        sent = json.dumps({"n": 1, "secret": "x", "items": [1], "owner": {"since": 2020}})
        conn.request("POST", "/echo", body=sent, headers={"Content-Type": "application/json",
                                                          "X-API-Key": "key-acme"})
        r = conn.getresponse()
        doc = json.loads(r.read())
        got = json.loads(doc["body"])
        check(r.status == 200, r.status)
        check(got == {"n": 5, "items": [1], "owner": {"since": 2020, "id": "partner-acme"},
                      "source": "partner-api", "admin": True, "client": "127.0.0.1"},
              f"request set: {got}")
        check(list(got)[0] == "n", f"an existing member keeps its place: {list(got)}")
        conn.request("POST", "/echo", body=sent, headers={"Content-Type": "application/json",
                                                          "X-API-Key": "key-odd"})
        got = json.loads(json.loads(conn.getresponse().read())["body"])
        check(got["admin"] is False and got["owner"]["id"] == "a b/c?d", got)
        conn.request("POST", "/echo", body="{bad", headers={"Content-Type": "application/json",
                                                            "X-API-Key": "key-acme"})
        r = conn.getresponse()
        r.read()
        check(r.status == 400, f"invalid JSON with a set: {r.status}")
        st, h, body = request(conn, "GET", "/json", {"X-API-Key": "key-acme"})
        got = json.loads(body)
        check(st == 200 and got == {"order": 8, "customer_id": 42, "lines": [1, 2],
                                    "customer": {"name": "partner-acme"}}, f"response: {got}")
        check(h.get("content-length") == str(len(body)), h)
        conn.close()
    finally:
        gw.stop()
        py.stop()


def suite_partners():
    """examples/partners: addresses swapped for test processes, everything else as shipped."""
    ups, redis, tmp = [Upstream() for _ in range(5)], RedisServer(), TempDir()
    src = open(os.path.join(ROOT, "examples", "partners", "gateway.gw")).read()
    log = os.path.join(tmp.path, "partners.access.log")
    servers = iter(ups)
    text = re.sub(r"server 10\.0\.1\.\d+:8080", lambda m: f"server 127.0.0.1:{next(servers).port}",
                  src)
    text = text.replace("redis://127.0.0.1:6379/0", f"redis://127.0.0.1:{redis.port}/0")
    text = text.replace("/var/log/gw/partners.access.log", log)
    text = text.replace('health head "/ready"', 'health head "/x"')
    check("10.0.1." not in text and next(servers, None) is None, "every server replaced")
    shutil.copytree(os.path.join(ROOT, "examples", "partners", "keys"),
                    os.path.join(tmp.path, "keys"))
    policy = tmp.write("gateway.gw", text)
    gw = Gateway(policy)
    try:
        base = f"http://127.0.0.1:{gw.port}"
        key = "demo-partner-acme-key"

        def curl(*args):
            out = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", *args],
                                 capture_output=True, check=True, timeout=30).stdout.decode()
            body, _, code = out.rpartition("\n")
            return int(code), body

        code, body = curl("-H", "Host: partners.example.com", "-H", f"X-API-Key: {key}",
                          f"{base}/catalog/items")
        check(code == 200, f"catalog read: {code} {body}")
        got = echoed_headers(body)
        check(got.get("x-partner") == ["partner-acme"], got)
        code, body = curl("-H", "Host: partners.example.com", f"{base}/catalog/items")
        check(code == 401, f"no key: {code}")
        sent = b'{"items": [], "internal_flags": {"x": 1}}'
        code, body = curl("-X", "POST", "-H", "Host: partners.example.com",
                          "-H", "Content-Type: application/json", "-H", "X-Batch-Id: b-1",
                          "-H", f"X-API-Key: {key}", "--data-binary", sent.decode(),
                          f"{base}/catalog/import?dry_run=false")
        check(code == 200, f"bulk import: {code} {body}")
        expected = b'{"items":[],"source":"partner-api","partner":"partner-acme"}'
        doc = json.loads(body)
        check(doc["body_sha256"] == hashlib.sha256(expected).hexdigest() and
              doc["body_size"] == len(expected), f"the body json edits ran: {doc}")
    finally:
        gw.stop()
        for up in ups:
            up.stop()
        redis.stop()
    run = subprocess.run([os.path.join(os.environ.get("GW_BIN_DIR", ""), "gwc"), "test",
                          os.path.join(ROOT, "examples", "partners", "gateway.gw")],
                         capture_output=True, text=True, timeout=300)
    check(run.returncode == 0, f"gwc test examples/partners: {run.stdout} {run.stderr}")


def suite_idle_timeout():
    """An upstream's `idle_timeout` bounds how long its pooled connections are reused (forward
    and aggregate parts alike); without it the pool's default (30 s) keeps them."""
    short, long_, tmp = Upstream(), Upstream(), TempDir()
    policy = tmp.write("p.gw", f"""
upstream short {{ server 127.0.0.1:{short.port} idle_timeout 300ms }}
upstream long {{ server 127.0.0.1:{long_.port} }}
route s {{ match {{ path prefix "/s" }} forward short }}
route l {{ match {{ path prefix "/l" }} forward long }}
route a {{ match {{ path "/agg" }} aggregate {{ x = short "/x" }} }}
""")
    gw = Gateway(policy)  # one client connection: one worker, one pool
    try:
        conn = gw.conn()

        def connections(path):
            st, h, body = request(conn, "GET", path)
            check(st == 200, f"{path}: {st}")
            doc = json.loads(body)
            return doc["x"]["connections"] if path == "/agg" else doc["connections"]

        for path in ("/s", "/l", "/agg"):
            first = connections(path)
            check(connections(path) == first, f"{path}: reused at once")
            time.sleep(0.8)
            again = connections(path)
            if path == "/l":
                check(again == first, f"default idle time keeps the connection: {again}")
            else:
                check(again == first + 1, f"{path}: idle_timeout 300ms closed it: {first}->{again}")
        conn.close()
    finally:
        gw.stop()
        short.stop()
        long_.stop()


SUITES = {"Aggregate": suite_aggregate, "Failures": suite_failures,
          "BodyJsonSet": suite_body_json_set, "Partners": suite_partners,
          "IdleTimeout": suite_idle_timeout}

if __name__ == "__main__":
    run_suite(SUITES)
