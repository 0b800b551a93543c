"""Rate limiting end to end: real gw processes, real echo upstreams, a real redis-server.

Usage: ratelimit_test.py SUITE
  ExactLocal ExactRedis   N per window admits exactly N, Retry-After is right, the bucket refills
                          at its rate (token_bucket and sliding_window)
  KeysLocal KeysRedis     client IP, API-key header, auth.subject (JWT), route and global
                          constants, several limits on one route; keys are independent
  TwoInstances            two gw processes share one redis-server: one global limit, +-2%
  RedisDownAllow RedisDownDeny
                          redis killed, paused and restarted: on_store_error decides, nothing
                          hangs past the call timeout, enforcement resumes, /metrics and logs
  HeadersLocal HeadersRedis
                          X-RateLimit-*, RateLimit, RateLimit-Policy, Retry-After, the warn
                          header, on every response of a limited route (401 included)
  Reload                  counters survive a reload that keeps name and parameters (local and
                          redis), restart when the parameters change

tests/integration/gateway/gw_test.py (suite Limits) already covers one per-IP token bucket's
X-RateLimit-* headers and a gateway-level limit; this file does not repeat those checks.
"""
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateway"))
from gw_harness import run_suite, Gateway, Signer, TempDir, Upstream, request  # noqa: E402
from redis_proc import RedisServer  # noqa: E402


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


class Env:
    """An echo upstream, a temp dir and, for store redis, a redis-server; stops them all."""

    def __init__(self, store):
        self.store = store
        self.upstream = Upstream()
        self.tmp = TempDir()
        self.redis = RedisServer() if store == "redis" else None
        self.gateways = []

    def store_lines(self, on_error="allow"):
        if self.store == "local":
            return ""
        return f"store redis on_store_error {on_error}"

    def gateway_block(self, extra=""):
        redis = f'redis "redis://127.0.0.1:{self.redis.port}"' if self.redis else ""
        return f"gateway {{ {redis} {extra} }}"

    def start(self, policy_text, name="p.gw"):
        path = self.tmp.write(name, policy_text)
        gw = Gateway(path)
        self.gateways.append(gw)
        return gw

    def close(self):
        for gw in self.gateways:
            gw.stop()
        self.upstream.stop()
        if self.redis:
            self.redis.stop()


def get(conn, path, headers=None):
    return request(conn, "GET", path, headers)


def jwt_auth(signer):
    """An `auth main jwt` block trusting `signer`'s key."""
    return f"""auth main jwt {{
  issuer "https://issuer.test"
  audience "gw-tests"
  public_key file "{signer.pub}"
  algorithms [RS256]
}}"""


def check_retry_after(conn, path, retry_after, sent):
    """Retry-After is ceil(true wait) of the 429 just received for a request sent at `sent`
    (monotonic): still refused halfway to RA-1 s after sending (so RA is not too small; half, to
    stay clear of a loaded machine's latency), admitted RA s after the answer (not too large)."""
    answered = time.monotonic()
    if retry_after >= 2:
        time.sleep(max(0.0, sent + (retry_after - 1) / 2 - time.monotonic()))
        st, h, _ = get(conn, path)
        check(st == 429, f"{path}: admitted {time.monotonic() - sent:.2f}s after a 429 with "
                         f"Retry-After {retry_after}: {st} {h}")
    time.sleep(max(0.0, answered + retry_after + 0.05 - time.monotonic()))
    st, h, _ = get(conn, path)
    check(st == 200, f"{path}: refused {time.monotonic() - sent:.2f}s after a 429 with "
                     f"Retry-After {retry_after}: {st} {h}")


# ---- exactness ---------------------------------------------------------------------------------

