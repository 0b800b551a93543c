"""Every JWT class of issue 7 end to end through `gw run`: a valid token of every algorithm
(signed with openssl at test time, keys served from a JWKS file), then expired, not yet valid,
wrong issuer/audience, bad signature, `alg: none` in every casing, HS256 signed with the RSA
public key, unknown kid, truncated, non-base64url, oversized, unknown `crit`, and missing or
malformed Authorization headers. (tests/integration/gateway suite Auth covers the api_key and
authorize basics; this suite covers the token classes.)

Usage: jwt_test.py JwtClasses
"""
import json

from auth_harness import AUD, ISS, Key, b64url, check, claims, get, hs256_token, run_suite
from gw_harness import Gateway, TempDir, Upstream, echoed_headers

ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
        "EdDSA", "HS256", "HS384", "HS512"]
INVALID = 'Bearer realm="gw", error="invalid_token"'


def unsigned(header, body):
    return b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(body).encode()) + "."


def jwt_classes():
    tmp, a = TempDir(), Upstream()
    keys = {alg: Key(tmp, alg, alg.lower()) for alg in ALGS}
    jwks = tmp.write("jwks.json", json.dumps({"keys": [k.jwk() for k in keys.values()]}))
    policy = tmp.write("p.gw", f"""
upstream a {{ server 127.0.0.1:{a.port} }}
auth idp jwt {{ issuer "{ISS}" audience ["other", "{AUD}"] jwks file "{jwks}" leeway 5s }}
auth cached jwt {{ issuer "{ISS}" audience "{AUD}" jwks file "{jwks}" cache 60s }}
route cached {{
  match {{ path prefix "/cached" }}
  authenticate cached
  forward a
}}
route secure {{
  match {{ path prefix "/secure" }}
  authenticate idp
  request {{ set header "X-User-ID" = auth.subject }}
  forward a
}}
""")
    gw = None
    try:
        gw = Gateway(policy)
        for alg, k in keys.items():
            st, _, body = get(gw, "/secure", k.token(claims(f"user-{alg}")))
            check(st == 200, f"valid {alg}: {st} {body}")
            check(echoed_headers(body).get("x-user-id") == [f"user-{alg}"], body)

        rs = keys["RS256"]
        good = rs.token(claims("alice"))
        pem = open(rs.pub, "rb").read()
        head, body, sig = good.split(".")
        bad = {
            "expired": rs.token(claims("alice", exp=1_000_000_000, iat=999_000_000)),
            "not yet valid": rs.token(claims("alice", nbf=4_000_000_000)),
            "wrong issuer": rs.token(claims("alice", iss="https://evil.test")),
            "wrong audience": rs.token(claims("alice", aud="someone-else")),
            "bad signature": f"{head}.{body}.{sig[:-6]}AAAAAA",
            "signature of another key": f"{head}.{body}.{keys['RS384'].token(claims('a')).split('.')[2]}",
            "HS256 with the RSA public key": hs256_token(pem, claims("alice"), {"kid": "rs256"}),
            "HS256 with the RSA public key, no kid": hs256_token(pem, claims("alice")),
            "unknown kid": rs.token(claims("alice"), {"kid": "nobody"}),
            "truncated": good[: len(good) // 2],
            "two segments": f"{head}.{body}",
            "non-base64url": f"{head}.{body}.{sig[:-4]}+/+/",  # b64token, not base64url
            "padded base64": f"{head}.{body}.{sig}==",
            "oversized": rs.token(claims("alice", pad="x" * 9000)),
            "unknown crit": rs.token(claims("alice"), {"crit": ["x-unknown"], "x-unknown": 1}),
            "payload not JSON": f"{head}.{b64url(b'not json')}.{sig}",
        }
        for casing in ("none", "None", "NONE", "nOnE"):
            bad[f"alg {casing}"] = unsigned({"alg": casing, "typ": "JWT"}, claims("alice"))
            bad[f"alg {casing} with kid"] = unsigned({"alg": casing, "kid": "rs256"},
                                                     claims("alice"))
        for name, token in bad.items():
            st, h, _ = get(gw, "/secure", token)
            check(st == 401, f"{name}: {st}")
            check(h.get("www-authenticate") == INVALID, f"{name}: challenge {h}")
        check(get(gw, "/secure", good)[0] == 200, "the good token still passes")

        st, h, _ = get(gw, "/secure")
        check(st == 401 and h.get("www-authenticate") == 'Bearer realm="gw"',
              f"missing Authorization: {st} {h}")
        for value in ("Bearer", "Bearer ", f"Bearer {good} extra", "Bearer a,b", f"Bearer {good[:-4]}*&%$"):
            st, h, _ = get(gw, "/secure", headers={"Authorization": value})
            check(st in (400, 401), f"malformed `{value[:20]}`: {st}")
            check("error=" in h.get("www-authenticate", ""), f"malformed: challenge {h}")
        st, h, _ = get(gw, "/secure", headers={"Authorization": "Bearer"})
        check(st == 400 and 'error="invalid_request"' in h.get("www-authenticate", ""),
              f"Bearer without a token is invalid_request: {st} {h}")
        # With a verdict cache the token's characters are checked on a miss only: a token one
        # byte away from a cached one is still refused, every time.
        check(get(gw, "/cached", good)[0] == 200, "cached: the good token passes (and is cached)")
        for byte in ('"', "*", "\\", ","):
            for _ in range(2):
                st, h, _ = get(gw, "/cached", headers={
                    "Authorization": f"Bearer {good[:100]}{byte}{good[101:]}"})
                check(st == 400 and 'error="invalid_request"' in h.get("www-authenticate", ""),
                      f"cached: a token with {byte!r} is invalid_request: {st} {h}")
        check(get(gw, "/cached", good)[0] == 200, "cached: the good token still passes")
        st, h, _ = get(gw, "/secure", headers={"Authorization": f"Basic {b64url(b'a:b')}"})
        check(st == 401 and h.get("www-authenticate") == 'Bearer realm="gw"',
              f"another scheme: no bearer credential presented: {st} {h}")
    finally:
        if gw:
            gw.stop()
        a.stop()


if __name__ == "__main__":
    run_suite({"JwtClasses": jwt_classes})
