"""Integration tests of TLS in `gw run`: real gw, real (TLS) echo upstreams, curl and Python's
ssl module as clients, certificates made with openssl at test time.

Usage: tls_test.py SUITE   (Termination Mtls Upstream Reload Health HandshakeTimeout)
"""
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateway"))
from gw_harness import run_suite, Gateway, TempDir, Upstream, echoed_headers, free_port  # noqa: E402
from tls_certs import PKI  # noqa: E402


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def curl(port, path, pki, host="a.test", extra=()):
    """curl over TLS to 127.0.0.1:port as `host`; returns (exit code, status, body, verbose)."""
    args = ["curl", "-sS", "-v", "--max-time", "10", "--cacert", pki.path("ca.crt"),
            "--resolve", f"{host}:{port}:127.0.0.1", "-o", "-", "-w", "\n%{http_code}",
            f"https://{host}:{port}{path}"] + list(extra)
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    out = r.stdout.decode(errors="replace")
    body, _, code = out.rpartition("\n")
    return r.returncode, int(code or 0), body, r.stderr.decode(errors="replace")


def client_cert(pki, name):
    return ["--cert", pki.path(name + ".crt"), "--key", pki.path(name + ".key")]


def tls_context(pki, cert=None):
    ctx = ssl.create_default_context(cafile=pki.path("ca.crt"))
    if cert:
        ctx.load_cert_chain(pki.path(cert + ".crt"), pki.path(cert + ".key"))
    return ctx


def peer_fingerprint(sock):
    import hashlib
    return hashlib.sha256(sock.getpeercert(binary_form=True)).hexdigest()


def subject_rfc2253(pki, name):
    out = subprocess.run(["openssl", "x509", "-in", pki.path(name + ".crt"), "-noout",
                          "-subject", "-nameopt", "RFC2253"], stdout=subprocess.PIPE,
                         check=True).stdout.decode().strip()
    return out.split("=", 1)[1].strip()


def status(gw):
    _, body = gw.admin("GET", "/status")
    return json.loads(body)


def start(tmp, render, count):
    """Renders the policy for `count` fresh listener ports (`listen` cannot say port 0) and
    starts gw on its own listeners; retries if another process took a port in between."""
    for attempt in range(3):
        policy = tmp.write("p.gw", render(*[free_port() for _ in range(count)]))
        try:
            return Gateway(policy, listen=None)
        except RuntimeError as e:
            if "cannot listen" not in str(e) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def setup():
    tmp = TempDir()
    return tmp, PKI(tmp.path).make()


def start_terminating(tmp, up, extra=""):
    """gw with one TLS listener (certificates a, then b by SNI) forwarding everything to `up`;
    `extra`: more settings of the listener's tls block."""
    return start(tmp, lambda port: f"""
gateway {{
  listen 127.0.0.1:{port} tls {{
    cert "a.crt"
    key "a.key"
    cert "b.crt"
    key "b.key"
    {extra}
  }}
}}
upstream u {{ server 127.0.0.1:{up.port} }}
route all {{ match {{ path prefix "/" }} forward u }}
""", 1)


