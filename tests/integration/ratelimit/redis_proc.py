"""A real redis-server for the rate-limit tests: a free loopback port, no persistence, stopped
(or killed, paused, restarted on the same port) by its PID."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateway"))
from gw_test import free_port  # noqa: E402


class RedisServer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="gw-redis-")
        self.popen = None
        for _ in range(5):
            self.port = free_port()
            if self.start():
                return
        raise RuntimeError("redis-server did not start")

    def start(self):
        """Starts redis-server on self.port; True once it answers PING."""
        log = open(os.path.join(self.dir, "redis.log"), "ab")
        self.popen = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--loglevel", "warning"],
            stdout=log, stderr=log)
        log.close()
        deadline = time.time() + 5
        while time.time() < deadline:
            if self.popen.poll() is not None:
                return False  # lost the port to another process
            try:
                if self.cli("PING").strip() == "PONG":
                    return True
            except subprocess.SubprocessError:
                pass
            time.sleep(0.05)
        self.kill()
        return False

    def cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.port)] + list(args),
                              capture_output=True, text=True, timeout=5, check=True).stdout

    def kill(self):
        """SIGKILL: the store vanishes mid-flight, as in a crash."""
        if self.popen and self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGCONT)
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def pause(self):
        """SIGSTOP: connections stay open but nothing answers (calls must time out)."""
        os.kill(self.popen.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.popen.pid, signal.SIGCONT)

    def restart(self):
        """A fresh, empty redis-server on the same port."""
        self.kill()
        deadline = time.time() + 10
        while not self.start():
            if time.time() > deadline:
                raise RuntimeError(f"redis-server did not restart on port {self.port}")
            time.sleep(0.2)

    def stop(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