def exactness(store):
    env = Env(store)
    s = env.store_lines()
    try:
        gw = env.start(f"""
{env.gateway_block()}
upstream a {{ server 127.0.0.1:{env.upstream.port} }}
limit tb_big token_bucket {{ key client.ip rate 20/m burst 20 {s} }}
limit sw_big sliding_window {{ key client.ip rate 20/m {s} }}
limit tb token_bucket {{ key client.ip rate 1/2s burst 3 {s} }}
limit sw sliding_window {{ key client.ip rate 3/2s {s} }}
route tb_big {{ match {{ path prefix "/tb_big" }} limit tb_big forward a }}
route sw_big {{ match {{ path prefix "/sw_big" }} limit sw_big forward a }}
route tb {{ match {{ path prefix "/tb" }} limit tb forward a }}
route sw {{ match {{ path prefix "/sw" }} limit sw forward a }}
""")
        c = gw.conn()
        # N per window: exactly N admitted, every later request refused.
        for path in ("/tb_big", "/sw_big"):
            statuses = [get(c, path)[0] for _ in range(30)]
            check(statuses == [200] * 20 + [429] * 10, f"{store} {path}: {statuses}")
            st, h, _ = get(c, path)
            check(st == 429 and int(h["retry-after"]) >= 1, f"{path} Retry-After: {h}")
        served = env.upstream.count()
        check(served == 40, f"{store}: only admitted requests reach the upstream: {served}")

        # token_bucket: 3 burst, one token per 2 s. The 4th is refused with Retry-After 2.
        statuses = [get(c, "/tb")[0] for _ in range(3)]
        check(statuses == [200, 200, 200], f"{store} /tb burst: {statuses}")
        sent = time.monotonic()
        st, h, _ = get(c, "/tb")
        check(st == 429 and h.get("retry-after") == "2", f"{store} /tb 429: {st} {h}")
        check_retry_after(c, "/tb", 2, sent)
        st, _, _ = get(c, "/tb")
        check(st == 429, f"{store} /tb: one token refilled, not two: {st}")
        # Refill at the configured rate: polling for 7 s admits the tokens of ~2, 4 and 6 s.
        admitted, t0 = 0, time.monotonic()
        while time.monotonic() - t0 < 7.0:
            admitted += get(c, "/tb")[0] == 200
            time.sleep(0.1)
        check(admitted == 3, f"{store} /tb refill: {admitted} admitted in 7 s at 1 per 2 s")

        # sliding_window 3 per 2 s: 3 admitted, then Retry-After is the true wait, rounded up.
        statuses = [get(c, "/sw")[0] for _ in range(3)]
        check(statuses == [200, 200, 200], f"{store} /sw: {statuses}")
        sent = time.monotonic()
        st, h, _ = get(c, "/sw")
        check(st == 429, f"{store} /sw 4th: {st}")
        ra = int(h["retry-after"])
        check(1 <= ra <= 4, f"{store} /sw Retry-After within two windows: {ra}")
        check_retry_after(c, "/sw", ra, sent)
        c.close()
    finally:
        env.close()


# ---- key kinds -----------------------------------------------------------------------------------

