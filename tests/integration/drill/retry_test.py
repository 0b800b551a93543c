"""Retry settings with real processes (issue 5): an upstream's configured replay bound
(`retry ... buffer S`).

Usage: retry_test.py SUITE   (RetryBuffer)

Each upstream pairs a server answering 503 on command with a healthy one, `retry 2 on [503]`
and no breaker or health, so the failing server keeps receiving first attempts (round robin on
one keep-alive connection alternates the two). Every request is accounted for: the attempts
each server saw, and the status the client got. No timing assertions.
"""
import hashlib
import json
import sys

from drill_lib import DrillUpstream, TempDir, check, start_gateway


class Pair:
    """The two servers and a client connection to gw; send() reports one request's fate."""

    def __init__(self, gw, bad, good):
        self.bad, self.good = bad, good
        self.conn = gw.conn()

    def send(self, method, path, body=None):
        """(status, attempts on the 503 server, attempts on the good one, echoed JSON or None)."""
        b0, g0 = self.bad.count(), self.good.count()
        self.conn.request(method, path, body=body)
        r = self.conn.getresponse()
        data = r.read()
        echo = json.loads(data) if r.status == 200 else None
        return r.status, self.bad.count() - b0, self.good.count() - g0, echo


def pair_gateway(retry_line, routes):
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


def retry_buffer():
    """`buffer 1kib`: a body of exactly 1 KiB is kept and replayed on the good server; one byte
    more streams to whichever server got it, and the 503 passes through unretried."""
    bound = 1024
    gw, bad, good = pair_gateway("retry 2 on [503] backoff 1ms..2ms buffer 1kib",
                                 'route api { match { path prefix "/api" } forward pair }')
    try:
        p = Pair(gw, bad, good)
        for size, replayable in ((bound, True), (bound + 1, False), (10, True),
                                 (4 * bound, False)):
            body = bytes((i * 7) % 251 for i in range(size))
            digest = hashlib.sha256(body).hexdigest()
            hit_bad = 0
            for i in range(6):
                st, on_bad, on_good, echo = p.send("PUT", f"/api/{size}/{i}", body)
                hit_bad += on_bad
                what = f"PUT {size} bytes (bound {bound}) #{i}: {st} bad={on_bad} good={on_good}"
                if replayable:
                    check(st == 200 and on_good == 1 and on_bad <= 1, f"retried: {what}")
                else:
                    check(on_bad + on_good == 1, f"one attempt only: {what}")
                    check(st == (503 if on_bad else 200), f"the first answer passes: {what}")
                if echo is not None:
                    check(echo["body_size"] == size and echo["body_sha256"] == digest,
                          f"body intact: {what}: {echo['body_size']}")
            check(hit_bad > 0, f"PUT {size}: some first attempts reached the 503 server")
        p.conn.close()
    finally:
        gw.stop()
        bad.stop()
        good.stop()


SUITES = {"RetryBuffer": retry_buffer}

if __name__ == "__main__":
    SUITES[sys.argv[1]]()
    print(f"{sys.argv[1]}: ok")
