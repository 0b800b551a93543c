"""The classic check for every algorithm x key kind x store, and across two instances.

Usage: matrix_test.py SUITE
  MatrixLocal    one gw, store local
  MatrixRedis    two gw processes sharing one redis-server, requests alternating between them

For token_bucket and sliding_window, and each key kind (client IP, API-key header,
auth.subject, route.name, a constant/global key, and the composite keys
tuple(request.header("X-API-Key"), client.ip) and tuple(auth.subject, route.name)), a limit of 2 per
minute admits exactly 2 requests of one client, refuses the 3rd with 429 and the right headers
(Retry-After, X-RateLimit-*, RateLimit, RateLimit-Policy), and counts another value of the key
on its own. A composite key shows each part limited independently: the same API key from
another address, or another API key from the same address, has its own count.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ratelimit_test import Env, check, get, jwt_auth  # noqa: E402
from gw_harness import run_suite, Signer  # noqa: E402

ALGORITHMS = {"tb": "token_bucket", "sw": "sliding_window"}
# kind: (key expression, needs authentication, routes it is applied in)
KINDS = {
    "ip": ("client.ip", False, 1),
    "key": ('request.header("X-API-Key")', False, 1),
    "user": ("auth.subject", True, 1),
    "route": ("route.name", False, 2),
    "global": ('"all"', False, 1),
    "keyip": ('tuple(request.header("X-API-Key"), client.ip)', False, 1),
    "userroute": ("tuple(auth.subject, route.name)", True, 2),
}


def policy(env, signer):
    s = env.store_lines()
    lines = [env.gateway_block("trusted_proxies [127.0.0.1/32]"),
             f"upstream a {{ server 127.0.0.1:{env.upstream.port} }}", jwt_auth(signer)]
    for a, alg in ALGORITHMS.items():
        for kind, (key, auth, routes) in KINDS.items():
            rate = "rate 2/m burst 2" if a == "tb" else "rate 2/m"
            lines.append(f"limit {a}_{kind} {alg} {{ key {key} {rate} {s} }}")
            for r in range(routes):
                name = f"{a}_{kind}_{r}"
                authn = "authenticate main" if auth else ""
                lines.append(f'route {name} {{ match {{ path prefix "/{name}" }} {authn} '
                             f"limit {a}_{kind} forward a }}")
    return "\n".join(lines) + "\n"


class Clients:
    """Request headers for distinct clients: (address, API key, subject) triples."""

    def __init__(self, signer):
        now = int(time.time())
        base = {"iss": "https://issuer.test", "aud": "gw-tests", "iat": now, "exp": now + 300}
        self.tokens = {sub: signer.token(dict(base, sub=sub)) for sub in ("alice", "bob")}

    def headers(self, ip="203.0.113.1", key="key-one", sub="alice"):
        return {"X-Forwarded-For": ip, "X-API-Key": key,
                "Authorization": "Bearer " + self.tokens[sub]}


def expect(send, path, headers, statuses, label):
    """Sends len(statuses) requests; checks statuses and the limit's headers on each."""
    for i, want in enumerate(statuses):
        st, h, _ = send(path, headers)
        check(st == want, f"{label}: request {i + 1} got {st}, want {want}: {h}")
        check(h.get("x-ratelimit-limit") == "2", f"{label}: X-RateLimit-Limit {h}")
        check(h.get("ratelimit-policy") == "2;w=60", f"{label}: RateLimit-Policy {h}")
        remaining = h.get("x-ratelimit-remaining")
        check(h.get("ratelimit", "").startswith(f"limit=2, remaining={remaining}, reset="),
              f"{label}: RateLimit {h}")
        if want == 429:
            check(remaining == "0" and int(h.get("retry-after", "0")) >= 1,
                  f"{label}: 429 needs Retry-After and remaining 0: {h}")
        else:
            check(remaining is not None and "retry-after" not in h, f"{label}: 200 headers {h}")


