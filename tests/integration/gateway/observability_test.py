#!/usr/bin/env python3
"""gw observability against real processes: /metrics content (route/status counters, latency
histograms, bytes, auth/limit/upstream counters, upstream health and breaker state), the JSON
access log (every field, one line per request, each outcome), /routes, /status across a good
and a bad reload, /healthz, and the access log's reopen on SIGUSR1.

Run: observability_test.py Observability (GW_BIN_DIR points at gw and gw-echo-upstream).
"""
import json
import os
import re
import signal
import time

from gw_harness import run_suite, Gateway, TempDir, Upstream, free_port, request

LOG_FIELDS = ["time", "request_id", "client_ip", "method", "host", "path", "route", "status",
              "latency_ms", "upstream", "upstream_addr", "bytes_in", "bytes_out", "decision",
              "rule", "subject"]


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def read_log(path, want, timeout=10):
    """The access log's lines once at least `want` are written (the writer flushes every 100 ms)."""
    deadline = time.time() + timeout
    while True:
        with open(path) as f:
            lines = [json.loads(x) for x in f if x.strip()]
        if len(lines) >= want or time.time() > deadline:
            return lines
        time.sleep(0.05)


def policy_text(a_port, dead_port, keys, route_name="users"):
    return f"""
upstream a {{ server 127.0.0.1:{a_port} }}
upstream dead {{
  server 127.0.0.1:{dead_port}
  breaker failures 2 open 30s close_after 1
}}
auth keys api_key {{ header "X-API-Key" keys file "{keys}" }}
limit per_ip token_bucket {{ key client.ip rate 2/m burst 2 }}
route {route_name} {{ match {{ path "/users/{{id}}" method [GET, POST] }} forward a }}
route secure {{ match {{ path prefix "/secure" }} authenticate keys forward a }}
route limited {{ match {{ path prefix "/limited" }} limit per_ip forward a }}
route gone {{ match {{ path prefix "/gone" }} forward dead }}
"""


def check_metrics(gw, a_port, dead_port, before):
    ms = gw.metrics()
    d = lambda name, **l: ms.total(name, **l) - before.total(name, **l)  # noqa: E731
    check(d("gw_requests_total", route="users", code="200") == 4, f"users 200s: {ms}")
    check(d("gw_requests_total", route="", code="404") == 1, "404 counted with route=\"\"")
    check(d("gw_no_route_total") == 1, "gw_no_route_total")
    check(d("gw_requests_total", route="secure", code="401") == 1, "401 counted")
    check(d("gw_authn_failures_total", provider="keys", reason="unknown_api_key") +
          d("gw_authn_failures_total", provider="", reason="unknown_api_key") == 1,
          f"authn failure by reason: {ms.series('gw_authn_failures_total')}")
    check(d("gw_requests_total", route="limited", code="429") == 1, "429 counted")
    check(d("gw_rate_limited_total", limit="per_ip") == 1, "gw_rate_limited_total{limit}")
    check(d("gw_requests_total", route="gone", code="502") == 2, "502s counted")
    check(d("gw_requests_total", route="gone", code="503") == 1, "breaker 503 counted")
    check(d("gw_upstream_connect_failures_total", upstream="dead") == 2, "connect failures")
    check(d("gw_upstream_unavailable_total", upstream="dead") == 1, "unavailable (breaker)")
    check(d("gw_upstream_requests_total", upstream="a") == 7, "requests forwarded to a")
    # Histogram: every bucket is cumulative, +Inf and _count equal the requests observed.
    cnt = d("gw_request_duration_seconds_count", route="users")
    check(cnt == 4, f"histogram count moved by 4: {cnt}")
    inf = ms.total("gw_request_duration_seconds_bucket", route="users", le="+Inf")
    check(inf == ms.total("gw_request_duration_seconds_count", route="users"), "+Inf == count")
    buckets = sorted((float(labels["le"]), v)
                     for labels, v in ms.series("gw_request_duration_seconds_bucket")
                     if labels.get("route") == "users")
    check(len(buckets) == 19, f"19 buckets: {len(buckets)}")
    check(all(buckets[i][1] <= buckets[i + 1][1] for i in range(len(buckets) - 1)),
          f"cumulative buckets: {buckets}")
    check(ms.total("gw_request_duration_seconds_sum", route="users") > 0, "latency sum")
    check(d("gw_request_bytes_total", route="users") == 11, "request body bytes by route")
    check(d("gw_response_bytes_total", route="users") > 0, "response body bytes by route")
    server_a = f"127.0.0.1:{a_port}"
    server_dead = f"127.0.0.1:{dead_port}"
    check(ms.total("gw_upstream_healthy", upstream="a", server=server_a) == 1, "a healthy")
    check(ms.value("gw_upstream_active_connections", upstream="a", server=server_a) is not None,
          "active connections")
    check(ms.total("gw_breaker_state", upstream="dead", server=server_dead) == 1, "breaker open")
    check(ms.total("gw_breaker_state", upstream="a", server=server_a) == 0, "no breaker: closed")
    check(ms.total("gw_accesslog_lines_total") >= 9, "access log lines counted")
    check(ms.total("gw_accesslog_dropped_total") == 0, "no line dropped")
    info = ms.series("gw_policy_info")
    check(len(info) == 1 and re.fullmatch(r"[0-9a-f]{64}", info[0][0]["hash"]),
          f"one gw_policy_info with the source hash: {info}")


