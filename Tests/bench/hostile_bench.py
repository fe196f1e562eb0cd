#!/usr/bin/env python3
"""Hostile-client benchmark, on the host, as root (scripts/bench runs it).

  hostile_bench.py --bin PATH --namespaces 400 --pairs 200 --out FILE.json

Stalled readers: NAMESPACES namespaces (swhostile-<pid>-NNNN, one veth pair each), the exporter
with --collectors proc --collector.proc.fields '.*' (an answer of ~27 KB per namespace) and
--web.max-requests 40. Clients send GET /metrics with a 4 KiB receive buffer and never read.
  simultaneous: 4 such clients at once (they share one collection);
  staggered:    40 such clients, one every 0.25 s (each its own collection; the worst case the
                admission limit and the write timeout bound).
Figures: resident memory (smaps_rollup) at rest, the peak while the readers stall, at rest again
once the write timeout (10 s, the default) has cut them; how long after the last stalled client
a normal scrape is served again.
HA pairs: 20 namespaces, --collectors interfaces,operstate,proc,conntrack: PAIRS pairs of GETs
started together, against PAIRS single GETs: answers with every collector and namespace, median
wall time of a pair (both answers) against a single scrape, CPU per pair against per single.
Every namespace it made is deleted on exit.
"""
import argparse
import atexit
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
import host_bench as hb  # noqa: E402

hb.PREFIX = "swhostile-%d-" % os.getpid()
FAILED = re.compile(rb'^swarm_ipvs_exporter_scrape_collector_success\{[^}]*\} 0$', re.M)
UP = re.compile(rb'^swarm_ipvs_exporter_netns_up\{[^}]*\} 1$', re.M)


def exporter(binary, extra):
    port = bl.free_port()
    p = subprocess.Popen([binary, "--namespace-path", "/run/netns/%s*" % hb.PREFIX,
                          "--web.listen-address", "127.0.0.1:%d" % port, "--no-docker",
                          "--log.level", "error"] + extra,
                         stdout=subprocess.DEVNULL, stderr=open("/tmp/swhostile-exporter.log", "a"))
    hb.procs.append(p)
    url = "http://127.0.0.1:%d/metrics" % port
    if not bl.wait_http(url, 180, p, get_timeout=120):
        raise RuntimeError("exporter did not answer on " + url)
    return p, port, url


def stall(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n")
    return s


def at_rest(pid):
    time.sleep(1.0)
    return bl.memory_kib(pid)["rss"]


def watch_peak(pid, seconds):
    peak = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        peak = max(peak, bl.memory_kib(pid)["rss"])
        time.sleep(0.1)
    return peak


def served_again(url, limit_s=60):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit_s:
        _, status, _ = bl.get(url, timeout=60)
        if status == 200:
            return time.monotonic() - t0
        time.sleep(0.2)
    return None


def stalled_readers(args):
    hb.make_namespaces(args.namespaces)
    p, port, url = exporter(args.bin, ["--collectors", "proc", "--collector.proc.fields", ".*",
                                       "--web.max-requests", "40", "--scrape.timeout", "60s"])
    res = {"namespaces": args.namespaces}
    try:
        for _ in range(10):
            _, status, body = bl.get(url, timeout=120)
        res["answer_bytes"] = len(body)
        res["rest_kib"] = at_rest(p.pid)
        socks = [stall(port) for _ in range(4)]
        res["simultaneous_4_peak_kib"] = watch_peak(p.pid, 4)
        res["simultaneous_4_served_again_s"] = served_again(url)
        for s in socks:
            s.close()
        res["simultaneous_4_after_kib"] = at_rest(p.pid)
        socks = []
        for _ in range(40):
            socks.append(stall(port))
            time.sleep(0.25)
        res["staggered_40_peak_kib"] = watch_peak(p.pid, 3)
        res["staggered_40_served_again_s"] = served_again(url)
        for s in socks:
            s.close()
        res["staggered_40_after_kib"] = at_rest(p.pid)
    finally:
        bl.stop(p)
        hb.procs.remove(p)
        hb.delete_namespaces()
    return res


def ha_pairs(args):
    hb.make_namespaces(20)
    p, port, url = exporter(args.bin, ["--collectors", "interfaces,operstate,proc,conntrack"])
    res = {"namespaces": 20, "pairs": args.pairs}
    try:
        for _ in range(5):
            bl.get(url)
        c0 = bl.cpu_seconds(p.pid)
        singles = [bl.get(url)[0] for _ in range(args.pairs)]
        res["single_median_s"] = statistics.median(singles)
        res["single_cpu_s"] = (bl.cpu_seconds(p.pid) - c0) / args.pairs
        whole = 0
        pair_times = []
        lock = threading.Lock()

        def one(results):
            _, status, body = bl.get(url)
            ok = status == 200 and not FAILED.search(body) and len(UP.findall(body)) == 20
            with lock:
                results.append(ok)

        c0 = bl.cpu_seconds(p.pid)
        for _ in range(args.pairs):
            results = []
            threads = [threading.Thread(target=one, args=(results,)) for _ in range(2)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            pair_times.append(time.perf_counter() - t0)
            whole += sum(results)
        res["pair_cpu_s"] = (bl.cpu_seconds(p.pid) - c0) / args.pairs
        res["pair_median_s"] = statistics.median(pair_times)
        res["answers"] = 2 * args.pairs
        res["whole_answers"] = whole
    finally:
        bl.stop(p)
        hb.procs.remove(p)
        hb.delete_namespaces()
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--namespaces", type=int, default=400)
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    atexit.register(hb.cleanup)
    signal.signal(signal.SIGTERM, hb.on_signal)
    signal.signal(signal.SIGINT, hb.on_signal)
    out = {"kind": "hostile", "nproc": os.cpu_count()}
    print("hostile-bench: stalled readers, %d namespaces ..." % args.namespaces, flush=True)
    out["stalled"] = stalled_readers(args)
    s = out["stalled"]
    print("hostile-bench:   answer %d bytes; RSS at rest %.1f MiB; 4 simultaneous: peak %.1f, after %.1f; "
          "40 staggered: peak %.1f, after %.1f MiB" % (
              s["answer_bytes"], s["rest_kib"] / 1024, s["simultaneous_4_peak_kib"] / 1024,
              s["simultaneous_4_after_kib"] / 1024, s["staggered_40_peak_kib"] / 1024,
              s["staggered_40_after_kib"] / 1024), flush=True)
    print("hostile-bench: HA pairs, %d pairs of scrapes of 20 namespaces ..." % args.pairs, flush=True)
    out["pairs"] = ha_pairs(args)
    h = out["pairs"]
    print("hostile-bench:   %d of %d answers whole; pair %.1f ms vs single %.1f ms; CPU per pair %.1f ms vs single %.1f ms" % (
        h["whole_answers"], h["answers"], h["pair_median_s"] * 1e3, h["single_median_s"] * 1e3,
        h["pair_cpu_s"] * 1e3, h["single_cpu_s"] * 1e3), flush=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
