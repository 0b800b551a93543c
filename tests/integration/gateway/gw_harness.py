"""Process helpers for the gw integration tests: echo upstreams, a gw process on a rendered
policy, keep-alive HTTP clients, JWTs signed with openssl at test time.

Every process binds port 0 and reports its port; every process is stopped by its PID.
"""
import base64
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BIN_DIR = os.environ.get("GW_BIN_DIR", "")


def _bin(name):
    return os.path.join(BIN_DIR, name)


def free_port():
    """A port the OS just handed out on 127.0.0.1 and nothing listens on now: for configs that
    cannot say port 0, and for a server that must refuse connections."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Upstream:
    """gw-echo-upstream: echoes the request as JSON; /__count tells how many it served."""

    def __init__(self, args=()):
        self.popen = subprocess.Popen([_bin("gw-echo-upstream")] + list(args),
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.port = int(self.popen.stdout.readline().decode().strip())
        self.pid = self.popen.pid

    def count(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__count", timeout=5) as r:
            return json.load(r)["count"]

    def stop(self):
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait()
        self.popen.stdout.close()


class Gateway:
    """`gw run POLICY --listen 127.0.0.1:0`; reads the bound port from its stdout.

    listen=None serves the policy's own `listen` lines instead (e.g. TLS listeners on port 0);
    `ports` lists every bound listener port in policy order, `port` is the last one.
    `env` adds to (or overrides) the test's environment."""

    def __init__(self, policy_path, extra=(), expect_start=True, listen="127.0.0.1:0", env=None):
        args = [_bin("gw"), "run", policy_path, "--threads", "2", "--admin", "127.0.0.1:0"]
        if listen is not None:
            args += ["--listen", listen]
        args += list(extra)
        self.popen = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env={**os.environ, **env} if env else None)
        self.pid = self.popen.pid
        self.port = None
        self.ports = []
        self.admin_port = None
        self.stderr_lines = []
        if not expect_start:
            return
        while self.port is None or self.admin_port is None:
            line = self.popen.stdout.readline().decode()
            if not line:
                err = self.popen.stderr.read().decode()
                raise RuntimeError(f"gw did not start: {err}")
            m = re.match(r"gw: (admin )?listening on .*:(\d+)$", line.strip())
            if m and m.group(1):
                self.admin_port = int(m.group(2))
            elif m:
                self.port = int(m.group(2))
                self.ports.append(self.port)
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self):
        for line in self.popen.stderr:
            self.stderr_lines.append(line.decode(errors="replace"))

    def wait_exit(self, timeout=30):
        code = self.popen.wait(timeout=timeout)
        out = self.popen.stdout.read().decode()
        err = self.popen.stderr.read().decode()
        return code, out, err

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def statuses(self, n, path):
        """The statuses of `n` GETs of `path.format(i)` (i = 0..n-1) on one keep-alive
        connection, in order: how the balancing tests see which servers are in."""
        conn = self.conn()
        out = []
        try:
            for i in range(n):
                conn.request("GET", path.format(i))
                r = conn.getresponse()
                r.read()
                out.append(r.status)
        finally:
            conn.close()
        return out

    def admin(self, method, path):
        c = http.client.HTTPConnection("127.0.0.1", self.admin_port, timeout=60)
        c.request(method, path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, body

    def metrics(self):
        """One scrape of the admin `/metrics`, parsed (see Metrics)."""
        status, body = self.admin("GET", "/metrics")
        if status != 200:
            raise AssertionError(f"/metrics: {status} {body!r}")
        return Metrics(body.decode())

    def stop(self):
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait()
        self.popen.stdout.close()
        text = "".join(self.stderr_lines)
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in text:
                raise AssertionError(f"gw: {text}")


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    """One scrape of gw's /metrics in the Prometheus text format. Parsing checks the format:
    every family typed at most once, every other non-comment line a well-formed sample."""

    def __init__(self, text):
        self.text = text
        self.samples = []  # (name, {label: value}, float), in scrape order
        typed = set()
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                family = line.split()[2]
                if family in typed:
                    raise AssertionError(f"family typed twice: {family}")
                typed.add(family)
                continue
            if not line or line.startswith("#"):
                continue
            m = _SAMPLE.match(line)
            if m is None:
                raise AssertionError(f"not a sample line: {line!r}")
            self.samples.append((m.group(1), dict(_LABEL.findall(m.group(2) or "")),
                                 float(m.group(3))))

    def series(self, name):
        """[(labels, value)] of every sample of `name`."""
        return [(labels, v) for n, labels, v in self.samples if n == name]

    def value(self, name, **labels):
        """The sample of `name` with exactly these labels, or None when there is none."""
        for got, v in self.series(name):
            if got == labels:
                return v
        return None

    def need(self, name, **labels):
        """Like value(), but a missing sample fails with the whole scrape in the message."""
        v = self.value(name, **labels)
        if v is None:
            raise AssertionError(f"metric {name}{labels} missing in:\n{self.text}")
        return v

    def total(self, name, **labels):
        """Sum of the samples of `name` whose labels include these (0 when there is none)."""
        return sum(v for got, v in self.series(name)
                   if all(got.get(k) == w for k, w in labels.items()))


def request(conn, method, path, headers=None):
    """One request on a keep-alive connection; returns (status, headers dict lower, body)."""
    conn.request(method, path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def echoed_headers(body):
    """The request headers the echo upstream received, as a lower-cased dict of lists."""
    out = {}
    for name, value in json.loads(body)["headers"]:
        out.setdefault(name.lower(), []).append(value)
    return out


class TempDir:
    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="gw-it-")

    def write(self, name, text):
        p = os.path.join(self.path, name)
        with open(p + ".tmp", "w") as f:
            f.write(text)
        os.replace(p + ".tmp", p)  # atomic, like an editor's save
        return p


def run_suite(suites):
    """Runs the suite named by argv[1] (one ctest test per suite); exits 2 on an unknown name."""
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in suites:
        print(f"unknown suite `{name}`; one of {sorted(suites)}")
        sys.exit(2)
    suites[name]()
    print(f"{name}: ok")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    """An RSA key made with openssl; signs RS256 JWTs with `openssl dgst`."""

    def __init__(self, tmp):
        self.key = os.path.join(tmp.path, "jwt.key")
        self.pub = os.path.join(tmp.path, "jwt.pub.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
                        "rsa_keygen_bits:2048", "-out", self.key], check=True,
                       capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-out", self.pub],
                       check=True, capture_output=True)

    def token(self, claims):
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        body = b64url(json.dumps(claims).encode())
        signing_input = f"{head}.{body}".encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key],
                             input=signing_input, check=True, capture_output=True).stdout
        return f"{head}.{body}.{b64url(sig)}"


def fnv1a64(text):
    h = 0xcbf29ce484222325
    for b in text.encode():
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h
