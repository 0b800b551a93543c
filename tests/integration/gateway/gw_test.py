"""Integration tests of `gw run`: real gw, real echo upstreams, real sockets.

Usage: gw_test.py SUITE   (Routing RoutingInterpreter Weights Auth Limits Headers Reload
                          AllConstructs Resilience Aot)
"""
import hashlib
import json
import os
import subprocess
import threading
import time

from gw_harness import (run_suite, Gateway, Signer, TempDir, Upstream, echoed_headers, fnv1a64, free_port,
                        request)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def routing(extra=()):
    a, b = Upstream(), Upstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
upstream b {{ server 127.0.0.1:{b.port} }}
route users {{ match {{ path prefix "/users" method [GET, HEAD] }} forward a }}
route orders {{ match {{ path prefix "/orders" }} forward b }}
route item {{ match {{ path "/items/{{id}}" method [PUT, DELETE] }} forward b }}
""")
    gw = Gateway(policy, extra)
    try:
        c = gw.conn()
        a0, b0 = a.count(), b.count()
        st, _, body = request(c, "GET", "/users/42?x=1")
        check(st == 200, f"users: {st}")
        check(json.loads(body)["path"] == "/users/42", body)
        check(json.loads(body)["query"] == "x=1", body)
        st, _, _ = request(c, "POST", "/orders")
        check(st == 200, f"orders: {st}")
        check(a.count() - a0 == 1 and b.count() - b0 == 1, "each route reached its upstream")
        st, h, body = request(c, "GET", "/nothing")
        check(st == 404, f"no route: {st}")
        check(json.loads(body)["status"] == 404, body)
        st, h, _ = request(c, "POST", "/users")
        check(st == 405, f"method: {st}")
        check(h.get("allow") == "GET, HEAD", f"allow: {h}")
        st, h, _ = request(c, "GET", "/items/7")
        check(st == 405 and h.get("allow") == "PUT, DELETE", f"template 405: {st} {h}")
        st, _, _ = request(c, "DELETE", "/items/7")
        check(st == 200, f"template: {st}")
        # Normalized before matching: /users/../orders is /orders.
        b1 = b.count()
        st, _, _ = request(c, "GET", "/users/../orders")
        check(st == 200 and b.count() == b1 + 1, "dot segments normalized before routing")
        st, body = gw.admin("GET", "/status")
        want = "interpreter" if "interpreter" in extra else "jit"
        check(json.loads(body)["backend"] == want, f"back end: {body}")
        c.close()
    finally:
        gw.stop()
        a.stop()
        b.stop()


def weights():
    a, b = Upstream(), Upstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
upstream b {{ server 127.0.0.1:{b.port} }}
route split {{ match {{ path prefix "/split" }} forward a 70%, b 30% }}
route sticky {{ match {{ path prefix "/sticky" }} forward a 50%, b 50% by request.header("X-User") }}
""")
    gw = Gateway(policy)
    try:
        c = gw.conn()
        a0, b0 = a.count(), b.count()
        n = 10000
        for _ in range(n):
            st, _, _ = request(c, "GET", "/split")
            check(st == 200, f"split: {st}")
        da, db = a.count() - a0, b.count() - b0
        check(da + db == n, f"{da}+{db}")
        check(abs(da / n - 0.70) < 0.03, f"70/30 split off: a={da} b={db}")
        # Sticky: hash(X-User) mod 10000 < 5000 -> a. Each user sends 5 requests.
        a0, b0 = a.count(), b.count()
        expect_a = 0
        for u in range(200):
            user = f"user-{u}"
            if fnv1a64(user) % 10000 < 5000:
                expect_a += 5
            for _ in range(5):
                st, _, _ = request(c, "GET", "/sticky", {"X-User": user})
                check(st == 200, f"sticky: {st}")
        check(a.count() - a0 == expect_a, f"sticky a={a.count() - a0} expected {expect_a}")
        check(b.count() - b0 == 1000 - expect_a, "sticky b")
        c.close()
    finally:
        gw.stop()
        a.stop()
        b.stop()


