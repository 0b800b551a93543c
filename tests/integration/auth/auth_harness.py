"""Helpers for the auth integration tests, on top of tests/integration/gateway/gw_harness.py:
a real authorization-server process (JWKS + RFC 7662 introspection, the same test server the
authnet unit tests use), JWKs made from openssl keys, and JWTs of every algorithm signed with
openssl at test time.
"""
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration", "gateway"))

from gw_harness import b64url, request, run_suite  # noqa: E402,F401  (b64url, run_suite: re-exported)

ISS, AUD = "https://issuer.test", "gw-tests"

AUTH_SERVER = os.path.join(ROOT, "tests", "unit", "authnet", "auth_test_server.py")


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


class AuthServer:
    """auth_test_server.py: GET /jwks serves <state>/jwks.json, POST /introspect answers from
    <state>/tokens.json (Basic gw:s3cret); <state>/counts.json counts every request."""

    def __init__(self, tmp, name, port=0):
        self.state = os.path.join(tmp.path, name)
        os.makedirs(self.state, exist_ok=True)
        self.port_file = os.path.join(self.state, "port")
        self.popen = None
        self.start(port)

    def start(self, port=0):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.popen = subprocess.Popen([sys.executable, AUTH_SERVER, "--port", str(port),
                                       "--port-file", self.port_file, "--state", self.state],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.popen.poll() is not None:
                raise RuntimeError("auth test server did not start")
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def stop(self):
        if self.popen and self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout=10)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, key):
        try:
            with open(os.path.join(self.state, "counts.json")) as f:
                return json.load(f).get(key, 0)
        except (OSError, ValueError):
            return 0

    def set_jwks(self, keys):
        self._write("jwks.json", json.dumps({"keys": [k.jwk() for k in keys]}))

    def set_tokens(self, tokens):
        self._write("tokens.json", json.dumps(tokens))

    def _write(self, name, text):
        p = os.path.join(self.state, name)
        with open(p + ".tmp", "w") as f:
            f.write(text)
        os.replace(p + ".tmp", p)


def _der_ecdsa_to_raw(der, size):
    """ASN.1 SEQUENCE { INTEGER r, INTEGER s } -> r || s, each `size` bytes (JWS form)."""
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 2 + (der[1] & 0x7F)
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        n = der[i + 1]
        v = der[i + 2:i + 2 + n].lstrip(b"\0")
        out += v.rjust(size, b"\0")
        i += 2 + n
    return out


class Key:
    """One signing key made with openssl: alg in RS*/PS*/ES*/EdDSA/HS*; `kid` names it."""

    CURVES = {"ES256": ("P-256", 32, "sha256"), "ES384": ("P-384", 48, "sha384"),
              "ES512": ("P-521", 66, "sha512")}

    def __init__(self, tmp, alg, kid):
        self.alg, self.kid = alg, kid
        self.path = os.path.join(tmp.path, f"{kid}.key")
        self.pub = os.path.join(tmp.path, f"{kid}.pub.pem")
        if alg.startswith("HS"):
            self.secret = os.urandom(64)
            with open(self.path, "wb") as f:
                f.write(self.secret)
            return
        if alg[:2] in ("RS", "PS"):
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", self.path)
        elif alg.startswith("ES"):
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                    f"ec_paramgen_curve:{self.CURVES[alg][0]}", "-out", self.path)
        else:
            openssl("genpkey", "-algorithm", "ED25519", "-out", self.path)
        openssl("pkey", "-in", self.path, "-pubout", "-out", self.pub)

    def jwk(self):
        base = {"kid": self.kid, "alg": self.alg, "use": "sig"}
        if self.alg.startswith("HS"):
            return dict(base, kty="oct", k=b64url(self.secret))
        if self.alg[:2] in ("RS", "PS"):
            mod = openssl("rsa", "-pubin", "-in", self.pub, "-modulus", "-noout").decode()
            n = bytes.fromhex(mod.strip().split("=", 1)[1])
            return dict(base, kty="RSA", n=b64url(n), e="AQAB")
        der = openssl("pkey", "-pubin", "-in", self.pub, "-outform", "DER")
        if self.alg == "EdDSA":
            return dict(base, kty="OKP", crv="Ed25519", x=b64url(der[-32:]))
        curve, size, _ = self.CURVES[self.alg]
        point = der[-(2 * size + 1):]  # uncompressed 04 || x || y ends the SPKI
        return dict(base, kty="EC", crv=curve, x=b64url(point[1:1 + size]),
                    y=b64url(point[1 + size:]))

    def sign(self, signing_input):
        bits = self.alg[2:]
        if self.alg.startswith("HS"):
            return hmac.new(self.secret, signing_input, getattr(hashlib, f"sha{bits}")).digest()
        if self.alg == "EdDSA":
            with open(self.path + ".in", "wb") as f:
                f.write(signing_input)
            return openssl("pkeyutl", "-sign", "-rawin", "-inkey", self.path,
                           "-in", self.path + ".in")
        if self.alg.startswith("ES"):
            _, size, digest = self.CURVES[self.alg]
            der = openssl("dgst", f"-{digest}", "-sign", self.path, data=signing_input)
            return _der_ecdsa_to_raw(der, size)
        extra = (["-sigopt", "rsa_padding_mode:pss", "-sigopt", f"rsa_pss_saltlen:{int(bits) // 8}"]
                 if self.alg.startswith("PS") else [])
        return openssl("dgst", f"-sha{bits}", "-sign", self.path, *extra, data=signing_input)

    def token(self, claims, header=None, kid=True):
        h = {"alg": self.alg, "typ": "JWT"}
        if kid:
            h["kid"] = self.kid
        h.update(header or {})
        signing_input = (b64url(json.dumps(h).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        return signing_input.decode() + "." + b64url(self.sign(signing_input))


def hs256_token(secret, claims, header=None):
    h = dict({"alg": "HS256", "typ": "JWT"}, **(header or {}))
    signing_input = (b64url(json.dumps(h).encode()) + "." + b64url(json.dumps(claims).encode()))
    sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(sig)


def eventually(cond, timeout=15.0, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def claims(sub, **extra):
    """Valid claims for ISS/AUD, ten minutes to live, overridable."""
    now = int(time.time())
    return dict({"iss": ISS, "aud": AUD, "sub": sub, "iat": now, "exp": now + 600}, **extra)


def get(gw, path, token=None, headers=None, method="GET"):
    """One request on a fresh connection; (status, headers, body)."""
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = f"Bearer {token}"
    c = gw.conn()
    try:
        return request(c, method, path, h)
    finally:
        c.close()
