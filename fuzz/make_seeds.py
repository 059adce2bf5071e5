#!/usr/bin/env python3
"""Writes each fuzz target's seed corpus, taken from tests/data, into OUT/<target>/.

usage: make_seeds.py SOURCE_DIR OUT_DIR
"""
import glob
import hashlib
import json
import os
import sys

src, out = sys.argv[1], sys.argv[2]


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


data = os.path.join(src, "tests", "data")
for path in glob.glob(os.path.join(data, "config", "*.yaml")) + [
        os.path.join(src, "resources", "demo", "healthdeck-demo.yaml"),
        os.path.join(src, "packaging", "healthdeck.yaml")]:
    put("config", open(path, "rb").read())

for case in json.load(open(os.path.join(data, "gatus-condition-cases.json"))):
    put("conditions", case["condition"] + "\n" + (case.get("body") or ""))
for extra in ["age([BODY].last_activity) < 60s\n{\"last_activity\":\"2026-09-21T10:00:00Z\"}",
              "rate([BODY].processed_count) > 0\n{\"processed_count\":42}",
              "delta([BODY].n, 5m) >= 1\n{\"n\":3}", "[TTL] > 1000\n"]:
    put("conditions", extra)

for path in glob.glob(os.path.join(data, "*.json")) + glob.glob(os.path.join(data, "*.txt")):
    put("body", b"\x00" + open(path, "rb").read())

transcript = json.load(open(os.path.join(data, "redis-7.0.15-resp-transcript.json")))
for exchange in transcript["exchanges"]:
    raw = exchange.get("reply_raw")
    if raw:
        put("resp", b"\x03" + raw.encode("utf-8", "surrogateescape"))

# HTTP responses: the hostile shapes the parser must take, and a real Prometheus answer.
responses = [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}",
    b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nnot_\r\n5\r\nready\r\n0\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.0 200 OK\nX-Long: a\n b\n\nuntil close",
    b"HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
]
for path in glob.glob(os.path.join(data, "prometheus-2.42-*.txt")):
    body = open(path, "rb").read()
    responses.append(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
for r in responses:
    put("http", b"\x05" + r)