def auth():
    a = Upstream()
    tmp = TempDir()
    signer = Signer(tmp)
    keys = tmp.write("keys.csv", "key,subject,roles\nk-partner-1,partner-one,reader\n")
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
auth main jwt {{
  issuer "https://issuer.test"
  audience "gw-tests"
  public_key file "{signer.pub}"
  algorithms [RS256]
  cache 30s
}}
auth partners api_key {{ header "X-API-Key" keys file "{keys}" }}
route secure {{
  match {{ path prefix "/secure" }}
  authenticate main
  request {{ set header "X-User-ID" = auth.subject }}
  forward a
}}
route admin {{
  match {{ path prefix "/admin" }}
  authenticate main
  authorize {{ allow roles ["admin"] }}
  forward a
}}
route partner {{
  match {{ path prefix "/partner" }}
  authenticate partners or main
  request {{ set header "X-User-ID" = auth.subject }}
  forward a
}}
""")
    gw = Gateway(policy, ["--access-log", os.path.join(tmp.path, "access.log")])
    now = int(time.time())
    base = {"iss": "https://issuer.test", "aud": "gw-tests", "iat": now, "exp": now + 300}
    try:
        c = gw.conn()
        good = signer.token(dict(base, sub="alice", roles=["user"]))
        st, _, body = request(c, "GET", "/secure/x", {"Authorization": f"Bearer {good}",
                                                      "X-User-ID": "mallory",
                                                      "X_User_ID": "mallory"})
        check(st == 200, f"valid token: {st} {body}")
        hs = echoed_headers(body)
        check(hs.get("x-user-id") == ["alice"], f"X-User-ID from sub, forged one stripped: {hs}")
        check("x_user_id" not in hs, f"underscore spelling stripped: {hs}")
        st, h, _ = request(c, "GET", "/secure/x")
        check(st == 401, f"no token: {st}")
        check(h.get("www-authenticate") == 'Bearer realm="gw"', f"challenge: {h}")
        expired = signer.token(dict(base, sub="alice", exp=now - 600, iat=now - 900))
        for bad in (expired, "garbage.garbage.garbage", good[:-4] + "AAAA"):
            st, h, _ = request(c, "GET", "/secure/x", {"Authorization": f"Bearer {bad}"})
            check(st == 401, f"bad token: {st}")
            check(h.get("www-authenticate") == 'Bearer realm="gw", error="invalid_token"',
                  f"challenge: {h}")
        wrong_aud = signer.token(dict(base, sub="alice", aud="other"))
        st, _, _ = request(c, "GET", "/secure/x", {"Authorization": f"Bearer {wrong_aud}"})
        check(st == 401, f"wrong audience: {st}")
        st, _, body = request(c, "GET", "/admin/x", {"Authorization": f"Bearer {good}"})
        check(st == 403, f"authorize deny: {st}")
        check(b"roles" not in body and b"admin" not in body, "the rule is not sent to clients")
        admin = signer.token(dict(base, sub="root", roles=["admin"]))
        st, _, _ = request(c, "GET", "/admin/x", {"Authorization": f"Bearer {admin}"})
        check(st == 200, f"admin allowed: {st}")
        st, _, body = request(c, "GET", "/partner/x", {"X-API-Key": "k-partner-1"})
        check(st == 200, f"api key: {st}")
        check(echoed_headers(body).get("x-user-id") == ["partner-one"], body)
        st, _, _ = request(c, "GET", "/partner/x", {"X-API-Key": "wrong"})
        check(st == 401, f"unknown api key: {st}")
        st, _, _ = request(c, "GET", "/partner/x", {"Authorization": f"Bearer {good}"})
        check(st == 200, f"second provider: {st}")
        c.close()
    finally:
        gw.stop()
        a.stop()
    with open(os.path.join(tmp.path, "access.log")) as f:
        lines = [json.loads(x) for x in f if x.strip()]
    denies = [x for x in lines if x["status"] == 403]
    check(denies and denies[0].get("decision") == "deny" and denies[0].get("rule") == "default",
          f"deny rule logged: {denies}")
    check(any(x.get("subject") == "alice" for x in lines), "subject logged")


def limits():
    a = Upstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
gateway {{ limit global }}
upstream a {{ server 127.0.0.1:{a.port} }}
limit global token_bucket {{ key client.ip rate 1000/s burst 1000 }}
limit per_ip token_bucket {{ key client.ip rate 5/m burst 5 }}
route limited {{ match {{ path prefix "/limited" }} limit per_ip forward a }}
route open {{ match {{ path prefix "/open" }} forward a }}
""")
    gw = Gateway(policy)
    try:
        c = gw.conn()
        for i in range(5):
            st, h, _ = request(c, "GET", "/limited")
            check(st == 200, f"within limit: {st}")
            check(h.get("x-ratelimit-limit") == "5", f"limit header: {h}")
            check(h.get("x-ratelimit-remaining") == str(4 - i), f"remaining: {h}")
            check("x-ratelimit-reset" in h, "reset header")
        st, h, body = request(c, "GET", "/limited")
        check(st == 429, f"over limit: {st}")
        check(int(h.get("retry-after", "0")) >= 1, f"retry-after: {h}")
        check(h.get("x-ratelimit-remaining") == "0", f"remaining at 429: {h}")
        st, h, _ = request(c, "GET", "/open")
        check(st == 200, "other route unaffected")
        check(h.get("x-ratelimit-limit") == "1000", f"gateway limit headers: {h}")
        c.close()
    finally:
        gw.stop()
        a.stop()


