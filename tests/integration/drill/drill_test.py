"""The operator's drill (issue 5), with real processes: gw in front of echo upstreams under a
concurrent client loop; an upstream server is SIGKILLed mid-load, the breaker opens, errors stay
bounded, and traffic recovers when the server comes back on its port. Plus servers that fail on
command (reset, hang, slow, 5xx): the breaker opens after the 5th failure, fails fast, half-opens
after the (test-shortened) cool-down and closes after 3 successful probes.

Plus retries of requests with a body (RetryBody): a body up to the 64 KiB replay bound is kept
and sent again to the healthy server; a larger one (Content-Length or chunked) streams and is
never retried.

Usage: drill_test.py SUITE   (KillOneOfTwo KillOnlyServer FailOnCommand RetryBody)

No timing assertions: the checks count answers and read gw's log and admin endpoints; durations
are printed for the record (bench/resilience measures them).
"""
import hashlib
import json
import re
import time

from drill_lib import (run_suite, DrillUpstream, Load, TempDir, check, failures, pair_gateway,
                       start_gateway, unavailable, wait_log)

THREADS = 6
THRESHOLD = 3


def breaker_line(upstream, port, transition):
    return rf"breaker {upstream} 127\.0\.0\.1:{port}: {transition}"


def print_warnings(gw):
    """gw's breaker and health transitions, for the record of what the operator sees."""
    for line in gw.stderr_lines:
        if "warn" in line:
            print("  " + line.rstrip())


def check_breaker_metric(gw, upstream, port, want):
    """gw_breaker_state{upstream,server}: 0 closed, 1 open, 2 half-open; it must agree with the
    log line, the primary witness."""
    v = gw.metrics().value("gw_breaker_state", upstream=upstream, server=f"127.0.0.1:{port}")
    check(v == want, f"gw_breaker_state of {upstream} 127.0.0.1:{port}: {v}, want {want}")


def kill_one_of_two():
    a, b = DrillUpstream(), DrillUpstream()
    tmp = TempDir()
    # Retries only on connect errors (the request never left gw): once the breaker is open a
    # dead server costs nothing; before that, only requests already in flight on it fail.
    policy = tmp.write("p.gw", f"""
upstream pair {{
  server 127.0.0.1:{a.port}
  server 127.0.0.1:{b.port}
  breaker failures {THRESHOLD} open 1s close_after 3
  retry 1 on [connect_error] backoff 1ms..2ms
  connect_timeout 500ms
}}
route api {{ match {{ path prefix "/api" }} forward pair }}
""")
    gw = start_gateway(policy, a, b)
    try:
        with Load(gw.port, THREADS) as load:
            load.wait_for(lambda r: r[1] == 200, 10, "traffic")
            time.sleep(1.0)
            check(a.count() > 0 and b.count() > 0, "both servers serve before the kill")
            check(not failures(load.records), f"no failure before the kill: {failures(load.records)[:5]}")
            check_breaker_metric(gw, "pair", b.port, 0)

            t_kill = time.monotonic()
            b.kill()
            t_open, _ = wait_log(gw, breaker_line("pair", b.port, "closed -> open"), 15)
            check_breaker_metric(gw, "pair", b.port, 1)
            a_at_open = a.count()
            time.sleep(2.0)  # two cool-downs with the server still dead
            t_restart = time.monotonic()
            check(a.count() - a_at_open > 10, "the surviving server takes the traffic")
            lost = failures(load.since(t_kill, t_restart))
            print(f"kill -> open: {t_open - t_kill:.3f}s; failed requests: {len(lost)} "
                  f"of {len(load.since(t_kill, t_restart))}")
            # Bounded: at most the requests in flight on the dead server plus the threshold.
            check(len(lost) <= THREADS + THRESHOLD, f"errors bounded: {len(lost)}: {lost[:10]}")
            steady = failures(load.since(t_open + 0.3, t_restart))
            check(not steady, f"no errors once the breaker is open: {steady[:10]}")

            b2 = DrillUpstream(b.port)
            try:
                # Half-open after the cool-down (or once a passive ejection expires), probes
                # reach the restarted server, 3 successes close the breaker.
                t_closed, _ = wait_log(gw, breaker_line("pair", b.port, "half_open -> closed"),
                                       60)
                check(b2.count() >= 3, f"probes reached the restarted server: {b2.count()}")
                check_breaker_metric(gw, "pair", b.port, 0)
                b_at_close = b2.count()
                time.sleep(1.0)
                check(b2.count() - b_at_close > 5, "the restarted server takes traffic again")
                print(f"restart -> closed: {t_closed - t_restart:.3f}s")
                after = failures(load.since(t_restart))
                check(not after, f"no errors during recovery: {after[:10]}")
                print_warnings(gw)
            finally:
                load.stop()
                b2.stop()
    finally:
        gw.stop()
        a.stop()