def check_log(lines, a_port, dead_port):
    for x in lines:
        check(list(x.keys()) == LOG_FIELDS, f"every field, in order: {list(x.keys())}")
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", x["time"]), x["time"])
        check(x["client_ip"] == "127.0.0.1" and x["latency_ms"] >= 0, x)
    by_id = {x["request_id"]: x for x in lines}
    check(len(by_id) == len(lines), "one line per request (distinct request ids)")
    ok = by_id["req-get-1"]
    check(ok["status"] == 200 and ok["route"] == "users" and ok["upstream"] == "a" and
          ok["upstream_addr"] == f"127.0.0.1:{a_port}" and ok["decision"] == "allow" and
          ok["method"] == "GET" and ok["path"] == "/users/1" and ok["bytes_out"] > 0, ok)
    post = by_id["req-post"]
    check(post["bytes_in"] == 11 and post["method"] == "POST", f"bytes_in: {post}")
    nf = by_id["req-404"]
    check(nf["status"] == 404 and nf["decision"] == "no_route" and nf["route"] == "" and
          nf["upstream"] == "" and nf["bytes_out"] > 0, nf)
    un = by_id["req-401"]
    check(un["status"] == 401 and un["decision"] == "unauthenticated" and
          "unknown_api_key" in un["rule"] and un["route"] == "secure", un)
    lim = by_id["req-429"]
    check(lim["status"] == 429 and lim["decision"] == "limited" and lim["rule"] == "per_ip", lim)
    bad = by_id["req-502"]
    check(bad["status"] == 502 and bad["decision"] == "error" and bad["rule"] == "connect_failed"
          and bad["upstream_addr"] == f"127.0.0.1:{dead_port}", bad)
    br = by_id["req-503"]
    check(br["status"] == 503 and br["decision"] == "unavailable" and
          br["rule"] == "breaker_open", br)
    auth_ok = by_id["req-auth"]
    check(auth_ok["status"] == 200 and auth_ok["subject"] == "partner-one", auth_ok)


def drive(gw):
    """The requests of the test, each with its own X-Request-ID."""
    c = gw.conn()
    expect = [("GET", "/users/1", "req-get-1", {}, 200), ("GET", "/users/2", "req-get-2", {}, 200),
              ("GET", "/users/3", "req-get-3", {}, 200), ("GET", "/nothing", "req-404", {}, 404),
              ("GET", "/secure/x", "req-401", {"X-API-Key": "wrong"}, 401),
              ("GET", "/secure/x", "req-auth", {"X-API-Key": "k-partner-1"}, 200),
              ("GET", "/limited", "req-lim-1", {}, 200), ("GET", "/limited", "req-lim-2", {}, 200),
              ("GET", "/limited", "req-429", {}, 429), ("GET", "/gone", "req-502", {}, 502),
              ("GET", "/gone", "req-502b", {}, 502), ("GET", "/gone", "req-503", {}, 503)]
    for method, path, rid, headers, want in expect:
        st, _, body = request(c, method, path, dict(headers, **{"X-Request-ID": rid}))
        check(st == want, f"{method} {path}: {st} {body}")
    c.request("POST", "/users/9", body=b"hello world", headers={"X-Request-ID": "req-post"})
    r = c.getresponse()
    r.read()
    check(r.status == 200, f"POST: {r.status}")
    c.close()
    return len(expect) + 1


def check_routes(gw):
    st, body = gw.admin("GET", "/routes")
    check(st == 200, f"/routes: {st}")
    routes = {r["name"]: r for r in json.loads(body)}
    check(list(routes) == ["users", "secure", "limited", "gone"], f"route order: {list(routes)}")
    u = routes["users"]
    check(u["methods"] == ["GET", "POST"] and u["path"] == "/users/{id}" and
          u["upstreams"] == ["a"] and u["authenticate"] == [] and not u["authorize"], u)
    check(routes["secure"]["authenticate"] == ["keys"] and
          routes["secure"]["path"] == "/secure/*", routes["secure"])
    check(routes["limited"]["limits"] == ["per_ip"], routes["limited"])