def termination():
    tmp, pki = setup()
    up = Upstream()
    gw = start_terminating(tmp, up)
    try:
        port = gw.port
        # TLS 1.2 and TLS 1.3, certificate verified by curl against the test CA, ALPN http/1.1.
        for version, flags in (("TLSv1.2", ["--tlsv1.2", "--tls-max", "1.2"]),
                               ("TLSv1.3", ["--tlsv1.3"])):
            rc, code, body, verbose = curl(port, "/hello?x=1", pki, extra=flags)
            check(rc == 0 and code == 200, f"{version}: rc={rc} code={code} {verbose}")
            check(f"SSL connection using {version}" in verbose, f"{version}: {verbose}")
            check("ALPN: server accepted http/1.1" in verbose, f"ALPN: {verbose}")
            headers = echoed_headers(body)
            check(headers.get("x-forwarded-proto") == ["https"], f"proto: {headers}")
            check(json.loads(body)["path"] == "/hello", body)
        # Weak protocol versions are refused.
        rc, _, _, verbose = curl(port, "/", pki, extra=["--tlsv1.1", "--tls-max", "1.1"])
        check(rc != 0, f"TLS 1.1 must be refused: {verbose}")
        # SNI picks the certificate: b.test gets b's (curl verifies the name against it).
        rc, code, _, verbose = curl(port, "/", pki, host="b.test")
        check(rc == 0 and code == 200, f"SNI b.test: {rc} {code} {verbose}")
        check("CN=b" in verbose.replace(" ", ""), f"b.test certificate: {verbose}")
        rc, code, _, verbose = curl(port, "/", pki, host="www.a.test")
        check(rc == 0 and code == 200 and "CN=a" in verbose.replace(" ", ""), verbose)
        # An unknown name (and no SNI at all) gets the default, first certificate.
        ctx = tls_context(pki)
        ctx.check_hostname = False
        for name in ("unknown.test", None):
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with ctx.wrap_socket(raw, server_hostname=name) as s:
                    cn = dict(x[0] for x in s.getpeercert()["subject"])["commonName"]
                    check(cn == "a", f"default certificate for {name}: {cn}")
                    check(s.selected_alpn_protocol() is None, "no ALPN offered, none chosen")
        # Keep-alive over one TLS connection: several requests, one handshake.
        c = http.client.HTTPSConnection("127.0.0.1", port, context=tls_context(pki), timeout=10)
        for i in range(5):
            c.request("GET", f"/k/{i}")
            r = c.getresponse()
            check(r.status == 200, f"keep-alive {i}: {r.status}")
            r.read()
        sock = c.sock
        c.request("GET", "/k/last")
        c.getresponse().read()
        check(c.sock is sock, "the connection was kept alive")
        c.close()
        # Plain HTTP on the TLS port fails the handshake, is counted, logged, and gw lives on.
        before = gw.metrics().total("gw_tls_handshake_errors_total")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = s.recv(4096)
            check(not data.startswith(b"HTTP/"), f"no plaintext answer: {data[:40]}")
        # A client that connects and closes without a ClientHello.
        socket.create_connection(("127.0.0.1", port)).close()
        deadline = time.time() + 5
        while gw.metrics().total("gw_tls_handshake_errors_total") < before + 2:
            check(time.time() < deadline, "handshake errors counted in /metrics")
            time.sleep(0.05)
        check(any("tls handshake failed" in l for l in gw.stderr_lines), "failure logged")
        rc, code, _, _ = curl(port, "/", pki)
        check(rc == 0 and code == 200, "still serving after bad clients")
    finally:
        gw.stop()
        up.stop()


MTLS_POLICY = """
gateway {{
  listen 127.0.0.1:{p1} tls {{
    cert "a.crt"
    key "a.key"
    client_ca "ca.crt"
    client_auth required
  }}
  listen 127.0.0.1:{p2} tls {{
    cert "a.crt"
    key "a.key"
    client_ca "ca.crt"
  }}
  listen 127.0.0.1:{p3}
  strip_headers ["X-Client-*"]
}}
upstream u {{ server 127.0.0.1:{port} }}
auth certs mtls {{}}
route private {{
  match {{ path prefix "/private" }}
  authenticate certs
  authorize {{ allow when client.cert.subject == "{subject}" }}
  request {{
    set header "X-Client-Subject" = client.cert.subject
    set header "X-Client-Fingerprint" = client.cert.fingerprint
    set header "X-Auth-Subject" = auth.subject
    set header "X-Auth-Provider" = auth.provider
  }}
  forward u
}}
route billing {{
  match {{ path prefix "/billing" }}
  authorize {{ allow when client.cert.san contains "billing.internal" }}
  forward u
}}
route maybe {{
  match {{ path prefix "/maybe" }}
  authenticate certs optional
  authorize {{
    allow when request.path starts_with "/maybe/public"
    allow when auth.subject == "{subject}"
  }}
  request {{ set header "X-Auth-Subject" = auth.subject }}
  forward u
}}
"""