def keys(store):
    env = Env(store)
    s = env.store_lines()
    signer = Signer(env.tmp)
    try:
        gw = env.start(f"""
{env.gateway_block('trusted_proxies [127.0.0.1/32]')}
upstream a {{ server 127.0.0.1:{env.upstream.port} }}
{jwt_auth(signer)}
limit per_ip sliding_window {{ key client.ip rate 2/m {s} }}
limit per_key sliding_window {{ key request.header("X-API-Key") rate 2/m {s} }}
limit per_user sliding_window {{ key auth.subject rate 2/m {s} }}
limit everyone sliding_window {{ key "all" rate 3/m {s} }}
limit route_a token_bucket {{ key "route" rate 2/m burst 2 {s} }}
limit route_b token_bucket {{ key "route" rate 2/m burst 2 {s} }}
limit combo_ip token_bucket {{ key client.ip rate 3/m burst 3 {s} }}
limit combo_key token_bucket {{ key request.header("X-API-Key") rate 2/m burst 2 {s} }}
route ip {{ match {{ path prefix "/ip" }} limit per_ip forward a }}
route key {{ match {{ path prefix "/key" }} limit per_key forward a }}
route user {{ match {{ path prefix "/user" }} authenticate main limit per_user forward a }}
route all {{ match {{ path prefix "/all" }} limit everyone forward a }}
route ra {{ match {{ path prefix "/ra" }} limit route_a forward a }}
route rb {{ match {{ path prefix "/rb" }} limit route_b forward a }}
route combo {{ match {{ path prefix "/combo" }} limit combo_ip limit combo_key forward a }}
""")
        c = gw.conn()

        def run(path, headers, n):
            return [get(c, path, headers)[0] for _ in range(n)]

        ip1, ip2 = {"X-Forwarded-For": "203.0.113.1"}, {"X-Forwarded-For": "203.0.113.2"}
        check(run("/ip", ip1, 3) == [200, 200, 429], f"{store} per ip 1")
        check(run("/ip", ip2, 3) == [200, 200, 429], f"{store} per ip 2 independent")

        k1, k2 = {"X-API-Key": "key-one"}, {"X-API-Key": "key-two"}
        check(run("/key", k1, 3) == [200, 200, 429], f"{store} per key 1")
        check(run("/key", dict(k2, **ip1), 3) == [200, 200, 429], f"{store} per key 2")

        now = int(time.time())
        base = {"iss": "https://issuer.test", "aud": "gw-tests", "iat": now, "exp": now + 300}
        alice = {"Authorization": "Bearer " + signer.token(dict(base, sub="alice"))}
        bob = {"Authorization": "Bearer " + signer.token(dict(base, sub="bob"))}
        bad = {"Authorization": "Bearer " + signer.token(dict(base, sub="alice", aud="other"))}
        # Identity-keyed limits run after authentication: refused credentials spend nothing.
        check(run("/user", bad, 4) == [401] * 4, f"{store} bad token is 401, not counted")
        check(run("/user", alice, 3) == [200, 200, 429], f"{store} per subject alice")
        check(run("/user", bob, 3) == [200, 200, 429], f"{store} per subject bob independent")

        check(run("/all", ip1, 2) + run("/all", ip2, 2) == [200, 200, 200, 429],
              f"{store} a constant key is one global count across clients")

        check(run("/ra", ip1, 1) + run("/ra", ip2, 2) == [200, 200, 429], f"{store} route a")
        check(run("/rb", ip1, 3) == [200, 200, 429], f"{store} route b has its own count")

        # Two limits on one route: each counts its own key (every applicable limit counts the
        # request), the most restrictive one is what the X-RateLimit-* fields describe.
        st, h, _ = get(c, "/combo", dict(k1, **ip1))
        check(st == 200 and h["x-ratelimit-limit"] == "2" and h["x-ratelimit-remaining"] == "1",
              f"{store} combo first: {st} {h}")
        check(h["ratelimit-policy"] == "2;w=60, 3;w=60", f"{store} combo policies: {h}")
        st, h, _ = get(c, "/combo", dict(k1, **ip1))
        check(st == 200 and h["x-ratelimit-remaining"] == "0", f"{store} combo 2nd: {h}")
        st, h, _ = get(c, "/combo", dict(k2, **ip1))
        check(st == 200 and h["x-ratelimit-limit"] == "3" and h["x-ratelimit-remaining"] == "0",
              f"{store} combo: a new key, the IP's last token: {st} {h}")
        st, h, _ = get(c, "/combo", dict(k2, **ip1))
        check(st == 429 and h["x-ratelimit-limit"] == "3", f"{store} combo: ip exhausted: {h}")
        st, h, _ = get(c, "/combo", dict(k1, **ip2))
        check(st == 429 and h["x-ratelimit-limit"] == "2", f"{store} combo: key exhausted: {h}")
        st, h, _ = get(c, "/combo", dict(k2, **ip2))
        check(st == 429 and h["x-ratelimit-limit"] == "2",
              f"{store} combo: the refused request still counted for key two: {st} {h}")
        st, h, _ = get(c, "/combo", {"X-API-Key": "key-three", **ip2})
        check(st == 200, f"{store} combo: fresh key on an ip with tokens left: {st} {h}")
        if store == "redis":
            # The route's two Redis limits go out together: one socket write per request.
            before = gw.metrics()
            for _ in range(5):
                get(c, "/combo", dict(k1, **ip1))
            after = gw.metrics()
            wrote, decided = (after.need(n) - before.need(n) for n in
                              ("gw_limit_redis_writes_total", "gw_limit_redis_decisions_total"))
            check(decided == 10 and wrote == 5,
                  f"two limits per request in one write: {decided} decisions, {wrote} writes")
        c.close()

        if store == "redis":
            names = env.redis.cli("--scan", "--pattern", "gw:rl:*").split()
            check("gw:rl:{per_key:key-one}:sw" in names, f"redis keys: {names}")
            check("gw:rl:{per_user:alice}:sw" in names, f"redis keys: {names}")
            check("gw:rl:{combo_ip:203.0.113.1}:tb" in names, f"redis keys: {names}")
            check(all(re.fullmatch(r"gw:rl:\{[^{}]+\}:(tb|sw)", n) for n in names),
                  f"every key carries one hash tag: {names}")
            ttl = int(env.redis.cli("PTTL", "gw:rl:{per_ip:203.0.113.1}:sw"))
            check(0 < ttl <= 121000, f"keys expire on their own: pttl {ttl}")
        ms = gw.metrics()
        decisions = lambda result: ms.need("gw_limit_decisions_total",  # noqa: E731
                                           limit="per_user", store=store, result=result)
        check(decisions("allowed") == 4, "metrics allowed")
        check(decisions("limited") == 2, "metrics limited")
        check(ms.need("gw_limit_quota", limit="everyone") == 3, "metrics quota")
        if store == "local":
            check(ms.need("gw_limit_keys", limit="per_ip") == 2, "tracked keys")
        else:
            check(ms.need("gw_limit_redis_available") == 1, "redis available")
            check(ms.need("gw_limit_redis_decisions_total") >= 30, "redis decisions")
    finally:
        env.close()


