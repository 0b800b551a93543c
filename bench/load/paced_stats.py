#!/usr/bin/env python3
"""Summarise bench/load/paced_latency.sh's concurrent rounds (MODE=concurrent).

Input: a directory of wrk latency histograms named RATE.ROUND.TARGET.hist (one
"microseconds count" line per distinct value, written by paced.lua's HIST_FILE) and
rounds.tsv ("rate round steal_pct load1" per round).

In a round every target ran at the same time, so the host's noise (steal, other jobs) hit them
alike: the round's difference TARGET - direct cancels what they share. For each rate and target
the script prints the percentiles of all rounds pooled, then the per-round differences against
the direct row (the proxy's added latency) as median [min, lower quartile .. upper quartile,
max] over rounds, then each pair of proxies' per-round differences (gw - nginx: which one adds
more, with the shared noise cancelled).
"""
import collections
import os
import statistics
import sys


def read_hist(path):
    hist = []
    with open(path) as f:
        for line in f:
            value, count = line.split()
            hist.append((int(value), int(count)))
    hist.sort()
    return hist


def percentile(hist, p):
    total = sum(c for _, c in hist)
    if total == 0:
        return float("nan")
    rank = p / 100.0 * total
    seen = 0
    for value, count in hist:
        seen += count
        if seen >= rank:
            return value
    return hist[-1][0]


def pool(hists):
    merged = collections.Counter()
    for h in hists:
        for value, count in h:
            merged[value] += count
    return sorted(merged.items())


def quartiles(xs):
    xs = sorted(xs)
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def main(run_dir, targets):
    hists = collections.defaultdict(dict)  # (rate, round) -> target -> hist
    for name in os.listdir(run_dir):
        if not name.endswith(".hist"):
            continue
        rate, rnd, target = name[:-len(".hist")].split(".", 2)
        hists[(int(rate), int(rnd))][target] = read_hist(os.path.join(run_dir, name))
    rounds = collections.defaultdict(list)
    with open(os.path.join(run_dir, "rounds.tsv")) as f:
        for line in f:
            rate, _, steal, load = line.split()
            rounds[int(rate)].append((float(steal), float(load)))
    ps = (50, 99, 99.9)
    for rate in sorted(rounds):
        keys = [k for k in hists if k[0] == rate and all(t in hists[k] for t in targets)]
        steal = [s for s, _ in rounds[rate]]
        load = [l for _, l in rounds[rate]]
        print(f"# {rate} req/s per target, {len(keys)} concurrent rounds; steal "
              f"{min(steal):.1f}-{max(steal):.1f} % (median {statistics.median(steal):.1f}), "
              f"load1 {min(load):.2f}-{max(load):.2f}")
        print(f"{'target':<9} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'p99.9 ms':>9}   "
              "added p50 / p99 / p99.9 ms per round: median [min, q1..q3, max]")
        for t in targets:
            pooled = pool(hists[k][t] for k in keys)
            n = sum(c for _, c in pooled)
            row = f"{t:<9} {n:>9} " + " ".join(
                f"{percentile(pooled, p) / 1000:>8.3f}" for p in ps[:2]) + \
                f" {percentile(pooled, 99.9) / 1000:>9.3f}"
            if t != "direct":
                cells = []
                for p in ps:
                    d = [(percentile(hists[k][t], p) - percentile(hists[k]["direct"], p)) / 1000
                         for k in keys]
                    lo, hi = quartiles(d)
                    cells.append(f"{statistics.median(d):+.3f} [{min(d):+.3f}, {lo:+.3f}.."
                                 f"{hi:+.3f}, {max(d):+.3f}]")
                row += "   " + " / ".join(cells)
            print(row)
        proxies = [t for t in targets if t != "direct"]
        for i, a in enumerate(proxies):  # proxy against proxy, round by round (no direct term)
            for b in proxies[i + 1:]:
                cells = []
                for p in ps:
                    d = [(percentile(hists[k][a], p) - percentile(hists[k][b], p)) / 1000
                         for k in keys]
                    lo, hi = quartiles(d)
                    cells.append(f"{statistics.median(d):+.3f} [{lo:+.3f}..{hi:+.3f}]")
                print(f"{a} - {b}: p50 / p99 / p99.9 ms per round, median [q1..q3]: " +
                      " / ".join(cells))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: paced_stats.py RUN_DIR direct TARGET...")
    main(sys.argv[1], sys.argv[2:])
