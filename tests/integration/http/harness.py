"""Process and raw-socket helpers for the HTTP serving-core integration tests.

Every process is started on port 0, reports its port on stdout and is stopped by PID.
"""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

BIN_DIR = os.environ.get("GW_BIN_DIR", "")


class Proc:
    """A child process that prints its bound port as the first line of stdout."""

    def __init__(self, name, args):
        self.popen = subprocess.Popen([os.path.join(BIN_DIR, name)] + list(args),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.popen.stdout.readline().decode().strip()
        if not line.isdigit():
            err = self.popen.stderr.read().decode() if self.popen.poll() is not None else ""
            raise RuntimeError(f"{name} did not report a port: {line!r} {err}")
        self.port = int(line)
        self.pid = self.popen.pid

    def vm_hwm_kb(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return -1

    def stop(self):
        if self.popen.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait()
        self.stderr = self.popen.stderr.read().decode(errors="replace")
        self.popen.stdout.close()
        self.popen.stderr.close()
        # Sanitizer builds report leaks and UB at exit on stderr: make them fail the test.
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in self.stderr:
                raise AssertionError(f"{self.popen.args[0]}: {self.stderr}")


class Env:
    """An echo upstream plus gw-http-proxy in front of it."""

    def __init__(self, proxy_args=(), upstream=None):
        self.upstream = upstream or Proc("gw-echo-upstream", [])
        self.owns_upstream = upstream is None
        args = ["--upstream", f"127.0.0.1:{self.upstream.port}", "--threads", "2"]
        self.proxy = Proc("gw-http-proxy", args + list(proxy_args))
        self.port = self.proxy.port

    def close(self):
        self.proxy.stop()
        if self.owns_upstream:
            self.upstream.stop()

    def upstream_count(self):
        url = f"http://127.0.0.1:{self.upstream.port}/__count"
        with urllib.request.urlopen(url, timeout=5) as r:
            return json.load(r)["count"]

    def connect(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        return Conn(s)

    def exchange(self, raw, timeout=10):
        """Sends raw bytes on a fresh connection, returns the first response."""
        c = self.connect(timeout)
        try:
            c.send(raw)
            return c.response()
        finally:
            c.close()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (lower-case name, value)
        self.body = body

    def header(self, name):
        for n, v in self.headers:
            if n == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)


class Conn:
    """A client connection with a small strict HTTP/1.1 response reader (keeps leftovers, so
    pipelined responses are read one after another)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        self.sock.close()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def closed_by_peer(self, timeout=3):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def response(self, head_request=False):
        status_line = self._line().decode()
        status = int(status_line.split(" ")[1])
        headers = []
        while True:
            line = self._line()
            if not line:
                break
            name, value = line.decode().split(":", 1)
            headers.append((name.strip().lower(), value.strip()))
        resp = Response(status, headers, b"")
        if status < 200:
            return resp
        if head_request or status in (204, 304):
            return resp
        if resp.header("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    break
                body += self._exact(size)
                assert self._exact(2) == b"\r\n"
            resp.body = body
        elif resp.header("content-length") is not None:
            resp.body = self._exact(int(resp.header("content-length")))
        else:
            while True:
                try:
                    self._fill()
                except ConnectionError:
                    break
            resp.body, self.buf = self.buf, b""
        return resp


def wait_until(pred, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()
