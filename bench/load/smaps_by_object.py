#!/usr/bin/env python3
"""Attributes a process's resident memory to what is mapped: each shared object (its text,
read-only data and relocated data apart), the binary, [heap], thread stacks and other anonymous
mappings. Reads /proc/PID/smaps; prints one line per object, largest first, in MiB.

usage: smaps_by_object.py PID [TOP=14]
  rss    resident pages (what VmRSS sums)
  anon   of which anonymous (heap, stacks, relocated .data.rel.ro / GOT of a library)
  file   of which file-backed and clean (text and read-only data: shared, reclaimable)
"""
import collections
import sys


def main():
    pid = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    per = collections.defaultdict(collections.Counter)
    name = None
    for line in open(f"/proc/{pid}/smaps"):
        parts = line.split()
        if not parts:
            continue
        if not parts[0].endswith(":") and "-" in parts[0]:
            path = parts[5] if len(parts) > 5 else ""
            if path.startswith("/"):
                name = path.rsplit("/", 1)[-1] + " " + parts[1]
            elif path:
                name = path  # [heap], [stack], [vdso]...
            else:
                name = "[anonymous]"  # malloc arenas, thread stacks, mmap'd buffers
        elif parts[0] in ("Rss:", "Anonymous:"):
            per[name][parts[0][:-1]] += int(parts[1])
    total = collections.Counter()
    for c in per.values():
        total.update(c)
    print(f"{'mapping':44s} {'rss':>7s} {'anon':>7s} {'file':>7s}  (MiB)")
    for n, c in sorted(per.items(), key=lambda kv: -kv[1]["Rss"])[:top]:
        print(f"{n:44s} {c['Rss'] / 1024:7.1f} {c['Anonymous'] / 1024:7.1f} "
              f"{(c['Rss'] - c['Anonymous']) / 1024:7.1f}")
    print(f"{'total':44s} {total['Rss'] / 1024:7.1f} {total['Anonymous'] / 1024:7.1f} "
          f"{(total['Rss'] - total['Anonymous']) / 1024:7.1f}")


if __name__ == "__main__":
    main()
