#!/usr/bin/env python3
"""A small, healthy HTTP server as Python's standard library makes it: one request at a time, listen backlog 5.

Prints its port on stdout once it listens, then answers every GET with 200 {"status":"ok"} after a 2 ms pause
(the cost of a real handler), until killed. A client that opens a hundred connections at once overflows its
backlog; the kernel drops the extra SYNs and the client's retries land seconds later.
"""
import http.server
import json
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(0.002)
        body = json.dumps({"status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.HTTPServer):
    request_queue_size = 5  # the standard library's default, spelled out


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
