#!/usr/bin/env python3
"""Where a process's user-space CPU samples go, by category of the sampled (leaf) function.

Input: `perf script -F comm,tid,ip,sym,dso` of a cpu-clock profile recorded with a call graph
(bench/load/cost.sh PROFILE=1 PROFILE_GRAPH=1 leaves <target>.perf.data in OUT_DIR). Kernel
samples are counted in the total only; each user-space sample goes to the first category whose
pattern matches its leaf symbol or object, so the order of CATEGORIES matters (allocation
before Asio: Asio's frame allocator is counted as allocation). With US_PER_REQ (the run's user
µs per request, cost.sh's user/sys column) each share is also given in µs per request.

Usage: perf script -i OUT_DIR/gw-peers.perf.data -F comm,tid,ip,sym,dso > gw.script
       bench/load/user_profile.py gw.script [US_PER_REQ]
"""
import collections
import re
import sys

CATEGORIES = [
    ('malloc/free', r'malloc|free|_int_|operator new|operator delete|memalign|tcache|aligned_new|aligned_delete'),
    ('asio + coroutine machinery', r'boost::asio|awaitable|coroutine_handle|co_spawn|any_executor|any_io_executor'),
    ('libc mem*/str* (copies, scans)', r'__mem|__str|memcpy|memmove|memset|memchr|memcmp|char_traits'),
    ('libc system call wrappers', r'__libc_|epoll_wait|__GI___|sendmsg|recv'),
    ('clock reads', r'clock_gettime|vdso|chrono'),
    ('std::string/vector code', r'basic_string|std::vector|std::pair|_Destroy|construct_at|destroy_at'),
    ('SHA-256 (libcrypto)', r'SHA256|sha256|libcrypto'),
    ('http parsing/framing', r'gw::http::'),
    ('access log', r'gw::accesslog::'),
    ('auth', r'gw::auth::'),
    ('limit', r'gw::limit::'),
    ('gateway handler', r'gw::gateway::'),
    ('route match / policy code', r'gw::native::|gw::interp::|JIT|perf-\d+\.map'),
    ('server (session, forwarder, pool, writers)', r'gw::server::|gw::net::'),
]
SAMPLE_FRAME = re.compile(r'\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$')


def samples(path):
    frames = None
    with open(path, errors='replace') as f:
        for line in f:
            if not line.strip():
                if frames:
                    yield frames
                frames = None
            elif not line[0].isspace():
                frames = []
            elif frames is not None:
                m = SAMPLE_FRAME.match(line)
                if m:
                    frames.append((m.group(2), m.group(3)))
    if frames:
        yield frames


def categorize(frames):
    """The category of the sampled function: the leaf, or when perf reports the leaf as inlined
    (no object of its own), the innermost of the inlined chain and the function it is inlined
    into that has a category."""
    for sym, dso in frames:
        for name, pattern in CATEGORIES:
            if re.search(pattern, '%s %s' % (sym, dso)):
                return name
        if dso != 'inlined':
            return None
    return None


def main():
    us = float(sys.argv[2]) if len(sys.argv) > 2 else None
    total = user = 0
    counts = collections.Counter()
    for frames in samples(sys.argv[1]):
        total += 1
        if not frames or 'kernel' in frames[0][1]:
            continue
        user += 1
        name = categorize(frames)
        counts[name or 'other (%s)' % frames[-1][1].split('/')[-1]] += 1
    if user == 0:
        sys.exit('no user-space samples in %s' % sys.argv[1])
    print('samples %d, user-space %d (%.1f%%)' % (total, user, 100.0 * user / total))
    for name, n in counts.most_common():
        extra = '  %.2f us/req' % (us * n / user) if us else ''
        print('%-44s %5.1f%%%s' % (name, 100.0 * n / user, extra))


if __name__ == '__main__':
    main()