def kill_only_server():
    s = DrillUpstream()
    tmp = TempDir()
    cool_down = 2.0
    policy = tmp.write("p.gw", f"""
upstream solo {{
  server 127.0.0.1:{s.port}
  breaker failures {THRESHOLD} open 2s close_after 3
  connect_timeout 500ms
}}
route api {{ match {{ path prefix "/api" }} forward solo }}
""")
    gw = start_gateway(policy, s)
    try:
        with Load(gw.port, THREADS) as load:
            load.wait_for(lambda r: r[1] == 200, 10, "traffic")
            time.sleep(0.5)
            t_kill = time.monotonic()
            s.kill()
            t_open, _ = wait_log(gw, breaker_line("solo", s.port, "closed -> open"), 15)
            check_breaker_metric(gw, "solo", s.port, 1)
            t_fast = load.wait_for(lambda r: r[1] == 503, 10, "a fast 503")
            print(f"kill -> open: {t_open - t_kill:.3f}s; kill -> first 503: {t_fast - t_kill:.3f}s")
            no_server0 = unavailable(gw, "solo")
            window = 3.0
            time.sleep(window)
            t_restart = time.monotonic()
            answers = load.since(t_open + 0.3, t_restart)
            fast = [r for r in answers if r[1] == 503]
            other = [r for r in answers if r[1] != 503]
            check(len(fast) > 10, f"fast 503s while the server is dead: {len(fast)}")
            check(all(r[2] is not None and int(r[2]) >= 1 for r in fast),
                  f"every 503 carries Retry-After: {[r for r in fast if not r[2]][:5]}")
            # Without connecting: a connect attempt to the dead server would answer 502. The
            # only ones allowed are the half-open probes, at most one per cool-down.
            check(len(other) <= int(window / cool_down) + 1,
                  f"connect attempts while open bounded by the probes: {other[:10]}")
            check(unavailable(gw, "solo") - no_server0 >= len(fast) - THREADS,
                  "the 503s are counted in gw_upstream_unavailable_total")
            lost = failures(load.since(t_kill, t_open + 0.3))
            non_503 = [r for r in lost if r[1] != 503]
            check(len(non_503) <= THREADS + THRESHOLD, f"errors before the fail-fast: {non_503}")

            s2 = DrillUpstream(s.port)
            try:
                t_ok = load.wait_for(lambda r: r[1] == 200, 60, "traffic back after the restart")
                t_closed, _ = wait_log(gw, breaker_line("solo", s.port, "half_open -> closed"),
                                       30)
                print(f"restart -> first 200: {t_ok - t_restart:.3f}s; "
                      f"restart -> closed: {t_closed - t_restart:.3f}s")
                check_breaker_metric(gw, "solo", s.port, 0)
                time.sleep(1.0)
                after = failures(load.since(t_closed + 0.3))
                check(not after, f"no errors once closed: {after[:10]}")
                check(len(load.since(t_closed + 0.3)) > 5, "traffic flows after recovery")
                print_warnings(gw)
            finally:
                load.stop()
                s2.stop()
    finally:
        gw.stop()
        s.stop()


def fail_on_command():
    a, f = DrillUpstream(), DrillUpstream()
    tmp = TempDir()
    policy = tmp.write("p.gw", f"""
upstream pair {{
  server 127.0.0.1:{a.port}
  server 127.0.0.1:{f.port}
  timeout 400ms
  breaker failures 5 open 1s close_after 3
}}
route api {{ match {{ path prefix "/api" }} forward pair }}
""")
    gw = start_gateway(policy, a, f)
    try:
        conn = gw.conn()

        def get():
            conn.request("GET", "/api/x")
            r = conn.getresponse()
            r.read()
            return r.status

        # Slow but inside the timeout: answers arrive, the breaker does not move.
        f.mode("sleep/50")
        statuses = [get() for _ in range(10)]
        check(statuses == [200] * 10, f"slow within the timeout: {statuses}")
        # Reset, hang (504 at the timeout), slower than the timeout, 5xx: the 5th failure opens.
        cases = [("reset", 502), ("hang", 504), ("sleep/1500", 504), ("status/503", 503)]
        for mode, want in cases:
            f.mode(mode)
            lines0 = len(gw.stderr_lines)
            opened = breaker_line("pair", f.port, "closed -> open")
            statuses = []
            # Until the breaker opens: gw retries a reset on a reused keep-alive connection once
            # on a fresh one, so the server's own count says more than the failures do.
            while len(statuses) < 40:
                statuses.append(get())
                if any(re.search(opened, ln) for ln in gw.stderr_lines[lines0:]):
                    break
            bad = [st for st in statuses if st != 200]
            check(bad == [want] * 5, f"{mode}: opened at the 5th failure, each {want}: {statuses}")
            check_breaker_metric(gw, "pair", f.port, 1)
            f_open = f.count()
            statuses = [get() for _ in range(20)]
            check(statuses == [200] * 20, f"{mode}: open breaker sends all to the other: {statuses}")
            check(f.count() == f_open, f"{mode}: nothing reaches the failing server while open")
            if mode.startswith("status/"):
                break  # 5 consecutive 5xx also eject it passively (30 s): no recovery here
            f.mode("ok")
            time.sleep(1.2)  # the cool-down
            closed = breaker_line("pair", f.port, "half_open -> closed")
            statuses = []
            while f.count() - f_open < 3 and len(statuses) < 40:
                statuses.append(get())
                if f.count() - f_open == 2:
                    time.sleep(0.3)
                    check(not any(re.search(closed, ln) for ln in gw.stderr_lines[lines0:]),
                          f"{mode}: still half-open after 2 probes")
            check(statuses == [200] * len(statuses), f"{mode}: recovery answers: {statuses}")
            check(f.count() - f_open == 3, f"{mode}: 3 probes: {f.count() - f_open}")
            wait_log(gw, breaker_line("pair", f.port, "open -> half_open"), 5, lines0)
            wait_log(gw, closed, 5, lines0)
            check_breaker_metric(gw, "pair", f.port, 0)
        conn.close()
    finally:
        gw.stop()
        a.stop()
        f.stop()


