#!/usr/bin/env python3
"""Writes each fuzz target's seed corpus, taken from tests/data, into OUT/<target>/.

usage: make_seeds.py SOURCE_DIR OUT_DIR
"""
import base64
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

# Prometheus text: the first byte picks the format (bit 0: OpenMetrics) and the name scheme (bit 1: legacy).
prometheus = os.path.join(data, "prometheus")
for path in glob.glob(os.path.join(prometheus, "*.txt")):
    body = open(path, "rb").read()
    put("promtext", b"\x00" + body)
    put("body", b"\x02" + body)
expfmt = json.load(open(os.path.join(prometheus, "expfmt-text-parse-cases.json")))
for case in expfmt["valid"] + expfmt["errors"]:
    raw = base64.b64decode(case["input_base64"]) if "input_base64" in case else case["input"].encode()
    put("promtext", b"\x00" + raw)
    put("promtext", b"\x02" + raw)
for case in json.load(open(os.path.join(prometheus, "openmetrics-parser-tests.json")))["cases"]:
    put("promtext", b"\x01" + case["input"].encode())
for extra in ['[METRIC].messenger_health_check_status{check="redis"} == 1\nmessenger_health_check_status{check="redis"} 0\n',
              'rate([METRIC].requests_total{method="GET"}) > 0\n# TYPE requests counter\nrequests_total{method="GET"} 5\n',
              'delta([METRIC].a_total, 5m) > 0\na_total 3\n']:
    put("conditions", extra)

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