def headers():
    a = Upstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
gateway {{ strip_headers ["X-Internal-*"] trusted_proxies [127.0.0.1/32] }}
upstream a {{ server 127.0.0.1:{a.port} }}
route r {{
  match {{ path prefix "/v2" }}
  request {{
    set header "X-Client" = client.ip
    remove header "X-Debug"
    rewrite path "/v2" => "/v1"
  }}
  response {{ set header "X-Served-By" = "gw" }}
  forward a
}}
""")
    gw = Gateway(policy)
    try:
        c = gw.conn()
        st, h, body = request(c, "GET", "/v2/orders/1", {
            "X-Internal-Token": "x", "X_Internal_Secret": "y", "x-internal-lower": "z",
            "X-Debug": "1", "X-Keep": "k", "X-Request-ID": "req-12345678",
            "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "X-Forwarded-For": "203.0.113.9"})
        check(st == 200, f"status {st}")
        j = json.loads(body)
        hs = echoed_headers(body)
        check(j["path"] == "/v1/orders/1", f"rewrite: {j['path']}")
        for n in ("x-internal-token", "x_internal_secret", "x-internal-lower", "x-debug"):
            check(n not in hs, f"{n} stripped: {hs}")
        check(hs.get("x-keep") == ["k"], "other headers kept")
        check(hs.get("x-request-id") == ["req-12345678"], f"request id kept: {hs}")
        check(h.get("x-request-id") == "req-12345678", f"request id echoed: {h}")
        tp = hs.get("traceparent", [""])[0]
        check(tp.startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-"), f"trace id kept: {tp}")
        check(hs.get("x-forwarded-for") == ["203.0.113.9, 127.0.0.1"], f"xff: {hs}")
        check(hs.get("x-client") == ["203.0.113.9"], f"client.ip via trusted proxy: {hs}")
        check(h.get("x-served-by") == "gw", f"response header: {h}")
        st, h, body = request(c, "GET", "/v2/x")
        check(len(h.get("x-request-id", "")) >= 16, f"request id generated: {h}")
        check(len(echoed_headers(body).get("traceparent", [""])[0]) == 55, "traceparent made")
        c.close()
    finally:
        gw.stop()
        a.stop()


def reload_suite():
    a, b = Upstream(), Upstream()
    tmp = TempDir()

    def policy(target):
        return f"""
