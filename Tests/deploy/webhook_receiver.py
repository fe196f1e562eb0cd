#!/usr/bin/env python3
"""A webhook receiver for Tests/deploy/run-stack-flags.sh: Alertmanager's notifications land here.

  webhook_receiver.py PORT FILE     (serves 127.0.0.1:PORT until killed)

Every POSTed body is appended to FILE as one line (Alertmanager's webhook JSON, newlines removed),
and answered 200.
"""
import http.server
import sys


def main():
    port, out = int(sys.argv[1]), sys.argv[2]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with open(out, "ab") as f:
                f.write(body.replace(b"\n", b" ") + b"\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
