"""Active health checks with real processes (issue 5): what the probe sends (`health head`
sends HEAD, `health get` GET) and servers named by hostname (`server localhost:PORT`), which
are resolved by the checker and removed and restored like servers named by address.

Usage: health_test.py SUITE   (HealthHead HealthHostname)

The echo upstream records the method and path of what it received (/__seen), so the checks
read what the probes really sent; removal and restoration are read from gw's log and
/metrics, and from where the traffic went. No timing assertions.
"""
import json
import time
import urllib.request

from drill_lib import run_suite, DrillUpstream, TempDir, check, start_gateway, wait_log


def seen(up):
    """"METHOD path" of the last requests the echo upstream received (oldest first)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{up.port}/__seen", timeout=5) as r:
        return json.loads(r.read())["seen"]


def wait_until(pred, timeout, what):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def health_head():
    heads, gets = DrillUpstream(), DrillUpstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream h {{
  server 127.0.0.1:{heads.port}
  health head "/hz" every 100ms timeout 1s
}}
upstream g {{
  server 127.0.0.1:{gets.port}
  health get "/gz" every 100ms timeout 1s
}}
route h {{ match {{ path prefix "/h" }} forward h }}
route g {{ match {{ path prefix "/g" }} forward g }}
""")
    gw = start_gateway(policy, heads, gets)
    try:
        wait_until(lambda: len(seen(heads)) >= 3 and len(seen(gets)) >= 3, 10, "three probes each")
        h, g = seen(heads), seen(gets)
        check(set(h) == {"HEAD /hz"}, f"`health head` probes with HEAD only: {h}")
        check(set(g) == {"GET /gz"}, f"`health get` probes with GET only: {g}")
        # A HEAD answer has no body: the probe must still read it as a pass (2xx), so the server
        # stays in rotation.
        v = gw.metrics().value("gw_upstream_healthy", upstream="h",
                               server=f"127.0.0.1:{heads.port}")
        check(v == 1, f"the HEAD-probed server is healthy: {v}")
        c = gw.conn()
        c.request("GET", "/h/x")
        r = c.getresponse()
        r.read()
        check(r.status == 200, f"traffic reaches the HEAD-probed server: {r.status}")
        c.close()
    finally:
        gw.stop()
        heads.stop()
        gets.stop()


def health_hostname():
    named, addressed = DrillUpstream(), DrillUpstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream mixed {{
  server localhost:{named.port}
  server 127.0.0.1:{addressed.port}
  health get "/hz" every 100ms timeout 1s healthy 1 unhealthy 1
}}
route api {{ match {{ path prefix "/api" }} forward mixed }}
""")
    gw = start_gateway(policy, named, addressed)
    label = f"localhost:{named.port}"
    try:
        check(not any("no active health check" in ln for ln in gw.stderr_lines),
              f"no server is left unchecked: {gw.stderr_lines}")
        wait_until(lambda: "GET /hz" in seen(named), 10, "a probe of the server named by hostname")

        def api_requests(up):
            return sum(1 for s in seen(up) if s.startswith("GET /api/"))

        def send(n):
            return gw.statuses(n, "/api/{}")

        check(send(10) == [200] * 10, "both servers serve")
        check(api_requests(named) > 0, "the server named by hostname takes traffic")

        def flip(action, state, reason, healthy):
            """Runs `action`, then waits for the server's transition in the log and /metrics."""
            lines0 = len(gw.stderr_lines)
            action()
            wait_log(gw, rf"upstream mixed server 0 {state} \({reason}\)", 10, lines0)
            v = gw.metrics().value("gw_upstream_healthy", upstream="mixed", server=label)
            check(v == healthy, f"gw_upstream_healthy of {label}: {v}, want {healthy}")

        # Its health endpoint fails: the checker removes it, like a server named by address.
        flip(lambda: named.mode("status/503"), "unavailable", "active_check_failed", 0)
        before = api_requests(named)
        check(send(20) == [200] * 20, "the healthy server answers everything")
        check(api_requests(named) == before, "a removed server receives no traffic")

        # Healthy again: restored.
        flip(lambda: named.mode("ok"), "available", "active_check_passed", 1)
        before = api_requests(named)
        check(send(20) == [200] * 20, "both serve again")
        check(api_requests(named) > before, "the restored server takes traffic again")

        # Killed: connect failures remove it too (every resolved address refuses).
        flip(named.kill, "unavailable", "active_check_failed", 0)
        check(send(10) == [200] * 10, "no request goes to the dead server")

        # Every probe result is counted per server, zeros included.
        m = gw.metrics()

        def probes(server, result):
            return m.need("gw_health_checks_total", upstream="mixed", server=server, result=result)
        for result in ("passed", "bad_status", "connect_failed"):
            check(probes(label, result) >= 1, f"{label} {result} probes: {probes(label, result)}")
        addressed_label = f"127.0.0.1:{addressed.port}"
        check(probes(addressed_label, "passed") >= 1, "the other server's probes pass")
        check(probes(addressed_label, "resolve_failed") == 0 and probes(label, "tls_failed") == 0,
              "results that did not happen are listed as 0")
    finally:
        gw.stop()
        named.stop()
        addressed.stop()


SUITES = {"HealthHead": health_head, "HealthHostname": health_hostname}

if __name__ == "__main__":
    run_suite(SUITES)