# ---- two instances, one redis ------------------------------------------------------------------

def two_instances():
    env = Env("redis")
    s = env.store_lines()
    try:
        text = f"""
{env.gateway_block()}
upstream a {{ server 127.0.0.1:{env.upstream.port} }}
limit g_sw sliding_window {{ key "global" rate 400/m {s} }}
limit g_tb token_bucket {{ key "global" rate 400/h burst 400 {s} }}
route sw {{ match {{ path prefix "/sw" }} limit g_sw forward a }}
route tb {{ match {{ path prefix "/tb" }} limit g_tb forward a }}
"""
        gws = [env.start(text, "one.gw"), env.start(text, "two.gw")]
        for path in ("/sw", "/tb"):
            results = []
            lock = threading.Lock()
            per_thread = 150  # 8 threads x 150 = 1200 offered against a limit of 400

            def load(gw):
                c = gw.conn()
                mine = []
                for _ in range(per_thread):
                    mine.append(get(c, path)[0])
                c.close()
                with lock:
                    results.extend(mine)

            threads = [threading.Thread(target=load, args=(gws[i % 2],)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            admitted = results.count(200)
            check(len(results) == 1200 and set(results) <= {200, 429}, f"{path}: {set(results)}")
            check(392 <= admitted <= 408, f"{path}: {admitted} admitted across two gateways, "
                                          "limit 400 (+-2%)")
            for gw in gws:
                ms = gw.metrics()
                check(ms.need("gw_limit_redis_fallback_allow_total") == 0, "no fallbacks")
        print(f"two instances: admitted exactly within the limit of 400 on both algorithms")
    finally:
        env.close()


# ---- redis outages -----------------------------------------------------------------------------

def redis_down(on_error):
    env = Env("redis")
    try:
        gw = env.start(f"""
{env.gateway_block()}
upstream a {{ server 127.0.0.1:{env.upstream.port} }}
limit shared token_bucket {{ key client.ip rate 3/m burst 3 {env.store_lines(on_error)} }}
route r {{ match {{ path prefix "/r" }} limit shared forward a }}
route open {{ match {{ path prefix "/open" }} forward a }}
""")
        c = gw.conn()

        def timed(n):
            out = []
            for _ in range(n):
                t0 = time.monotonic()
                st, h, _ = get(c, "/r")
                out.append((st, h, time.monotonic() - t0))
            return out

        def enforcing():
            statuses = [st for st, _, _ in timed(4)]
            return statuses == [200, 200, 200, 429]

        check(enforcing(), f"{on_error}: enforced before the outage")

        def outage(label):
            answers = timed(6)
            for st, h, dt in answers:
                check(dt < 1.0, f"{label}: a request took {dt:.2f}s (call timeout 100 ms)")
                if on_error == "allow":
                    check(st == 200 and h["x-ratelimit-remaining"] == "3",
                          f"{label}: allow admits with the full quota shown: {st} {h}")
                else:
                    check(st == 429 and h["retry-after"] == "1",
                          f"{label}: deny refuses with Retry-After 1: {st} {h}")
            check(get(c, "/open")[0] == 200, f"{label}: unlimited routes are unaffected")
            check(gw.popen.poll() is None, f"{label}: gw still running")

        def wait_available():
            deadline = time.time() + 15
            while time.time() < deadline:
                if gw.metrics().need("gw_limit_redis_available") == 1:
                    return
                get(c, "/open")
                time.sleep(0.2)
            raise AssertionError(f"{on_error}: redis not available again: {gw.metrics().text}")

        # 1. Crash: the connection closes, calls fail at once.
        env.redis.kill()
        outage("killed")
        ms = gw.metrics()
        check(ms.need("gw_limit_redis_available") == 0, "metrics show the outage")
        fb = "fallback_allowed" if on_error == "allow" else "fallback_denied"
        check(ms.need("gw_limit_decisions_total", limit="shared", store="redis", result=fb) >= 6,
              "fallbacks counted")
        redis_metric = ("gw_limit_redis_fallback_allow_total" if on_error == "allow"
                        else "gw_limit_redis_fallback_deny_total")
        check(ms.need(redis_metric) >= 6, "store fallbacks counted")
        # 2. Back on the same port (empty): reconnection is automatic, enforcement resumes.
        env.redis.restart()
        wait_available()
        check(enforcing(), f"{on_error}: enforced again after the restart")
        # 3. Wedged: the server stops answering; every call ends at its timeout.
        env.redis.pause()
        outage("paused")
        env.redis.resume()
        wait_available()
        check(timed(1)[0][0] == 429, f"{on_error}: counts kept across the pause")
        c.close()
        gw.stop()
        gw._drain.join(timeout=10)
        log = "".join(gw.stderr_lines)
        down = log.count("unavailable (")
        up = log.count("available again")
        check(down == 2 and up == 2, f"one log line per state change (2 outages): {log}")
    finally:
        env.close()


# ---- headers -----------------------------------------------------------------------------------

def headers(store):
    env = Env(store)
    s = env.store_lines()
    signer = Signer(env.tmp)
    try:
        gw = env.start(f"""
{env.gateway_block()}
upstream a {{ server 127.0.0.1:{env.upstream.port} }}
{jwt_auth(signer)}
limit warned sliding_window {{ key client.ip rate 4/m warn 50% {s} }}
limit bucket token_bucket {{ key client.ip rate 2/m burst 4 {s} }}
route w {{ match {{ path prefix "/w" }} limit warned forward a }}
route b {{ match {{ path prefix "/b" }} limit bucket forward a }}
route secured {{ match {{ path prefix "/s" }} limit bucket authenticate main forward a }}
""")
        c = gw.conn()
        for i in range(4):
            st, h, _ = get(c, "/w")
            check(st == 200, f"{store} /w {i}: {st}")
            remaining = 3 - i
            check(h["x-ratelimit-limit"] == "4" and h["x-ratelimit-remaining"] == str(remaining),
                  f"{store} X-RateLimit-*: {h}")
            reset = int(h["x-ratelimit-reset"])
            check(1 <= reset <= 120, f"{store} reset within two windows: {h}")
            check(h["ratelimit"] == f"limit=4, remaining={remaining}, reset={reset}",
                  f"{store} RateLimit: {h}")
            check(h["ratelimit-policy"] == "4;w=60", f"{store} RateLimit-Policy: {h}")
            used = (i + 1) * 25
            if used >= 50:
                check(h.get("x-ratelimit-warning") == f"{used}% of quota used",
                      f"{store} warning from 50%: {h}")
            else:
                check("x-ratelimit-warning" not in h, f"{store} no warning below 50%: {h}")
            check("retry-after" not in h, f"{store} no Retry-After on 200: {h}")
        st, h, body = get(c, "/w")
        check(st == 429 and h["x-ratelimit-remaining"] == "0" and int(h["retry-after"]) >= 1,
              f"{store} 429: {st} {h}")
        check(h["ratelimit"].startswith("limit=4, remaining=0, reset="), f"{store} 429: {h}")
        check(h.get("x-ratelimit-warning") == "100% of quota used", f"{store} 429 warns: {h}")

        st, h, _ = get(c, "/b")
        check(st == 200 and h["ratelimit-policy"] == "2;w=60;burst=4", f"{store} burst: {h}")
        check(h["x-ratelimit-limit"] == "4" and h["x-ratelimit-remaining"] == "3", f"{h}")
        # Every response of a limited route carries the fields, a 401 included.
        st, h, _ = get(c, "/s")
        check(st == 401 and h["x-ratelimit-remaining"] == "2" and "ratelimit" in h,
              f"{store} 401 carries the fields: {st} {h}")
        c.close()
    finally:
        env.close()


# ---- reload ------------------------------------------------------------------------------------

def reload_suite():
    env = Env("redis")
    s = env.store_lines()
    try:
        def policy(local_rate, warn):
            return f"""
{env.gateway_block()}
upstream a {{ server 127.0.0.1:{env.upstream.port} }}
limit loc token_bucket {{ key client.ip rate {local_rate} burst 2 warn {warn} }}
limit shared sliding_window {{ key client.ip rate 2/m warn {warn} {s} }}
route l {{ match {{ path prefix "/l" }} limit loc forward a }}
route r {{ match {{ path prefix "/r" }} limit shared forward a }}
"""
        gw = env.start(policy("2/m", "50%"))
        c = gw.conn()

        def reload(text):
            env.tmp.write("p.gw", text)
            st, body = gw.admin("POST", "/reload")
            check(st == 200, f"reload: {st} {body}")

        for path in ("/l", "/r"):
            check([get(c, path)[0] for _ in range(3)] == [200, 200, 429], f"{path} before")
        reload(policy("2/m", "90%"))  # only `warn` changed: the counters carry over
        for path in ("/l", "/r"):
            check(get(c, path)[0] == 429, f"{path}: counters survive a reload")
        reload(policy("3/m", "90%"))  # the local limit's rate changed: it starts afresh
        check(get(c, "/l")[0] == 200, "a changed local limit starts from zero")
        check(get(c, "/r")[0] == 429, "the unchanged shared limit keeps its count")
        os.kill(gw.pid, 1)  # SIGHUP: the same policy again
        time.sleep(1.0)
        check(get(c, "/r")[0] == 429, "counters survive a SIGHUP reload")
        st, h, _ = get(c, "/l")
        check(st == 200 and h["x-ratelimit-remaining"] == "0", f"local count kept: {st} {h}")
        c.close()
    finally:
        env.close()


SUITES = {
    "ExactLocal": lambda: exactness("local"),
    "ExactRedis": lambda: exactness("redis"),
    "KeysLocal": lambda: keys("local"),
    "KeysRedis": lambda: keys("redis"),
    "TwoInstances": two_instances,
    "RedisDownAllow": lambda: redis_down("allow"),
    "RedisDownDeny": lambda: redis_down("deny"),
    "HeadersLocal": lambda: headers("local"),
    "HeadersRedis": lambda: headers("redis"),
    "Reload": reload_suite,
}

if __name__ == "__main__":
    run_suite(SUITES)