upstream a {{ server 127.0.0.1:{a.port} }}
upstream b {{ server 127.0.0.1:{b.port} }}
limit per_ip token_bucket {{ key client.ip rate 3/m burst 3 }}
route r {{ match {{ path prefix "/" }} forward {target} }}
route lim {{ match {{ path prefix "/lim" }} limit per_ip forward a }}
"""
    path = tmp.write("p.gw", policy("a"))
    gw = Gateway(path)
    failures = []
    done = threading.Event()
    counts = {"ok": 0}

    def load():
        c = gw.conn()
        while not done.is_set():
            try:
                st, _, _ = request(c, "GET", "/x")
                if st != 200:
                    failures.append(st)
                counts["ok"] += 1
            except Exception as e:  # noqa: BLE001 - any failure fails the test
                failures.append(repr(e))
                c = gw.conn()
        c.close()

    threads = [threading.Thread(target=load) for _ in range(4)]
    try:
        c = gw.conn()
        for _ in range(3):
            check(request(c, "GET", "/lim")[0] == 200, "limit budget")
        check(request(c, "GET", "/lim")[0] == 429, "limit reached before reload")
        for t in threads:
            t.start()
        time.sleep(0.5)
        b0 = b.count()
        tmp.write("p.gw", policy("b"))  # inotify reload
        deadline = time.time() + 30
        while b.count() == b0 and time.time() < deadline:
            time.sleep(0.1)
        check(b.count() > b0, "file change reloaded the policy")
        os.kill(gw.pid, 1)  # SIGHUP reload of the same file
        time.sleep(0.5)
        st, body = gw.admin("POST", "/reload")
        check(st == 200, f"admin reload: {st} {body}")
        # A broken policy is rejected with its diagnostics; the old one keeps serving.
        tmp.write("p.gw", policy("nosuch"))
        time.sleep(1.0)
        st, body = gw.admin("POST", "/reload")
        check(st == 422 and b"nosuch" in body, f"bad reload rejected: {st} {body}")
        st, body = gw.admin("GET", "/status")
        status = json.loads(body)
        check(not status["last_reload"]["ok"]
              and any("nosuch" in d for d in status["last_reload"]["diagnostics"]),
              f"status shows the diagnostics: {status}")
        b1 = b.count()
        time.sleep(0.5)
        check(b.count() > b1, "old policy still serving after the rejected reload")
        check(request(c, "GET", "/lim")[0] == 429, "limit counters carried over the reloads")
        done.set()
        for t in threads:
            t.join()
        check(not failures, f"failed requests during reloads: {failures[:5]}")
        check(counts["ok"] > 100, f"load ran: {counts}")
        c.close()
    finally:
        done.set()
        gw.stop()
        a.stop()
        b.stop()


def all_constructs():
    """The constructs gw once refused to start on run: `aggregate`, `set` inside `body json` and
    active health checks of a TLS upstream (here a plain-HTTP server behind `tls`, so every
    probe's handshake fails and the server is marked unhealthy)."""
    a = Upstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
upstream t {{
  server 127.0.0.1:{a.port}
  tls {{ sni "a.test" }}
  health get "/h" every 1s
}}
route dash {{
  match {{ path "/bff" method GET }}
  aggregate {{ one = a "/x" }}
  response {{ compress [gzip] min 1kb }}
}}
route body {{
  match {{ path prefix "/b" }}
  request {{ body json {{ remove "x"; set "y" = request.path }} }}
  forward t
}}
""")
    gw = Gateway(policy)
    try:
        st, _, body = request(gw.conn(), "GET", "/bff")
        check(st == 200, f"aggregate answered: {st} {body!r}")
        check(json.loads(body)["one"]["path"] == "/x", f"the part's body under its name: {body!r}")
        deadline = time.time() + 15
        server = f"127.0.0.1:{a.port}"
        while gw.metrics().value("gw_upstream_healthy", upstream="t", server=server) != 0:
            check(time.time() < deadline, "the TLS health checks mark the plain server unhealthy")
            time.sleep(0.2)
    finally:
        gw.stop()
        a.stop()


def aot():
    """`gwc compile` writes a .gwo that carries the runtime configuration; gw serves it."""
    a = Upstream()
    tmp = TempDir()
    src = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
route r {{ match {{ path prefix "/r" method GET }} request {{ set header "X-Aot" = "yes" }} forward a }}
""")
    gwo = os.path.join(tmp.path, "p.gwo")
    subprocess.run([os.path.join(os.environ.get("GW_BIN_DIR", ""), "gwc"), "compile", src,
                    "-o", gwo], check=True, capture_output=True)
    gw = Gateway(gwo)
    try:
        c = gw.conn()
        st, _, body = request(c, "GET", "/r/1")
        check(st == 200 and echoed_headers(body).get("x-aot") == ["yes"], f"aot: {st} {body}")
        st, h, _ = request(c, "POST", "/r/1")
        check(st == 405 and h.get("allow") == "GET", f"aot 405: {st} {h}")
        st, body = gw.admin("GET", "/status")
        check(json.loads(body)["backend"] == "aot", f"back end: {body}")
        with open(gwo, "rb") as f:
            file_hash = hashlib.sha256(f.read()).hexdigest()
        check(json.loads(body)["source_hash"] == file_hash, f"a .gwo is named by its bytes: {body}")
        c.close()
    finally:
        gw.stop()
        a.stop()