def mtls():
    tmp, pki = setup()
    up = Upstream()
    subject = subject_rfc2253(pki, "client")
    gw = start(tmp, lambda p1, p2, p3: MTLS_POLICY.format(port=up.port, subject=subject,
                                                          p1=p1, p2=p2, p3=p3), 3)
    try:
        required, optional, plain = gw.ports
        # Required: no certificate, no connection.
        rc, code, _, verbose = curl(required, "/private/x", pki)
        check(rc != 0 and code == 0, f"no client certificate must be refused: {rc} {code}")
        # A valid certificate: the policy sees its subject, SANs and fingerprint.
        for flags in (["--tlsv1.2", "--tls-max", "1.2"], ["--tlsv1.3"]):
            rc, code, body, verbose = curl(required, "/private/x", pki,
                                           extra=client_cert(pki, "client") + flags)
            check(rc == 0 and code == 200, f"valid client certificate: {rc} {code} {verbose}")
            h = echoed_headers(body)
            check(h.get("x-client-subject") == [subject], f"subject: {h}")
            check(h.get("x-auth-subject") == [subject], f"auth.subject: {h}")
            check(h.get("x-auth-provider") == ["certs"], f"auth.provider: {h}")
            check(h.get("x-client-fingerprint") == [pki.fingerprint("client")], f"fp: {h}")
        rc, code, _, _ = curl(required, "/billing/1", pki, extra=client_cert(pki, "client"))
        check(rc == 0 and code == 200, f"client.cert.san contains: {code}")
        # Expired and wrong-CA certificates are rejected in the handshake, with the reason logged.
        rc, code, _, _ = curl(required, "/private/x", pki, extra=client_cert(pki, "expired"))
        check(rc != 0 and code == 0, f"expired certificate must be refused: {rc} {code}")
        rc, code, _, _ = curl(required, "/private/x", pki, extra=client_cert(pki, "rogue"))
        check(rc != 0 and code == 0, f"wrong-CA certificate must be refused: {rc} {code}")
        time.sleep(0.3)
        log = "".join(gw.stderr_lines)
        check("certificate has expired" in log, f"expiry logged: {log}")
        # Optional: a certificate-less request gets through to `authorize`.
        rc, code, body, _ = curl(optional, "/maybe/public", pki)
        check(rc == 0 and code == 200, f"anonymous public: {rc} {code}")
        check("x-auth-subject" not in echoed_headers(body), body)
        rc, code, _, _ = curl(optional, "/maybe/secret", pki)
        check(rc == 0 and code in (401, 403), f"anonymous secret: {code}")
        rc, code, body, _ = curl(optional, "/maybe/secret", pki, extra=client_cert(pki, "client"))
        check(rc == 0 and code == 200, f"certificate on the optional listener: {code}")
        check(echoed_headers(body).get("x-auth-subject") == [subject], body)
        rc, code, body, verbose = curl(optional, "/private/x", pki)
        check(rc == 0 and code == 401, f"mtls provider without a certificate: {code}")
        # No HTTP challenge can ask for a TLS client certificate: no Bearer (or any) challenge,
        # the body says what is missing.
        check("www-authenticate" not in verbose.lower(), f"no challenge on mTLS-only: {verbose}")
        check(json.loads(body)["error"] == "client certificate required", body)
        # Optional still verifies a certificate that is sent.
        rc, code, _, _ = curl(optional, "/maybe/secret", pki, extra=client_cert(pki, "rogue"))
        check(rc != 0, "a wrong-CA certificate fails even when certificates are optional")
        # Plain HTTP listener: no certificate, 401; a forged header never reaches the policy.
        c = http.client.HTTPConnection("127.0.0.1", plain, timeout=10)
        c.request("GET", "/private/x", headers={"X-Client-Subject": subject,
                                                "Authorization": "Bearer abc"})
        r = c.getresponse()
        check(r.status == 401, f"plain listener: {r.status}")
        check(r.getheader("WWW-Authenticate") is None, f"no challenge: {r.getheaders()}")
        r.read()
        c.close()
    finally:
        gw.stop()
        up.stop()