def classic(send, c, a, label):
    """The per-kind checks for algorithm prefix `a`."""
    A = c.headers()
    ip2, key2, bob = c.headers(ip="203.0.113.2"), c.headers(key="key-two"), c.headers(sub="bob")
    both2 = c.headers(ip="203.0.113.2", key="key-two", sub="bob")
    p = lambda kind, r=0: f"/{a}_{kind}_{r}"  # noqa: E731

    expect(send, p("ip"), A, [200, 200, 429], f"{label} ip")
    expect(send, p("ip"), ip2, [200], f"{label} ip: another address counts on its own")
    expect(send, p("key"), A, [200, 200, 429], f"{label} key")
    expect(send, p("key"), key2, [200], f"{label} key: another API key counts on its own")
    expect(send, p("user"), A, [200, 200, 429], f"{label} user")
    expect(send, p("user"), bob, [200], f"{label} user: another subject counts on its own")
    expect(send, p("route"), A, [200], f"{label} route")
    expect(send, p("route"), both2, [200, 429], f"{label} route: one count for every client")
    expect(send, p("route", 1), A, [200, 200, 429], f"{label} route: the other route's own count")
    expect(send, p("global"), A, [200], f"{label} global")
    expect(send, p("global"), both2, [200, 429], f"{label} global: one count for everyone")
    # Composite [API key, client IP]: each part independent.
    expect(send, p("keyip"), A, [200, 200, 429], f"{label} key+ip")
    expect(send, p("keyip"), ip2, [200, 200, 429], f"{label} key+ip: same key, other address")
    expect(send, p("keyip"), key2, [200, 200, 429], f"{label} key+ip: other key, same address")
    # Composite [subject, route]: one limit applied in two routes counts per user per route.
    expect(send, p("userroute"), A, [200, 200, 429], f"{label} user+route")
    expect(send, p("userroute", 1), A, [200, 200, 429], f"{label} user+route: other route")
    expect(send, p("userroute"), bob, [200, 200, 429], f"{label} user+route: other user")


def matrix(store):
    env = Env(store)
    signer = Signer(env.tmp)
    try:
        text = policy(env, signer)
        gws = [env.start(text, "one.gw")]
        if store == "redis":
            gws.append(env.start(text, "two.gw"))
        conns = [gw.conn() for gw in gws]
        turn = [0]

        def send(path, headers):  # alternate between the instances
            conn = conns[turn[0] % len(conns)]
            turn[0] += 1
            return get(conn, path, headers)

        c = Clients(signer)
        for a in ALGORITHMS:
            classic(send, c, a, f"{store} {ALGORITHMS[a]}")
        for conn in conns:
            conn.close()
        if store == "redis":
            names = env.redis.cli("--scan", "--pattern", "gw:rl:*").split()
            # Netstring parts inside the hash tag: per (API key, address) and per (user, route).
            for want in ("gw:rl:{tb_keyip:7:key-one,11:203.0.113.1,}:tb",
                         "gw:rl:{sw_userroute:5:alice,14:sw_userroute_1,}:sw"):
                check(want in names, f"redis key {want} missing: {names}")
            check(all(re.fullmatch(r"gw:rl:\{[^{}]+\}:(tb|sw)", n) for n in names),
                  f"every key carries one hash tag: {names}")
            for gw in gws:
                check(gw.metrics().need("gw_limit_redis_fallback_allow_total") == 0,
                      "no fallbacks")
        else:
            check(gws[0].metrics().need("gw_limit_keys", limit="tb_keyip") == 3,
                  "3 composite keys tracked")
        print(f"{store}: 2 algorithms x {len(KINDS)} key kinds on {len(gws)} instance(s)")
    finally:
        env.close()


SUITES = {"MatrixLocal": lambda: matrix("local"), "MatrixRedis": lambda: matrix("redis")}

if __name__ == "__main__":
    run_suite(SUITES)
