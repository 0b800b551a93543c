#!/usr/bin/env python3
"""Time from an upstream's death to the first fast 503 (issue 5, "Measured").

gw (binaries from $GW_BIN_DIR) in front of ONE echo upstream with a breaker at the default settings
(5 consecutive failures, 30 s cool-down) under a closed-loop client of THREADS keep-alive
connections; the upstream is SIGKILLed and the client records every answer. Reported per run:
  kill -> first 503     the first 503 answer reached the client (breaker open or server ejected),
  kill -> steady 503    the last non-503 answer: from then on every answer is a fast 503,
  failures before       non-503 errors (the in-flight requests and the failures that open it),
and the 503 latency (median, p99) once steady: the fail-fast cost without connecting.

usage: GW_BIN_DIR=build-rel/bin bench/resilience/death_to_503.py [RUNS=5] [THREADS=8]
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "integration", "drill"))
from drill_lib import DrillUpstream, Gateway, Load, TempDir  # noqa: E402


def one_run(threads):
    up = DrillUpstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream solo {{
  server 127.0.0.1:{up.port}
  breaker failures 5 open 30s close_after 3
}}
route api {{ match {{ path prefix "/" }} forward solo }}
""")
    gw = None
    try:
        gw = Gateway(policy, ["--access-log", "off", "--log-level", "warn"])
        with Load(gw.port, threads, "/x") as load:
            load.wait_for(lambda r: r[1] == 200, 10, "traffic")
            time.sleep(1.0)
            t_kill = time.monotonic()
            up.kill()
            load.wait_for(lambda r: r[1] == 503, 30, "a 503")
            time.sleep(2.0)
            load.stop()
            after = load.since(t_kill)
            # Times are when the client had the answer (start + latency).
            t_first = min(r[0] + r[3] for r in after if r[1] == 503)
            bad = [r for r in after if r[1] != 503]
            t_steady = max([r[0] + r[3] for r in bad] + [t_first])
            steady = [r for r in after if r[0] > t_steady]
            lat = sorted(r[3] for r in steady)
            return {"first": t_first - t_kill, "steady": t_steady - t_kill,
                    "failures_before": len(bad), "n503": len(steady),
                    "p50_ms": 1000 * lat[len(lat) // 2],
                    "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
                    "retry_after": all(r[2] for r in steady)}
    finally:
        if gw is not None:
            gw.stop()
        up.stop()  # a no-op once killed; stops it when gw failed to start


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    results = [one_run(threads) for _ in range(runs)]
    print(f"runs={runs} threads={threads} load={os.getloadavg()[0]:.2f}")
    print("run  kill->first503  kill->steady503  failures  503s  503 p50  503 p99  Retry-After")
    for i, r in enumerate(results):
        print(f"{i:3}  {1000 * r['first']:11.1f} ms  {1000 * r['steady']:12.1f} ms  "
              f"{r['failures_before']:8}  {r['n503']:4}  {r['p50_ms']:5.2f} ms  "
              f"{r['p99_ms']:5.2f} ms  {r['retry_after']}")
    for key in ("first", "steady"):
        v = [1000 * r[key] for r in results]
        print(f"kill->{key} 503: median {statistics.median(v):.1f} ms, "
              f"min {min(v):.1f}, max {max(v):.1f}")


if __name__ == "__main__":
    main()
