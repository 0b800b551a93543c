#!/usr/bin/env python3
"""What ran on a core while a thread waited for it: blame for scheduling delay.

    perf sched record -C 0 -o sched.data -- sleep 5      # during a paced run (one core)
    perf sched timehist -i sched.data > timehist.txt
    bench/load/sched_blame.py timehist.txt gw-worker-0

For every time THREAD was switched in after waiting runnable ("sch delay" in perf's timehist),
the other tasks' run intervals that overlap that wait are charged to them. Prints the
distribution of THREAD's scheduling delays and the tasks that ran while it waited, by name
(pid and tid dropped), biggest first: gw's own threads (gw-accesslog, gw-admin-0, ...) versus
the origin, the load generator and foreign jobs; charged as name[pid], so two nginx processes
stay apart. THREAD is a task name (the part before "[") or a thread id.
"""
import collections
import re
import sys

LINE = re.compile(r"^\s*(\d+\.\d+)\s+\[(\d+)\]\s+(.+?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$")


def parse(path):
    runs = []  # (start_s, end_s, name, tid, "name[pid]", sch_delay_s)
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            end = float(m.group(1))
            name, _, ids = m.group(3).partition("[")
            tid, _, pid = ids.rstrip("]").partition("/")
            run_s = float(m.group(6)) / 1000
            runs.append((end - run_s, end, name, tid, f"{name}[{pid or tid}]",
                         float(m.group(5)) / 1000))
    runs.sort()
    return runs


def main(path, victim):
    runs = parse(path)
    blame = collections.Counter()
    delays = []
    hit = lambda r: victim in (r[2], r[3])
    for run in runs:
        start, delay = run[0], run[5]
        if not hit(run) or delay <= 0:
            continue
        delays.append(delay)
        lo, hi = start - delay, start
        for other in runs:  # O(n^2) is fine for a few seconds of one core
            s, e = other[0], other[1]
            if e <= lo or hit(other):
                continue
            if s >= hi:
                break
            blame[other[4]] += min(e, hi) - max(s, lo)
    if not delays:
        sys.exit(f"no scheduling delays of {victim} in {path}")
    delays.sort()
    pick = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))] * 1e6
    switches = sum(1 for r in runs if hit(r))
    print(f"{victim}: {switches} switch-ins, {len(delays)} after waiting runnable; sch delay us "
          f"p50 {pick(.5):.0f} p90 {pick(.9):.0f} p99 {pick(.99):.0f} max {delays[-1] * 1e6:.0f}; "
          f"total {sum(delays) * 1e3:.1f} ms")
    total = sum(blame.values())
    print(f"{'ran while it waited':<24} {'ms':>8} {'share':>6}")
    for name, secs in blame.most_common(15):
        print(f"{name:<24} {secs * 1e3:>8.2f} {100 * secs / total:>5.1f}%")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: sched_blame.py TIMEHIST_FILE THREAD_NAME")
    main(sys.argv[1], sys.argv[2])
