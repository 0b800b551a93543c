"""Active health checks with real processes (issue 5): what the probe sends (`health head`
sends HEAD, `health get` GET).

Usage: health_test.py SUITE   (HealthHead)

The echo upstream records the method and path of what it received (/__seen), so the checks
read what the probes really sent; removal and restoration are read from gw's log and
/metrics, and from where the traffic went. No timing assertions.
"""
import json
import sys
import time
import urllib.request

from drill_lib import DrillUpstream, TempDir, check, start_gateway


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


SUITES = {"HealthHead": health_head}

if __name__ == "__main__":
    SUITES[sys.argv[1]]()
    print(f"{sys.argv[1]}: ok")