def check_status_and_reloads(gw, tmp, a_port, dead_port, keys):
    st, body = gw.admin("GET", "/status")
    s0 = json.loads(body)
    check(st == 200 and s0["version"] == "1" and re.fullmatch(r"[0-9a-f]{64}", s0["source_hash"])
          and s0["backend"] == "jit" and s0["routes"] == 4 and s0["last_reload"] is None, s0)
    servers = {(x["upstream"], x["server"]): x for x in s0["servers"]}
    dead = servers[("dead", f"127.0.0.1:{dead_port}")]
    check(dead["breaker"] == "open", f"breaker state per server: {dead}")
    check(servers[("a", f"127.0.0.1:{a_port}")]["breaker"] is None, "no breaker: null")
    # A good reload: new version and hash, last_reload ok.
    tmp.write("p.gw", policy_text(a_port, dead_port, keys, route_name="people"))
    st, body = gw.admin("POST", "/reload")
    check(st == 200 and json.loads(body)["ok"], f"good reload: {st} {body}")
    # The file watcher's reload of the same change may still be running (seconds on a loaded
    # machine): wait until the version stays the same for 1.5 s.
    s1 = json.loads(gw.admin("GET", "/status")[1])
    deadline = time.time() + 30
    while time.time() < deadline:
        time.sleep(1.5)
        again = json.loads(gw.admin("GET", "/status")[1])
        if again["version"] == s1["version"]:
            break
        s1 = again
    check(int(s1["version"]) > 1 and s1["source_hash"] != s0["source_hash"], s1)
    check(s1["last_reload"]["ok"] and s1["last_reload"]["trigger"] in ("POST /reload",
                                                                       "file changed: " + tmp.path + "/p.gw")
          and s1["last_reload"]["diagnostics"] == [], s1["last_reload"])
    check(json.loads(gw.admin("GET", "/routes")[1])[0]["name"] == "people", "routes reloaded")
    # A bad reload: 422 with the diagnostics, the old policy and its status stay.
    tmp.write("p.gw", policy_text(a_port, dead_port, keys).replace("forward a }", "forward nosuch }", 1))
    time.sleep(0.3)
    st, body = gw.admin("POST", "/reload")
    out = json.loads(body)
    check(st == 422 and not out["ok"] and any("nosuch" in d for d in out["diagnostics"]),
          f"bad reload: {st} {body}")
    check(all(re.match(r"\S+:\d+:\d+: error", d) for d in out["diagnostics"]),
          f"one entry per diagnostic: {out['diagnostics']}")
    st, body = gw.admin("GET", "/status")
    s2 = json.loads(body)
    check(s2["version"] == s1["version"] and s2["source_hash"] == s1["source_hash"], s2)
    check(not s2["last_reload"]["ok"] and s2["last_reload"]["diagnostics"] == out["diagnostics"],
          s2["last_reload"])
    ms = gw.metrics()
    check(ms.total("gw_reload_total", result="failed") >= 1 and
          ms.total("gw_reload_total", result="ok") >= 1, "gw_reload_total by result")


def check_reopen(gw, log_path):
    os.rename(log_path, log_path + ".1")
    os.kill(gw.pid, signal.SIGUSR1)
    deadline = time.time() + 5
    while not os.path.exists(log_path) and time.time() < deadline:
        time.sleep(0.05)
    check(os.path.exists(log_path), "SIGUSR1 reopened the log under its name")
    c = gw.conn()
    check(request(c, "GET", "/users/5", {"X-Request-ID": "after-rotate"})[0] == 200, "serving")
    c.close()
    lines = read_log(log_path, 1)
    check([x["request_id"] for x in lines] == ["after-rotate"], f"new file: {lines}")
    check(gw.metrics().total("gw_accesslog_reopens_total") == 1, "reopen counted")


def thread_policies(pid):
    """{thread name: [scheduling policy, ...]} of a live process, from /proc (stat field 41)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            stat = f.read()
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        policy = int(stat[stat.rindex(")") + 1:].split()[38])
        out.setdefault(name, []).append(policy)
    return out


def check_threads(gw):
    # docs/operations.md "Threads": named workers under the normal policy; the access-log writer
    # the reloader and the admin listener under SCHED_BATCH (3): their wake-ups never preempt a
    # worker.
    sched_other, sched_batch = 0, 3
    threads = thread_policies(gw.pid)
    want = {"gw-worker-0": [sched_other], "gw-worker-1": [sched_other],
            "gw-accesslog": [sched_batch], "gw-reload": [sched_batch],
            "gw-admin-0": [sched_batch]}
    for name, policies in want.items():
        check(threads.get(name) == policies, f"thread {name}: {threads}")


def observability():
    a = Upstream()
    tmp = TempDir()
    dead_port = free_port()
    keys = tmp.write("keys.csv", "key,subject,roles\nk-partner-1,partner-one,reader\n")
    path = tmp.write("p.gw", policy_text(a.port, dead_port, keys))
    log_path = os.path.join(tmp.path, "access.log")
    gw = Gateway(path, ["--access-log", log_path])
    try:
        st, body = gw.admin("GET", "/healthz")
        check(st == 200 and body == b"ok\n", f"/healthz: {st} {body}")
        before = gw.metrics()
        n = drive(gw)
        lines = read_log(log_path, n)
        check(len(lines) == n, f"one line per request: {len(lines)} lines for {n} requests")
        check_log(lines, a.port, dead_port)
        check_metrics(gw, a.port, dead_port, before)
        check_routes(gw)
        check_status_and_reloads(gw, tmp, a.port, dead_port, keys)
        check(len(read_log(log_path, n)) == n, "admin requests are not access-logged")
        check_reopen(gw, log_path)
        check_threads(gw)
    finally:
        gw.stop()
        a.stop()


SUITES = {"Observability": observability}

if __name__ == "__main__":
    run_suite(SUITES)