RETRY_BOUND = 64 * 1024  # kRetryBodyBuffer in runtime/resilience/retry_policy.h


def retry_body():
    """A server answering 503 on command next to a healthy one, `retry 2 on [503]`, no breaker
    or health (so the failing server keeps getting first attempts): small bodies are replayed on
    the other server intact; bodies past the bound are answered by whichever server got them."""
    gw, bad, good = pair_gateway("retry 2 on [503] backoff 1ms..2ms",
                                 'route api { match { path prefix "/api" } forward pair }')
    try:
        conn = gw.conn()
        extra = []  # attempts beyond one per request: the retries gw made

        def send(method, body, chunked=False, n=8):
            """n requests; returns (statuses, attempts the two servers saw, echoed bodies)."""
            before = bad.count() + good.count()
            statuses, echoes = [], []
            for i in range(n):
                payload = (iter([body[k:k + 4096] for k in range(0, len(body), 4096)])
                           if chunked else body)
                conn.request(method, f"/api/{i}", body=payload, encode_chunked=chunked)
                r = conn.getresponse()
                data = r.read()
                statuses.append(r.status)
                if r.status == 200:
                    echoes.append(json.loads(data))
            attempts = bad.count() + good.count() - before
            extra.append(attempts - n)
            return statuses, attempts, echoes

        def replayed(method, size, chunked=False):
            body = bytes((i * 7) % 251 for i in range(size))
            statuses, attempts, echoes = send(method, body, chunked)
            what = f"{method} {size} bytes{' chunked' if chunked else ''}"
            check(statuses == [200] * 8, f"{what}: every request retried onto the good server: "
                                         f"{statuses}")
            check(attempts > 8, f"{what}: some first attempts hit the 503 server: {attempts}")
            digest = hashlib.sha256(body).hexdigest()
            for e in echoes:
                check(e["body_size"] == size and e["body_sha256"] == digest,
                      f"{what}: the replayed body arrived intact: {e['body_size']}")

        def streamed(method, size, chunked=False):
            body = bytes((i * 13) % 251 for i in range(size))
            statuses, attempts, echoes = send(method, body, chunked)
            what = f"{method} {size} bytes{' chunked' if chunked else ''}"
            check(attempts == 8, f"{what}: one attempt per request, no retry: {attempts}")
            check(503 in statuses and 200 in statuses,
                  f"{what}: the 503 server's answers pass through: {statuses}")
            digest = hashlib.sha256(body).hexdigest()
            for e in echoes:
                check(e["body_size"] == size and e["body_sha256"] == digest,
                      f"{what}: streamed body intact: {e['body_size']}")

        # Inside the bound (inclusive): kept, and replayed on the other server.
        replayed("PUT", 1000)
        replayed("PUT", RETRY_BOUND)
        replayed("DELETE", 10)
        replayed("PUT", 20000, chunked=True)
        # Past the bound: streamed, never retried (Content-Length known up front, or a chunked
        # body that crosses the bound while it is read).
        streamed("PUT", RETRY_BOUND + 1)
        streamed("PUT", 300000)
        streamed("PUT", 100000, chunked=True)
        # A small body of a non-idempotent method is kept too but, as without a body, not
        # retried after the server answered.
        statuses, attempts, _ = send("POST", b"x" * 100)
        check(attempts == 8 and 503 in statuses, f"POST not retried: {attempts} {statuses}")
        # The connection stayed usable through all of it (bodies read to their end).
        statuses, _, _ = send("GET", None, n=4)
        check(statuses == [200] * 4, f"bodyless GETs still retried: {statuses}")
        conn.close()
        counted = gw.metrics().value("gw_retries_total", upstream="pair")
        check(counted == sum(extra), f"gw_retries_total {counted}, retries seen {sum(extra)}")
    finally:
        gw.stop()
        bad.stop()
        good.stop()


SUITES = {"KillOneOfTwo": kill_one_of_two, "KillOnlyServer": kill_only_server,
          "FailOnCommand": fail_on_command, "RetryBody": retry_body}

if __name__ == "__main__":
    run_suite(SUITES)