def upstream_tls():
    tmp, pki = setup()
    tls_up = Upstream(["--tls", pki.path("upstream.crt"), pki.path("upstream.key")])
    local_up = Upstream(["--tls", pki.path("a.crt"), pki.path("a.key")])
    policy = tmp.write("p.gw", f"""
upstream secure {{
  server 127.0.0.1:{tls_up.port}
  tls {{
    ca "ca.crt"
    sni "upstream.test"
  }}
}}
upstream by_name {{
  server localhost:{local_up.port}
  tls {{ ca "ca.crt" }}
}}
upstream wrong_ca {{
  server 127.0.0.1:{tls_up.port}
  tls {{
    ca "rogue-ca.crt"
    sni "upstream.test"
  }}
}}
upstream wrong_name {{
  server 127.0.0.1:{tls_up.port}
  tls {{
    ca "ca.crt"
    sni "other.test"
  }}
}}
upstream plain_to_tls {{ server 127.0.0.1:{tls_up.port} }}
route secure {{ match {{ path prefix "/secure" }} forward secure }}
route by_name {{ match {{ path prefix "/by_name" }} forward by_name }}
route wrong_ca {{ match {{ path prefix "/wrong_ca" }} forward wrong_ca }}
route wrong_name {{ match {{ path prefix "/wrong_name" }} forward wrong_name }}
route plain {{ match {{ path prefix "/plain" }} forward plain_to_tls }}
""")
    gw = Gateway(policy)
    try:
        c = gw.conn()
        conns = set()
        for i in range(6):
            c.request("POST" if i % 2 else "GET", f"/secure/{i}", body=b"x" * (i * 1000))
            r = c.getresponse()
            body = r.read()
            check(r.status == 200, f"TLS upstream: {r.status} {body}")
            j = json.loads(body)
            check(j["tls_sni"] == "upstream.test", f"SNI sent: {j}")
            check(j["tls_version"] in ("TLSv1.2", "TLSv1.3"), j)
            check(j["body_size"] == i * 1000 and j["method"] == ("POST" if i % 2 else "GET"), j)
            conns.add(j["connections"])
        check(len(conns) == 1, f"pooled TLS connection reused: connections seen {conns}")
        c.request("GET", "/by_name/x")
        r = c.getresponse()
        j = json.loads(r.read())
        check(r.status == 200 and j["tls_sni"] == "localhost", f"SNI = server host: {j}")
        for path in ("/wrong_ca/x", "/wrong_name/x"):
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            check(r.status == 502, f"{path}: {r.status}")
            check(b"TLS handshake failed" in body, f"{path}: {body}")
        c.request("GET", "/plain/x")
        r = c.getresponse()
        body = r.read()
        check(r.status == 502, f"plain HTTP to a TLS upstream: {r.status} {body}")
        c.close()
        check(gw.metrics().total("gw_upstream_connect_failures_total") + gw.metrics().total("gw_upstream_failures_total") >= 3, "counted as upstream errors")
    finally:
        gw.stop()
        tls_up.stop()
        local_up.stop()


def reload_suite():
    tmp, pki = setup()
    up = Upstream()
    for ext in ("crt", "key"):  # the served files; a.* and a2.* stay as the sources
        with open(pki.path(f"a.{ext}")) as f:
            tmp.write(f"live.{ext}", f.read())
    gw = start(tmp, lambda port: f"""
gateway {{
  listen 127.0.0.1:{port} tls {{
    cert "live.crt"
    key "live.key"
  }}
}}
upstream u {{ server 127.0.0.1:{up.port} }}
route all {{ match {{ path prefix "/" }} forward u }}
""", 1)
    try:
        port = gw.port
        old_fp, new_fp = pki.fingerprint("a"), pki.fingerprint("a2")
        keep = http.client.HTTPSConnection("a.test", port, context=tls_context(pki), timeout=10)
        keep.sock = tls_context(pki).wrap_socket(
            socket.create_connection(("127.0.0.1", port)), server_hostname="a.test")
        keep.request("GET", "/before")
        check(keep.getresponse().read() and True, "keep-alive request before the reload")
        check(peer_fingerprint(keep.sock) == old_fp, "served the first certificate")
        sock = keep.sock

        def fresh_fingerprint():
            with socket.create_connection(("127.0.0.1", port)) as raw:
                with tls_context(pki).wrap_socket(raw, server_hostname="a.test") as s:
                    return peer_fingerprint(s)

        def replace(src):
            for ext in ("crt", "key"):
                with open(pki.path(f"{src}.{ext}")) as f:
                    tmp.write(f"live.{ext}", f.read())

        # 1. Replaced files are noticed by the file watcher (no signal).
        gen = int(status(gw)["version"])
        replace("a2")
        deadline = time.time() + 15
        while fresh_fingerprint() != new_fp:
            check(time.time() < deadline, "file change reloads the certificate")
            time.sleep(0.1)
        check(int(status(gw)["version"]) > gen, "a new generation")
        # The connection opened before the reload keeps working on its session.
        keep.request("GET", "/after")
        r = keep.getresponse()
        check(r.status == 200 and r.read(), "old keep-alive connection still served")
        check(keep.sock is sock and peer_fingerprint(keep.sock) == old_fp, "same connection")
        # 2. SIGHUP: back to the first certificate.
        replace("a")
        os.kill(gw.pid, signal.SIGHUP)
        deadline = time.time() + 15
        while fresh_fingerprint() != old_fp:
            check(time.time() < deadline, "SIGHUP reloads the certificate")
            time.sleep(0.1)
        # 3. A broken certificate file is rejected; the current one keeps serving.
        tmp.write("live.key", "not a key\n")
        st, body = gw.admin("POST", "/reload")
        check(st != 200 or not json.loads(body)["ok"], f"broken key rejected: {st} {body}")
        check(fresh_fingerprint() == old_fp, "the previous certificate keeps serving")
        keep.request("GET", "/last")
        r = keep.getresponse()
        check(r.status == 200 and r.read(), "old connection survives every reload")
        keep.close()
    finally:
        gw.stop()
        up.stop()


