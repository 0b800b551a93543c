"""Pieces of the operator's drill on top of the gateway harness (tests/integration/gateway/
gw_harness.py): an echo upstream that can die and come back on its port and fail on command,
a concurrent client loop that records every answer, and readers for gw's log and /metrics.
"""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateway"))
from gw_harness import Gateway, TempDir, Upstream, _bin, run_suite  # noqa: E402,F401  (re-exported)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


class DrillUpstream(Upstream):
    """gw-echo-upstream on a chosen port (0 = any free one), so a killed server can be restarted
    where the gateway expects it; `mode()` switches its failure mode (see echo_upstream.cc)."""

    def __init__(self, port=0):  # pylint: disable=super-init-not-called
        args = [_bin("gw-echo-upstream")] + (["--port", str(port)] if port else [])
        self.popen = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.popen.stdout.readline().decode().strip()
        if not line:
            raise RuntimeError(f"gw-echo-upstream did not start on port {port}")
        self.port = int(line)
        self.pid = self.popen.pid

    def kill(self):
        """SIGKILL by PID: no FIN on its connections' behalf beyond what the kernel sends."""
        os.kill(self.pid, signal.SIGKILL)
        self.popen.wait()
        self.popen.stdout.close()

    def mode(self, m):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__mode/{m}", timeout=5) as r:
            check(r.status == 200, f"mode {m}: {r.status}")


def start_gateway(policy, *upstreams, extra=()):
    """Gateway(policy); if gw does not start, the upstreams are stopped before the error."""
    try:
        return Gateway(policy, extra)
    except Exception:
        for up in upstreams:
            up.stop()
        raise


def pair_gateway(retry_line, routes):
    """gw in front of `upstream pair`: a server answering 503 (bad) and a healthy one (good),
    with `retry_line` and no breaker or health, so the bad server keeps getting first attempts.
    Returns (gw, bad, good); the caller stops all three."""
    bad, good = DrillUpstream(), DrillUpstream()
    bad.mode("status/503")
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream pair {{
  server 127.0.0.1:{bad.port}
  server 127.0.0.1:{good.port}
  {retry_line}
}}
{routes}
""")
    gw = start_gateway(policy, bad, good)
    return gw, bad, good


class Load:
    """A client loop: `threads` keep-alive connections sending GET `path` back to back. Records
    (start time, status, Retry-After, latency) per request; status 0 = the connection failed."""

    def __init__(self, port, threads=6, path="/api/drill"):
        self.port = port
        self.path = path
        self.records = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)

    def _run(self):
        conn = None
        while not self._stop.is_set():
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            start = time.monotonic()
            status, retry_after = 0, None
            try:
                conn.request("GET", self.path)
                r = conn.getresponse()
                r.read()
                status, retry_after = r.status, r.getheader("Retry-After")
                if r.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = None
            with self._lock:
                self.records.append((start, status, retry_after, time.monotonic() - start))
        if conn is not None:
            conn.close()

    def since(self, t0, t1=float("inf")):
        with self._lock:
            return [r for r in self.records if t0 <= r[0] < t1]

    def wait_for(self, pred, timeout, what):
        """Waits until pred(record) holds for a request started after now; returns its time."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            for rec in self.since(t0):
                if pred(rec):
                    return rec[0]
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def failures(records):
    return [r for r in records if not 200 <= r[1] < 300]


def wait_log(gw, pattern, timeout, after=0):
    """Waits for a gw stderr line matching `pattern` (regex) among lines index >= after;
    returns (monotonic time seen, line index)."""
    rx = re.compile(pattern)
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        lines = list(gw.stderr_lines)
        for i in range(after, len(lines)):
            if rx.search(lines[i]):
                return time.monotonic(), i
        time.sleep(0.02)
    raise AssertionError(f"no log line /{pattern}/ within {timeout}s:\n" + "".join(gw.stderr_lines))


def unavailable(gw, upstream):
    """gw_upstream_unavailable_total{upstream}: requests answered 503 with no server to try."""
    return gw.metrics().total("gw_upstream_unavailable_total", upstream=upstream)
