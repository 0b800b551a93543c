"""`jwks url` in `gw run` with real processes: gw, an echo upstream and a JWKS server that
rotates keys and goes down during the tests; tokens signed with openssl at test time.

Usage: jwks_test.py SUITE   (JwksUrl JwksRotation JwksUnreachable)
"""
import socket
import time

from auth_harness import (AUD, ISS, AuthServer, Key, check, claims, eventually, get,
                          run_suite)
from gw_harness import Gateway, TempDir, Upstream, echoed_headers


def jwks_policy(tmp, upstream, server, refresh, extra=""):
    return tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{upstream.port} }}
auth idp jwt {{
  issuer "{ISS}"
  audience "{AUD}"
  jwks url "{server.url('/jwks')}" refresh {refresh}
  algorithms [RS256, ES256]
  cache 30s
  {extra}
}}
route secure {{
  match {{ path prefix "/secure" }}
  authenticate idp
  request {{ set header "X-User-ID" = auth.subject }}
  forward a
}}
""")


def jwks_url():
    """Fetched before listening; a reload keeping the provider does not re-fetch; an unknown
    kid triggers one throttled re-fetch; a changed provider fetches once."""
    tmp, a = TempDir(), Upstream()
    k1, k2, k9 = Key(tmp, "RS256", "k1"), Key(tmp, "ES256", "k2"), Key(tmp, "RS256", "k9")
    idp = AuthServer(tmp, "idp")
    idp.set_jwks([k1])
    # refresh 60s: background refreshes stay out of the way; unknown-kid re-fetches are
    # throttled to one per refresh/10 = 6 s.
    policy = jwks_policy(tmp, a, idp, "60s")
    gw = None
    try:
        gw = Gateway(policy)
        started = time.time()
        check(idp.count("jwks") == 1, f"fetched once before listening: {idp.count('jwks')}")
        t1 = k1.token(claims("alice"))
        st, _, body = get(gw, "/secure/x", t1, {"X-User-ID": "mallory"})
        check(st == 200, f"k1 token: {st} {body}")
        check(echoed_headers(body).get("x-user-id") == ["alice"], body)

        st, body = gw.admin("POST", "/reload")
        check(st == 200, f"reload: {st} {body}")
        check(idp.count("jwks") == 1, "a reload keeping the provider does not re-fetch")
        check(get(gw, "/secure/x", t1)[0] == 200, "keys survive the reload")

        time.sleep(max(0.0, started + 6.5 - time.time()))  # out of the start fetch's window
        idp.set_jwks([k1, k2])
        t2 = k2.token(claims("bob"))
        st, h, _ = get(gw, "/secure/x", t2)
        check(st == 401 and 'error="invalid_token"' in h.get("www-authenticate", ""),
              f"unknown kid answered now, not waited for: {st} {h}")
        check(eventually(lambda: get(gw, "/secure/x", t2)[0] == 200, timeout=10),
              "the unknown kid re-fetch brought k2 in")
        check(idp.count("jwks") == 2, f"one re-fetch: {idp.count('jwks')}")
        t9 = k9.token(claims("eve"))
        for _ in range(20):
            check(get(gw, "/secure/x", t9)[0] == 401, "k9 is not served")
        time.sleep(0.5)
        check(idp.count("jwks") == 2, f"re-fetches are throttled: {idp.count('jwks')}")
        check(gw.metrics().total("gw_auth_jwks_refetch_requested_total") == 1, "one re-fetch counted")
        check(gw.metrics().total("gw_auth_jwks_refetch_throttled_total") >= 1, "throttling counted")

        tmp.write("p.gw", open(policy).read().replace("cache 30s", "cache 20s"))
        st, body = gw.admin("POST", "/reload")
        check(st == 200, f"reload with a changed provider: {st} {body}")
        check(idp.count("jwks") == 3, f"a changed provider fetches once: {idp.count('jwks')}")
        check(get(gw, "/secure/x", t2)[0] == 200, "k2 after the changed provider's fetch")
    finally:
        if gw:
            gw.stop()
        idp.stop()
        a.stop()


def jwks_rotation():
    """Rotation during the test: the new kid is served, the old one removed -> old tokens are
    rejected after the refresh even though their verdict was cached; the server down -> the
    stale keys keep working; back up -> fresh again; the provider removed by a reload -> its
    refresh loop stops."""
    tmp, a = TempDir(), Upstream()
    k1, k2 = Key(tmp, "RS256", "k1"), Key(tmp, "RS256", "k2")
    idp = AuthServer(tmp, "idp")
    idp.set_jwks([k1])
    gw = None
    try:
        policy = jwks_policy(tmp, a, idp, "2s")
        gw = Gateway(policy)
        t1 = k1.token(claims("alice"))
        check(get(gw, "/secure/x", t1)[0] == 200, "k1 before the rotation")
        check(get(gw, "/secure/x", t1)[0] == 200, "k1 again (now from the verdict cache)")
        idp.set_jwks([k2])
        check(eventually(lambda: get(gw, "/secure/x", t1)[0] == 401, timeout=15),
              "the cached k1 verdict was dropped when k1 left the key set")
        t2 = k2.token(claims("bob"))
        check(get(gw, "/secure/x", t2)[0] == 200, "k2 after the rotation")

        port = idp.port
        fetched = idp.count("jwks")
        idp.stop()
        check(eventually(lambda: any("serving the previous keys" in l for l in gw.stderr_lines),
                         timeout=15), f"stale serving logged: {gw.stderr_lines}")
        t2b = k2.token(claims("carol"))  # a new token: verified with the stale keys, not cached
        st, _, body = get(gw, "/secure/x", t2b)
        check(st == 200, f"stale keys keep working: {st} {body}")
        check(get(gw, "/secure/x", t1)[0] == 401, "the removed key stays removed")
        idp.start(port)
        check(eventually(lambda: any("available again" in l for l in gw.stderr_lines),
                         timeout=20), "recovery logged")
        check(idp.count("jwks") > fetched, "refreshing again")
        check(gw.metrics().total("gw_auth_jwks_rotations_total") >= 1, "rotation counted")
        check(gw.metrics().total("gw_auth_jwks_verdicts_invalidated_total") >= 1, "k1 verdict dropped")
        check(gw.metrics().total("gw_auth_jwks_stale_serving_total") >= 1, "stale serving counted")

        # A reload that drops the provider stops its refresh loop (no leaked fetchers).
        tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
route open {{ match {{ path prefix "/" }} forward a }}
""")
        st, body = gw.admin("POST", "/reload")
        check(st == 200, f"reload without the provider: {st} {body}")
        time.sleep(1.0)  # a fetch in flight at the reload may still land
        after = idp.count("jwks")
        time.sleep(5.0)  # refresh is 2 s: a live fetcher would have fetched twice by now
        check(idp.count("jwks") == after, f"fetcher stopped: {after} -> {idp.count('jwks')}")
    finally:
        if gw:
            gw.stop()
        idp.stop()
        a.stop()


def jwks_unreachable():
    """gw refuses to start when the first fetch of a `jwks url` fails (documented decision)."""
    tmp, a = TempDir(), Upstream()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now

    class Down:
        def url(self, path):
            return f"http://127.0.0.1:{port}{path}"
    try:
        gw = Gateway(jwks_policy(tmp, a, Down(), "1m"), expect_start=False)
        code, out, err = gw.wait_exit(timeout=60)
        check(code != 0, f"gw must refuse to start: {code} {out}")
        check("listening" not in out, f"no listener was opened: {out}")
        check(f"127.0.0.1:{port}/jwks" in err and "idp" in err, f"the message names it: {err}")
    finally:
        a.stop()


if __name__ == "__main__":
    run_suite({"JwksUrl": jwks_url, "JwksRotation": jwks_rotation,
               "JwksUnreachable": jwks_unreachable})
