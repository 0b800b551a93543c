"""A test upstream for the body-transform suites: answers by path with bodies of a known shape.

  /echo            JSON {"method","path","headers":[[k,v]...],"body": <request body text>}
  /text/N          N bytes of text/plain, Content-Length
  /chunked/N       N bytes of text/plain, chunked in 1000-byte chunks
  /closedelim/N    N bytes of text/plain, HTTP/1.0-style (no length, close at the end)
  /png/N           N bytes with Content-Type image/png
  /pregzip         a gzip body with Content-Encoding: gzip
  /etag/N          N bytes of text with ETag "v1" and Vary: Origin
  /json            a JSON object with customer_id and secret fields
  /badjson         "{not json" with Content-Type application/json
  /nocontent       204
  /slow            chunked text/plain: 3000 bytes, a 4 s pause, 3000 more bytes
  /__count         {"count": N}: requests served so far, excluding /__count
Prints the bound port on stdout. Run as a separate process; stopped by PID.
"""
import gzip
import http.server
import json
import socketserver
import sys
import threading
import time

COUNT = 0
LOCK = threading.Lock()


def text(n):
    line = b"the quick brown gateway jumps over the lazy upstream 0123456789\n"
    return (line * (n // len(line) + 1))[:n]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def handle_any(self):
        global COUNT
        path = self.path.split("?")[0]
        body = self.read_body()
        if path != "/__count":
            with LOCK:
                COUNT += 1
        n = int(path.rsplit("/", 1)[1]) if path.rsplit("/", 1)[1].isdigit() else 0
        if path == "/__count":
            self.send(200, json.dumps({"count": COUNT}).encode(), "application/json")
        elif path.startswith("/echo"):
            doc = {"method": self.command, "path": self.path,
                   "headers": [[k, v] for k, v in self.headers.items()],
                   "body": body.decode("utf-8", "replace")}
            self.send(200, json.dumps(doc).encode(), "application/json")
        elif path.startswith("/text/"):
            self.send(200, text(n))
        elif path.startswith("/png/"):
            self.send(200, text(n), "image/png")
        elif path.startswith("/etag/"):
            self.send(200, text(n), "text/plain", [("ETag", '"v1"'), ("Vary", "Origin"),
                                                   ("Accept-Ranges", "bytes")])
        elif path == "/pregzip":
            self.send(200, gzip.compress(text(5000)), "text/plain", [("Content-Encoding", "gzip")])
        elif path == "/json":
            doc = {"order": 7, "customer_id": 42, "secret": "s3", "lines": [1, 2]}
            self.send(200, json.dumps(doc).encode(), "application/json; charset=utf-8")
        elif path == "/badjson":
            self.send(200, b"{not json", "application/json")
        elif path == "/nocontent":
            self.send_response(204)
            self.end_headers()
        elif path.startswith("/chunked/"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = text(n)
            for i in range(0, len(data), 1000):
                piece = data[i:i + 1000]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(2):
                piece = text(3000)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                if i == 0:
                    time.sleep(4)
            self.wfile.write(b"0\r\n\r\n")
        elif path.startswith("/closedelim/"):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(text(n))
            self.close_connection = True
        else:
            self.send(404, b"no such path")

    do_GET = do_POST = do_PUT = do_HEAD = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
