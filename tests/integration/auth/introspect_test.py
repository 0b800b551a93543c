"""`introspect` (RFC 7662) in `gw run` with a real introspection server process: client
credentials, active answers cached up to their exp, inactive ones briefly (both observed by
counting the calls on the server), the endpoint down -> 503 with a metric, not 401.

Usage: introspect_test.py Introspect
"""
import os
import time

from auth_harness import AuthServer, check, eventually, get, run_suite
from gw_harness import Gateway, TempDir, Upstream, echoed_headers


def introspect():
    tmp, a = TempDir(), Upstream()
    srv = AuthServer(tmp, "as")
    now = int(time.time())
    tokens = {
        "tok-active": {"json": {"active": True, "sub": "ivan", "exp": now + 600,
                                "scope": "orders:read", "roles": ["clerk"]}},
        "tok-inactive": {"json": {"active": False}},
    }
    srv.set_tokens(tokens)
    os.environ["GW_IT_INTROSPECT_SECRET"] = "s3cret"  # gw inherits it
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
auth sessions introspect {{
  endpoint "{srv.url('/introspect')}"
  client "gw" secret env "GW_IT_INTROSPECT_SECRET"
  cache 30s
}}
route orders {{
  match {{ path prefix "/orders" }}
  authenticate sessions
  authorize {{ allow when "orders:read" in auth.scopes }}
  request {{ set header "X-User-ID" = auth.subject }}
  forward a
}}
""")
    gw = None
    try:
        gw = Gateway(policy)
        for _ in range(5):
            st, _, body = get(gw, "/orders/1", "tok-active", {"X-User-ID": "mallory"})
            check(st == 200, f"active token: {st} {body}")
            check(echoed_headers(body).get("x-user-id") == ["ivan"], body)
            check("authorization" in echoed_headers(body), "the credential is forwarded as is")
        check(srv.count("introspect:tok-active") == 1,
              f"active answer cached: {srv.count('introspect:tok-active')} calls")

        for _ in range(3):
            st, h, _ = get(gw, "/orders/1", "tok-inactive")
            check(st == 401, f"inactive token: {st}")
            check(h.get("www-authenticate") == 'Bearer realm="gw", error="invalid_token"', h)
        check(srv.count("introspect:tok-inactive") == 1, "inactive answer cached briefly")
        time.sleep(5.5)  # inactive answers are kept 5 s
        check(get(gw, "/orders/1", "tok-inactive")[0] == 401, "still inactive")
        check(srv.count("introspect:tok-inactive") == 2, "asked again after the short TTL")

        short_exp = int(time.time()) + 3
        tokens["tok-short"] = {"json": {"active": True, "sub": "sam", "exp": short_exp}}
        srv.set_tokens(tokens)
        check(get(gw, "/orders/1", "tok-short")[0] == 403, "active, but no orders:read scope")
        check(get(gw, "/orders/1", "tok-short")[0] == 403, "again, from the cache")
        check(srv.count("introspect:tok-short") == 1, "one call")
        time.sleep(max(0.0, short_exp + 1.2 - time.time()))  # past its exp
        st, _, _ = get(gw, "/orders/1", "tok-short")
        check(st == 401, f"expired: {st}")
        check(srv.count("introspect:tok-short") == 2, "not cached beyond its exp")

        before = gw.metrics().total("gw_auth_unavailable_total")
        srv.stop()
        st, h, body = get(gw, "/orders/1", "tok-unknown-while-down")
        check(st == 503, f"endpoint down: {st} {body}")
        check("www-authenticate" not in h and h.get("retry-after"), f"503, not 401: {h}")
        check(gw.metrics().total("gw_auth_unavailable_total") == before + 1, "counted")
        check(gw.metrics().total("gw_auth_introspection_unavailable_total") == 1, "per provider too")
        check(gw.metrics().total("gw_auth_introspection_cache_hits_total") >= 4, "cache hits counted")
        check(get(gw, "/orders/1", "tok-active")[0] == 200, "cached answers still serve")
    finally:
        if gw:
            gw.stop()
        srv.stop()
        a.stop()


if __name__ == "__main__":
    run_suite({"Introspect": introspect})
