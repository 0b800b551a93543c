"""`authenticate a or b`, `optional`, trusted identity headers and `gwc test` agreement, in
`gw run` with real processes.

Usage: combine_test.py SUITE   (Combine GwcTest)
"""
import os
import subprocess

from auth_harness import AUD, ISS, Key, check, claims, get, run_suite
from gw_harness import Gateway, TempDir, Upstream, echoed_headers

IDENTITY = ("x-user-id", "x-user-roles", "x_user_id")


def combine():
    tmp, a = TempDir(), Upstream()
    key = Key(tmp, "RS256", "k1")
    keys = tmp.write("keys.csv", "key,subject,roles\nk-partner-1,partner-one,reader\n")
    policy = tmp.write("p.gw", f"""
gateway {{ strip_headers ["X-User-*"] }}
upstream a {{ server 127.0.0.1:{a.port} }}
auth partners api_key {{ header "X-API-Key" keys file "{keys}" }}
auth idp jwt {{ issuer "{ISS}" audience "{AUD}" public_key file "{key.pub}" algorithms [RS256] }}
route either {{
  match {{ path prefix "/either" }}
  authenticate partners or idp
  request {{
    set header "X-User-ID" = auth.subject
    set header "X-Auth-Provider" = auth.provider
  }}
  forward a
}}
route opt {{
  match {{ path prefix "/opt" }}
  authenticate idp optional
  authorize {{
    allow when request.method == GET
    allow when auth.subject == "alice"
  }}
  request {{ set header "X-User-ID" = auth.subject }}
  forward a
}}
route keyonly {{ match {{ path prefix "/keyonly" }} authenticate partners forward a }}
route public {{ match {{ path prefix "/public" }} forward a }}
""")
    gw = None
    spoof = {"X-User-ID": "mallory", "X_User_ID": "mallory", "X-User-Roles": "admin"}
    try:
        gw = Gateway(policy)
        alice = key.token(claims("alice"), kid=False)
        st, _, body = get(gw, "/either", headers=dict(spoof, **{"X-API-Key": "k-partner-1"}))
        check(st == 200, f"first provider: {st}")
        hs = echoed_headers(body)
        check(hs.get("x-user-id") == ["partner-one"] and hs.get("x-auth-provider") == ["partners"],
              f"identity from the api key: {hs}")
        check("x_user_id" not in hs and "x-user-roles" not in hs, f"forged headers gone: {hs}")
        st, _, body = get(gw, "/either", alice, spoof)
        hs = echoed_headers(body)
        check(st == 200 and hs.get("x-user-id") == ["alice"] and
              hs.get("x-auth-provider") == ["idp"], f"second provider: {st} {hs}")
        # A wrong key but a valid token: the next provider decides.
        st, _, body = get(gw, "/either", alice, {"X-API-Key": "wrong"})
        check(st == 200 and echoed_headers(body).get("x-user-id") == ["alice"], f"or: {st}")
        st, h, _ = get(gw, "/either", None, {"X-API-Key": "wrong"})
        check(st == 401 and 'error="invalid_token"' in h.get("www-authenticate", ""),
              f"only a wrong key: {st} {h}")
        st, h, _ = get(gw, "/either", None, spoof)
        check(st == 401 and h.get("www-authenticate") == 'Bearer realm="gw"',
              f"nothing presented: no error code (RFC 6750 3.1): {st} {h}")
        st, h, _ = get(gw, "/either", None, {"Authorization": "Basic YWxpY2U6cHc="})
        check(st == 401, f"another scheme is no bearer credential: {st}")
        st, h, _ = get(gw, "/either", None, {"Authorization": "Bearer"})
        check(st == 400 and 'error="invalid_request"' in h.get("www-authenticate", ""),
              f"malformed Authorization: {st} {h}")

        # A route whose providers are all api_key challenges with `Key` (no RFC 6750 error
        # attribute, which is for bearer tokens), whether a key was missing or wrong.
        st, h, _ = get(gw, "/keyonly", None, spoof)
        check(st == 401 and h.get("www-authenticate") == 'Key realm="gw"',
              f"api_key route, nothing presented: Key challenge: {st} {h}")
        st, h, _ = get(gw, "/keyonly", None, {"X-API-Key": "wrong"})
        check(st == 401 and h.get("www-authenticate") == 'Key realm="gw"',
              f"api_key route, wrong key: Key challenge, no error attribute: {st} {h}")
        st, h, _ = get(gw, "/keyonly", alice)
        check(st == 401 and h.get("www-authenticate") == 'Key realm="gw"',
              f"api_key route ignores a bearer token: {st} {h}")
        st, _, body = get(gw, "/keyonly", None, {"X-API-Key": "k-partner-1"})
        check(st == 200, f"api_key route, good key: {st} {body}")

        # optional: anonymous requests reach authorize; a bad credential is still a 401.
        st, _, body = get(gw, "/opt", None, spoof)
        hs = echoed_headers(body)
        check(st == 200, f"anonymous GET allowed by authorize: {st}")
        check(not any(n in hs for n in IDENTITY), f"anonymous: no identity header: {hs}")
        st, _, body = get(gw, "/opt", None, spoof, method="POST")
        check(st == 403 and b"alice" not in body and b"request.method" not in body,
              f"anonymous POST denied, rule not sent: {st} {body}")
        st, _, _ = get(gw, "/opt", alice, method="POST")
        check(st == 200, f"alice may POST: {st}")
        st, _, _ = get(gw, "/opt", key.token(claims("bob"), kid=False), method="POST")
        check(st == 403, f"a valid identity not allowed: 403: {st}")
        st, _, _ = get(gw, "/opt", key.token(claims("alice", exp=1), kid=False), method="GET")
        check(st == 401, f"optional does not turn a bad credential into anonymous: {st}")

        st, _, body = get(gw, "/public", None, spoof)
        hs = echoed_headers(body)
        check(st == 200 and not any(n in hs for n in IDENTITY),
              f"identity headers are stripped on public routes too: {hs}")
    finally:
        if gw:
            gw.stop()
        a.stop()


