"""`gw run policy.gw` compiles native code in a `gwc compile` child process (the gw binary does
not link LLVM). Real gw, real gwc, real echo upstream; stand-in compilers are shell scripts
that crash or hang, so the failure paths run for real.

Usage: gwc_child_test.py GwcChild
"""
import hashlib
import json
import os
import re
import subprocess
import time

from gw_harness import BIN_DIR, Gateway, TempDir, Upstream, request, run_suite


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def children(pid):
    """(pid, state, comm) of every process whose parent is `pid`, zombies included."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append((int(entry), fields[0], comm))
    return out


def source_hash(*texts):
    """The documented source identity: SHA-256 of "<bytes>:<text>" per file, in load order."""
    return hashlib.sha256(b"".join(b"%d:%s" % (len(t), t) for t in texts)).hexdigest()


def stderr_text(gw, needle, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = "".join(gw.stderr_lines)
        if needle in text:
            return text
        time.sleep(0.1)
    raise AssertionError(f"gw's log lacks {needle!r}: {''.join(gw.stderr_lines)}")


def status(gw):
    st, body = gw.admin("GET", "/status")
    check(st == 200, f"/status: {st}")
    return json.loads(body)


class Case:
    """One gw on a fresh policy, with its own TMPDIR (where the child's .gwo goes)."""

    def __init__(self, upstream, extra=(), env=None, target="a"):
        self.tmp = TempDir()
        self.gwo_dir = os.path.join(self.tmp.path, "tmp")
        os.mkdir(self.gwo_dir)
        self.upstream = upstream
        self.path = self.tmp.write("p.gw", self.policy(target))
        self.gw = Gateway(self.path, extra, env={"TMPDIR": self.gwo_dir, **(env or {})})

    def policy(self, target):
        return (f"upstream a {{ server 127.0.0.1:{self.upstream.port} }}\n"
                f"route r {{ match {{ path prefix \"/\" }} forward {target} }}\n")

    def served(self):
        c = self.gw.conn()
        st, _, _ = request(c, "GET", "/x")
        c.close()
        return st

    def leftovers(self, timeout=15):
        """Temporary .gwo files and child processes (running or zombie) gw left behind, once
        the reloads in flight are done: writing the policy also triggers an inotify reload, so
        a child may legitimately run for a moment; a leak stays."""
        deadline = time.time() + timeout
        while True:
            found = os.listdir(self.gwo_dir), children(self.gw.pid)
            if found == ([], []) or time.time() > deadline:
                return found
            time.sleep(0.1)

    def stop(self):
        self.gw.stop()


def native_through_child(a):
    case = Case(a)
    try:
        check(case.served() == 200, "served")
        s = status(case.gw)
        check(s["backend"] == "jit", f"compiled natively by the gwc child: {s}")
        with open(case.path, "rb") as f:
            text = f.read()
        check(s["source_hash"] == source_hash(text), f"hash of the compiled text: {s}")
        check(case.leftovers() == ([], []), f"nothing left behind: {case.leftovers()}")
        # A reload whose child rejects the policy: its diagnostics, as gwc renders them.
        case.tmp.write("p.gw", case.policy("nosuch"))
        st, body = case.gw.admin("POST", "/reload")
        check(st == 422 and b"nosuch" in body, f"bad reload rejected: {st} {body}")
        rendered = subprocess.run([os.path.join(BIN_DIR, "gwc"), "check", case.path],
                                  capture_output=True, text=True).stdout
        headlines = [l for l in rendered.splitlines() if re.match(r"^\S+:\d+:\d+: error", l)]
        s = status(case.gw)
        check(headlines and s["last_reload"]["diagnostics"] == headlines,
              f"/status has gwc's diagnostics {headlines}: {s['last_reload']}")
        check("\x1b[" not in "".join(case.gw.stderr_lines), "no colors in the log")
        stderr_text(case.gw, "error[E0101]: unknown upstream `nosuch`")
        check(s["backend"] == "jit" and s["version"] == "1", f"old policy serving: {s}")
        check(case.served() == 200, "old policy still serves")
        check(case.leftovers() == ([], []), f"nothing left after the rejected reload: "
              f"{case.leftovers()}")
        # A good reload through the child again.
        case.tmp.write("p.gw", case.policy("a") + "route s { match { path \"/s\" } forward a }\n")
        st, body = case.gw.admin("POST", "/reload")
        check(st == 200, f"good reload: {st} {body}")
        s = status(case.gw)
        check(s["backend"] == "jit" and s["routes"] == 2, f"new generation, native: {s}")
        check(case.leftovers() == ([], []), f"nothing left after reloads: {case.leftovers()}")
    finally:
        case.stop()


def interpreter_when_gwc_missing(a):
    case = Case(a, env={"GW_GWC": "/nonexistent/gwc"})
    try:
        check(case.served() == 200, "served by the interpreter")
        text = stderr_text(case.gw, "serving with the interpreter")
        check("warn" in text and "/nonexistent/gwc" in text and "No such file" in text,
              f"the warning names the missing gwc: {text}")
        s = status(case.gw)
        check(s["backend"] == "interpreter", f"interpreter: {s}")
        with open(case.path, "rb") as f:
            check(s["source_hash"] == source_hash(f.read()), f"same hash formula: {s}")
        # A bad policy is still rejected (by the in-process front end), the old one serves.
        case.tmp.write("p.gw", case.policy("nosuch"))
        st, body = case.gw.admin("POST", "/reload")
        check(st == 422 and b"unknown upstream `nosuch`" in body, f"rejected: {st} {body}")
        check(case.served() == 200, "old policy still serves")
        check(case.leftovers() == ([], []), f"nothing left behind: {case.leftovers()}")
    finally:
        case.stop()


def interpreter_when_gwc_crashes_or_hangs(a):
    tmp = TempDir()
    crash = tmp.write("crash.sh", "#!/bin/sh\necho 'about to crash' >&2\nkill -SEGV $$\n")
    hang = tmp.write("hang.sh", "#!/bin/sh\nexec sleep 600\n")
    os.chmod(crash, 0o755)
    os.chmod(hang, 0o755)
    case = Case(a, extra=["--gwc", crash])
    try:
        text = stderr_text(case.gw, "serving with the interpreter")
        check("killed by signal 11" in text and "about to crash" in text,
              f"the crash and the child's stderr are reported: {text}")
        check(status(case.gw)["backend"] == "interpreter", "interpreter after a crash")
        check(case.served() == 200, "served")
        check(case.leftovers() == ([], []), f"nothing left behind: {case.leftovers()}")
    finally:
        case.stop()
    started = time.time()
    case = Case(a, extra=["--gwc", hang, "--gwc-timeout", "0.5"])
    try:
        check(time.time() - started < 30, "the time bound stopped the hanging child")
        text = stderr_text(case.gw, "serving with the interpreter")
        check("was killed after 500 ms" in text, f"the time limit is reported: {text}")
        check(status(case.gw)["backend"] == "interpreter", "interpreter after a timeout")
        check(case.served() == 200, "served")
        check(case.leftovers() == ([], []), f"child killed and reaped: {case.leftovers()}")
    finally:
        case.stop()


def nothing_on_disk_when_gw_is_killed(a):
    """gw SIGKILLed while its child compiles: the child's output was never a file, so nothing is
    left in TMPDIR (a temporary .gwo used to be). The stand-in compiler writes part of its output
    where gw told it to, records its pid and that path, then hangs until the test kills it."""
    tmp = TempDir()
    gwo_dir = os.path.join(tmp.path, "tmp")
    os.mkdir(gwo_dir)
    marker = os.path.join(tmp.path, "child")
    stand_in = tmp.write("partial.sh", "#!/bin/sh\n"
                         "printf 'GWO partial' > \"$5\" || exit 2\n"
                         f"echo \"$$ $5\" > {marker}.tmp && mv {marker}.tmp {marker}\n"
                         "exec sleep 600\n")
    os.chmod(stand_in, 0o755)
    policy = tmp.write("p.gw", f"upstream a {{ server 127.0.0.1:{a.port} }}\n"
                               "route r { match { path prefix \"/\" } forward a }\n")
    gw = Gateway(policy, ["--gwc", stand_in, "--gwc-timeout", "120"], expect_start=False,
                 env={"TMPDIR": gwo_dir})
    child_pid = None
    try:
        deadline = time.time() + 20
        while not os.path.exists(marker) and time.time() < deadline:
            time.sleep(0.05)
        check(os.path.exists(marker), "the stand-in compiler ran and wrote its output")
        with open(marker) as f:
            pid_text, out_path = f.read().split()
        child_pid = int(pid_text)
        check(out_path == "/dev/fd/3", f"the child writes to the descriptor gw gave it: {out_path}")
        check(os.listdir(gwo_dir) == [], f"nothing in TMPDIR while compiling: {os.listdir(gwo_dir)}")
        gw.popen.kill()
        gw.popen.wait(timeout=10)
        check(os.listdir(gwo_dir) == [], f"nothing left in TMPDIR: {os.listdir(gwo_dir)}")
    finally:
        if gw.popen.poll() is None:
            gw.popen.kill()
            gw.popen.wait(timeout=10)
        if child_pid is not None:
            try:
                os.kill(child_pid, 9)
            except ProcessLookupError:
                pass


def gwc_child():
    a = Upstream()
    try:
        native_through_child(a)
        interpreter_when_gwc_missing(a)
        interpreter_when_gwc_crashes_or_hangs(a)
        nothing_on_disk_when_gw_is_killed(a)
    finally:
        a.stop()


if __name__ == "__main__":
    run_suite({"GwcChild": gwc_child})
