#!/usr/bin/env python3
"""fixed_requests.py HOST PORT COUNT CONNS [HEADER ...]: sends exactly COUNT keep-alive GET /
requests over CONNS concurrent connections (one thread each, one request in flight per
connection, like wrk) and exits non-zero unless every answer was a 200. For per-request
counts that need an exact request total (bench/load/cost.sh IR=1: instructions under
callgrind), where wrk's fixed duration does not fit."""
import socket
import sys
import threading

host, port, count, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
extra = ''.join(h + '\r\n' for h in sys.argv[5:])
request = f'GET / HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n'.encode()
failures = []


def worker(n):
    s = socket.create_connection((host, port))
    buf = b''
    for _ in range(n):
        s.sendall(request)
        while b'\r\n\r\n' not in buf:
            chunk = s.recv(65536)
            if not chunk:
                failures.append('connection closed')
                return
            buf += chunk
        head, _, buf = buf.partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        if b' 200 ' not in lines[0] + b' ':
            failures.append(lines[0].decode(errors='replace'))
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b':')
            if name.strip().lower() == b'content-length':
                length = int(value)
        while len(buf) < length:
            chunk = s.recv(65536)
            if not chunk:
                failures.append('truncated body')
                return
            buf += chunk
        buf = buf[length:]
    s.close()


threads = [threading.Thread(target=worker, args=(count // conns + (i < count % conns),))
           for i in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    print(f'fixed_requests.py: {len(failures)} failures, first: {failures[0]}', file=sys.stderr)
    sys.exit(1)
