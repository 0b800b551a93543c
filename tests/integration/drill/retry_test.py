"""Retry settings with real processes (issue 5): an upstream's configured replay bound
(`retry ... buffer S`) and a route's `retry_methods` (non-idempotent methods it allows to be
retried after a server answered).

Usage: retry_test.py SUITE   (RetryBuffer RetryMethods)

Each upstream pairs a server answering 503 on command with a healthy one, `retry 2 on [503]`
and no breaker or health, so the failing server keeps receiving first attempts (round robin on
one keep-alive connection alternates the two). Every request is accounted for: the attempts
each server saw, and the status the client got. No timing assertions.
"""
import hashlib
import json

from drill_lib import run_suite, check, pair_gateway


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


def retry_methods():
    """A POST to a route without `retry_methods` reaches one server once and the client gets its
    503; a POST (with a body) to a route that lists POST is retried on the other server, which
    answers. PATCH, not listed, is not retried; a GET is retried on both routes."""
    gw, bad, good = pair_gateway("retry 2 on [503] backoff 1ms..2ms", """
route plain { match { path prefix "/plain" } forward pair }
route posts {
  match { path prefix "/posts" }
  retry_methods [POST]
  forward pair
}
""")
    try:
        p = Pair(gw, bad, good)
        body = b'{"order": 42, "idempotency_key": "k-1"}'
        digest = hashlib.sha256(body).hexdigest()

        def run(method, path, retried, n=6):
            hit_bad = 0
            for i in range(n):
                st, on_bad, on_good, echo = p.send(method, f"{path}/{i}", body)
                what = f"{method} {path}/{i}: {st} bad={on_bad} good={on_good}"
                hit_bad += on_bad
                if retried:
                    # Every first attempt on the 503 server is followed by one on the good one.
                    check(st == 200 and on_good == 1 and on_bad <= 1, f"retried: {what}")
                    check(echo["method"] == method and echo["body_sha256"] == digest,
                          f"the other server got the same request: {what}")
                else:
                    check(on_bad + on_good == 1, f"upstream saw one attempt: {what}")
                    check(st == (503 if on_bad else 200), f"the client sees the answer: {what}")
            check(hit_bad > 0, f"{method} {path}: some first attempts reached the 503 server")

        run("POST", "/plain", retried=False)
        run("POST", "/posts", retried=True)
        run("PATCH", "/posts", retried=False)
        run("GET", "/plain", retried=True)
        p.conn.close()
    finally:
        gw.stop()
        bad.stop()
        good.stop()


SUITES = {"RetryBuffer": retry_buffer, "RetryMethods": retry_methods}

if __name__ == "__main__":
    run_suite(SUITES)