# Each case: (name, method, path, token claims or None, expected status). The same list renders
# the policy's `test` blocks (run by `gwc test`) and the real requests sent through gw.
CASES = [
    ("reader lists orders", "GET", "/orders/1", {"sub": "rita", "roles": ["reader"]}, 200),
    ("reader cannot delete", "DELETE", "/orders/1", {"sub": "rita", "roles": ["reader"]}, 403),
    ("admin deletes", "DELETE", "/orders/1", {"sub": "ada", "roles": ["admin"]}, 200),
    ("banned admin is denied", "DELETE", "/orders/1", {"sub": "ada", "roles": ["admin", "banned"]},
     403),
    ("scope grants writes", "POST", "/orders", {"sub": "sam", "scope": "orders:write"}, 200),
    ("no scope, no writes", "POST", "/orders", {"sub": "sam", "scope": "orders:read"}, 403),
    ("no token", "GET", "/orders/1", None, 401),
    ("claims reach policies", "GET", "/reports/q1", {"sub": "tom", "dept": "finance"}, 200),
    ("other departments are denied", "GET", "/reports/q1", {"sub": "tom", "dept": "sales"}, 403),
    ("public catalog", "GET", "/catalog", None, 200),
]


def gwc_test():
    tmp, a = TempDir(), Upstream()
    key = Key(tmp, "RS256", "k1")
    tests = []
    for name, method, path, cl, status in CASES:
        jwt = ""
        if cl is not None:
            fields = ", ".join(f"{k}: {json_lit(v)}" for k, v in cl.items())
            jwt = f" jwt {{ {fields} }}"
        tests.append(f'test "{name}" {{\n  request {method} "http://api.test{path}"{jwt}\n'
                     f'  expect status {status}\n}}\n')
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
auth idp jwt {{ issuer "{ISS}" audience "{AUD}" public_key file "{key.pub}" algorithms [RS256] }}
policy order_access {{
  deny roles ["banned"]
  allow when request.method in [GET, HEAD]
  allow roles ["admin"]
  allow when request.method == POST and "orders:write" in auth.scopes
}}
route orders {{ match {{ path prefix "/orders" }} authenticate idp authorize order_access forward a }}
route reports {{
  match {{ path prefix "/reports" }}
  authenticate idp
  authorize {{ allow when auth.claims.dept == "finance" }}
  forward a
}}
route catalog {{ match {{ path prefix "/catalog" }} forward a }}
""" + "\n".join(tests))
    gwc = os.path.join(os.environ.get("GW_BIN_DIR", ""), "gwc")
    r = subprocess.run([gwc, "test", policy], capture_output=True, text=True)
    check(r.returncode == 0, f"gwc test must pass: {r.stdout} {r.stderr}")
    check(f"{len(CASES)} passed, 0 failed" in r.stdout, f"gwc test output: {r.stdout}")
    gw = None
    try:
        gw = Gateway(policy)
        for name, method, path, cl, status in CASES:
            token = key.token(claims(**cl), kid=False) if cl is not None else None
            st, _, body = get(gw, path, token, method=method)
            check(st == status, f"{name}: gw answered {st}, gwc test expects {status}: {body}")
    finally:
        if gw:
            gw.stop()
        a.stop()


def json_lit(v):
    if isinstance(v, list):
        return "[" + ", ".join(json_lit(x) for x in v) + "]"
    return '"' + str(v) + '"'


if __name__ == "__main__":
    run_suite({"Combine": combine, "GwcTest": gwc_test})