def upstream_get(pki, port, path):
    """GET over TLS straight to a TLS echo upstream (its control paths, /__mode and /__count)."""
    c = http.client.HTTPSConnection("127.0.0.1", port, timeout=10,
                                    context=_upstream_context(pki))
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        check(r.status == 200, f"upstream {port} {path}: {r.status} {body}")
        return json.loads(body)
    finally:
        c.close()


def _upstream_context(pki):
    ctx = tls_context(pki)
    ctx.check_hostname = False  # upstream.crt names upstream.test; the address is 127.0.0.1
    return ctx


def wait_log(gw, pattern, after, timeout=15):
    """Index of the first gw stderr line >= `after` matching `pattern`; fails after timeout."""
    rx = re.compile(pattern)
    deadline = time.time() + timeout
    while time.time() < deadline:
        lines = list(gw.stderr_lines)
        for i in range(after, len(lines)):
            if rx.search(lines[i]):
                return i
        time.sleep(0.05)
    raise AssertionError(f"no log line /{pattern}/ in {timeout}s:\n" + "".join(gw.stderr_lines))


def health_suite():
    """Active health checks of TLS upstreams: the probe handshakes with the upstream's own TLS
    settings (CA, SNI/name); a TLS server failing its checks is removed, and restored when it
    recovers; a server whose certificate does not verify is never healthy."""
    tmp, pki = setup()
    cert = ["--tls", pki.path("upstream.crt"), pki.path("upstream.key")]
    a, b, c = Upstream(cert), Upstream(cert), Upstream(cert)
    policy = tmp.write("p.gw", f"""
upstream secure {{
  server 127.0.0.1:{a.port}
  server 127.0.0.1:{b.port}
  health get "/health" every 200ms timeout 1s healthy 2 unhealthy 2
  tls {{
    ca "ca.crt"
    sni "upstream.test"
  }}
}}
upstream wrong_ca {{
  server 127.0.0.1:{c.port}
  health get "/health" every 200ms timeout 1s healthy 2 unhealthy 2
  tls {{
    ca "rogue-ca.crt"
    sni "upstream.test"
  }}
}}
upstream wrong_name {{
  server 127.0.0.1:{c.port}
  health get "/health" every 200ms timeout 1s healthy 2 unhealthy 2
  tls {{
    ca "ca.crt"
    sni "other.test"
  }}
}}
route secure {{ match {{ path prefix "/secure" }} forward secure }}
route wrong_ca {{ match {{ path prefix "/wrong_ca" }} forward wrong_ca }}
route wrong_name {{ match {{ path prefix "/wrong_name" }} forward wrong_name }}
""")
    gw = Gateway(policy)
    try:
        def statuses(n):
            return gw.statuses(n, "/secure/{}")

        # Probes pass over TLS (the echo speaks only TLS; plain HTTP would fail them): both
        # servers stay in, and the wrong CA / wrong name servers are marked down by their checks.
        for name in ("wrong_ca", "wrong_name"):
            wait_log(gw, rf"upstream {name} server 0 unavailable \(active_check_failed\)", 0)
            conn = gw.conn()
            conn.request("GET", f"/{name}/x")
            r = conn.getresponse()
            r.read()
            check(r.status == 503, f"{name}: no healthy server: {r.status}")
            conn.close()
        time.sleep(1)  # several probe rounds
        check(not any("upstream secure" in l for l in gw.stderr_lines),
              "verified servers pass their TLS checks: " + "".join(gw.stderr_lines))
        check(statuses(10) == [200] * 10, "both TLS servers serve")
        # Server a fails its health endpoint: removed by the active checks (not by traffic).
        mark = len(gw.stderr_lines)
        upstream_get(pki, a.port, "/__mode/status/503")
        wait_log(gw, r"upstream secure server 0 unavailable \(active_check_failed\)", mark)
        before = upstream_get(pki, b.port, "/__count")["count"]
        got = statuses(20)
        check(got == [200] * 20, f"an unhealthy TLS server receives no traffic: {got}")
        served_b = upstream_get(pki, b.port, "/__count")["count"] - before
        check(served_b >= 20, f"b served every request: {served_b}")
        # It recovers: restored by the checks, and traffic reaches it again.
        mark = len(gw.stderr_lines)
        upstream_get(pki, a.port, "/__mode/ok")
        wait_log(gw, r"upstream secure server 0 available \(active_check_passed\)", mark)
        before = upstream_get(pki, a.port, "/__count")["count"]
        check(statuses(20) == [200] * 20, "both serve again")
        served_a = upstream_get(pki, a.port, "/__count")["count"] - before
        check(served_a >= 8, f"the restored server gets traffic again: {served_a}")
        # Killed outright: connect failures remove it too; the route keeps answering from b.
        mark = len(gw.stderr_lines)
        a.stop()
        wait_log(gw, r"upstream secure server 0 unavailable", mark)
        check(statuses(10) == [200] * 10, "a dead TLS server receives no traffic")
    finally:
        gw.stop()
        for up in (a, b, c):
            up.stop()