def resilience():
    a = Upstream()
    tmp = TempDir()
    dead = free_port()
    policy = tmp.write("p.gw", f"""
upstream pair {{
  server 127.0.0.1:{dead}
  server 127.0.0.1:{a.port}
  retry 2 on [connect_error, 502, 503] backoff 1ms..5ms jitter
}}
upstream gone {{
  server 127.0.0.1:{dead}
  breaker failures 2 open 30s close_after 1
}}
route r {{ match {{ path prefix "/r" }} forward pair }}
upstream live {{
  server 127.0.0.1:{a.port}
  retry 2 on [503] backoff 1ms..2ms
}}
route s {{ match {{ path prefix "/status" }} forward live }}
route g {{ match {{ path prefix "/g" }} forward gone }}
upstream brief {{
  server 127.0.0.1:{a.port}
  idle_timeout 300ms
}}
route brief {{ match {{ path prefix "/brief" }} forward brief }}
route kept {{ match {{ path prefix "/kept" }} forward live }}
""")
    gw = Gateway(policy)
    try:
        c = gw.conn()
        # idle_timeout: a pooled connection idle for longer is not reused (the default, 30 s,
        # keeps it). The echo numbers the connections it accepted.
        def upstream_connection(path):
            st, _, body = request(c, "GET", path)
            check(st == 200, f"{path}: {st}")
            return json.loads(body)["connections"]
        for path, reused in (("/kept", True), ("/brief", False)):
            first = upstream_connection(path)
            time.sleep(1)
            second = upstream_connection(path)
            check((second == first) == reused,
                  f"{path}: connection {first} then {second}, reuse expected: {reused}")
        a0 = a.count()
        for _ in range(20):
            st, _, _ = request(c, "GET", "/r")
            check(st == 200, f"retried on the live server: {st}")
        check(a.count() - a0 == 20, "every request reached the live server once")
        st, body = gw.admin("GET", "/metrics")
        check(b"gw_retries_total " in body and b"gw_retries_total 0\n" not in body,
              f"retries counted: {body}")
        # A 503 is retried (on the same server: there is no other), then passed through.
        a0 = a.count()
        st, _, _ = request(c, "GET", "/status/503")
        check(st == 503, f"upstream 503 passed through after retries: {st}")
        check(a.count() - a0 == 3, f"1 attempt + 2 retries: {a.count() - a0}")
        a0 = a.count()
        st, _, _ = request(c, "GET", "/status/500")
        check(st == 500 and a.count() - a0 == 1, "500 is not retried")
        # Breaker: two connect failures open it; then 503 without connecting.
        for _ in range(2):
            st, _, _ = request(c, "GET", "/g")
            check(st == 502, f"connect refused: {st}")
        st, h, _ = request(c, "GET", "/g")
        check(st == 503, f"breaker open: {st}")
        check(int(h.get("retry-after", "0")) >= 1, f"retry-after: {h}")
        c.close()
    finally:
        gw.stop()
        a.stop()


SUITES = {"Resilience": resilience, "Aot": aot,
          "RoutingInterpreter": lambda: routing(["--backend", "interpreter"]), "Routing": routing, "Weights": weights, "Auth": auth, "Limits": limits,
          "Headers": headers, "Reload": reload_suite, "AllConstructs": all_constructs}

if __name__ == "__main__":
    run_suite(SUITES)