HANDSHAKE_TIMEOUT = 1.5  # the listener's `handshake_timeout` below (default 10 s, docs/tls.md)


def handshake_timeout_suite():
    """Clients that open a TCP connection to the TLS listener and never finish the handshake
    (nothing sent, or a ClientHello cut short) are closed after the listener's
    `handshake_timeout`, counted and logged; clients that do handshake are served meanwhile."""
    tmp, pki = setup()
    up = Upstream()
    gw = start_terminating(tmp, up, "handshake_timeout 1500ms")
    try:
        port = gw.port
        before = gw.metrics().total("gw_tls_handshake_errors_total")
        silent = socket.create_connection(("127.0.0.1", port), timeout=60)
        # A TLS record header announcing a 512-byte ClientHello, then only its first bytes.
        partial = socket.create_connection(("127.0.0.1", port), timeout=60)
        partial.sendall(bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])
                        + os.urandom(20))
        opened = time.monotonic()
        closed = {}

        def wait_closed(name, sock):
            try:
                data = sock.recv(4096)
                while data:  # a TLS alert may precede the close
                    data = sock.recv(4096)
            except ConnectionResetError:
                pass
            closed[name] = time.monotonic() - opened

        threads = [threading.Thread(target=wait_closed, args=(n, s_))
                   for n, s_ in (("silent", silent), ("partial", partial))]
        for t in threads:
            t.start()
        # Meanwhile other clients handshake and are served, on new and kept-alive connections.
        keep = http.client.HTTPSConnection("127.0.0.1", port, context=tls_context(pki),
                                           timeout=10)
        served = 0
        while time.monotonic() - opened < HANDSHAKE_TIMEOUT + 2:
            rc, code, _, verbose = curl(port, "/during", pki)
            check(rc == 0 and code == 200, f"a new client is served meanwhile: {rc} {code}")
            keep.request("GET", "/keep")
            r = keep.getresponse()
            check(r.status == 200 and r.read(), "a kept-alive client is served meanwhile")
            served += 1
            time.sleep(0.2)
        for t in threads:
            t.join(timeout=30)
        for name in ("silent", "partial"):
            check(name in closed, f"{name}: gw closed the stalled connection")
            # Not before the timeout (the connection was given its time), and not long after.
            check(HANDSHAKE_TIMEOUT - 0.3 <= closed[name] <= HANDSHAKE_TIMEOUT + 15,
                  f"{name}: closed after {closed[name]:.1f}s, timeout {HANDSHAKE_TIMEOUT}s")
        print(f"stalled handshakes closed after {closed}; {served} rounds served meanwhile")
        silent.close()
        partial.close()
        deadline = time.time() + 5
        while gw.metrics().total("gw_tls_handshake_errors_total") < before + 2:
            check(time.time() < deadline, "timed-out handshakes counted in /metrics")
            time.sleep(0.05)
        check(any("handshake timeout" in l for l in gw.stderr_lines),
              "timeout logged: " + "".join(gw.stderr_lines))
        keep.request("GET", "/after")
        r = keep.getresponse()
        check(r.status == 200 and r.read(), "the kept-alive connection is still served")
        keep.close()
    finally:
        gw.stop()
        up.stop()


SUITES = {"Termination": termination, "Mtls": mtls, "Upstream": upstream_tls,
          "Reload": reload_suite, "Health": health_suite,
          "HandshakeTimeout": handshake_timeout_suite}

if __name__ == "__main__":
    run_suite(SUITES)
