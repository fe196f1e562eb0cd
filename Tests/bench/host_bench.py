#!/usr/bin/env python3
"""Many-namespaces benchmark and soak, on the host, as root (scripts/bench runs it).

  host_bench.py --bin PATH --sizes 10,100,1000 --scrapes 100 --soak-namespaces 50
                --soak-scrapes 10000 --out FILE.json

For each size N: N namespaces named swbench-<pid>-NNNN, each holding one veth pair (2
interfaces, plus lo), created with one `ip -batch`; the exporter reads them through the glob
--namespace-path '/run/netns/swbench-<pid>-*' with --collectors interfaces,operstate,conntrack,proc.
Warm-up scrapes until every namespace is up, then SCRAPES timed scrapes (fewer, at least 5,
if they take longer than --size-budget seconds; the number done is recorded): median scrape time,
CPU seconds per scrape (utime+stime delta / SCRAPES), RSS and open fds after them.
Soak: SOAK_NAMESPACES namespaces, SOAK_SCRAPES scrapes back to back; RSS and fds sampled
along the way (start = after 100 warm-up scrapes).
Every namespace it made is deleted on exit (also on SIGINT/SIGTERM).
"""
import argparse
import atexit
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

PREFIX = "swbench-%d-" % os.getpid()
COLLECTORS = "interfaces,operstate,conntrack,proc"
created = []
procs = []


def batch(lines):
    if not lines:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".ipbatch", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        name = f.name
    try:
        subprocess.run(["ip", "-force", "-batch", name], check=False,
                       stderr=subprocess.DEVNULL)
    finally:
        os.unlink(name)


def make_namespaces(n):
    names = ["%s%04d" % (PREFIX, i) for i in range(n)]
    lines = []
    for nm in names:
        lines.append("netns add " + nm)
        lines.append("link add va netns %s type veth peer name vb netns %s" % (nm, nm))
    created.extend(names)
    t0 = time.perf_counter()
    batch(lines)
    return names, time.perf_counter() - t0


def delete_namespaces():
    names = [nm for nm in created if os.path.exists("/run/netns/" + nm)]
    batch(["netns del " + nm for nm in names])
    created.clear()
    # anything with our prefix left over (e.g. from a half-finished batch)
    for nm in os.listdir("/run/netns") if os.path.isdir("/run/netns") else []:
        if nm.startswith(PREFIX):
            subprocess.run(["ip", "netns", "del", nm], stderr=subprocess.DEVNULL)


def cleanup():
    for p in procs:
        bl.stop(p, 5)
    delete_namespaces()


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def start_exporter(binary):
    port = bl.free_port()
    p = subprocess.Popen([binary, "--collectors", COLLECTORS, "--namespace-path",
                          "/run/netns/%s*" % PREFIX, "--web.listen-address",
                          "127.0.0.1:%d" % port, "--no-docker", "--log.level", "warn",
                          "--scrape.timeout", "120s"],
                         stdout=subprocess.DEVNULL, stderr=open("/tmp/swbench-exporter.log", "a"))
    procs.append(p)
    url = "http://127.0.0.1:%d/metrics" % port
    # the first scrape opens every namespace: allow it a long time (1,000 namespaces)
    if not bl.wait_http(url, 180, p, get_timeout=120):
        bl.stop(p)
        procs.remove(p)
        raise RuntimeError("exporter did not answer on " + url)
    return p, url


UP = re.compile(rb'^swarm_ipvs_exporter_netns_up\{[^}]*\} 1$', re.M)
FAILED = re.compile(rb'^swarm_ipvs_exporter_scrape_collector_success\{[^}]*\} 0$', re.M)


def warm_up(url, n, limit_s=180):
    """Scrape until all n namespaces are up and no collector failed. Returns figures."""
    first = None
    count = 0
    end = time.monotonic() + limit_s
    while True:
        t, status, body = bl.get(url, timeout=120)
        count += 1
        if first is None:
            first = t
        up = len(UP.findall(body))
        failed = len(FAILED.findall(body))
        if (status == 200 and up >= n and failed == 0) or time.monotonic() > end:
            return {"first_scrape_seconds": first, "warmup_scrapes": count, "netns_up": up,
                    "collectors_failed": failed}


def one_size(args, n):
    names, create_s = make_namespaces(n)
    p = None
    try:
        p, url = start_exporter(args.bin)
        res = {"namespaces": n, "create_seconds": create_s}
        res.update(warm_up(url, n))
        c0 = bl.cpu_seconds(p.pid)
        ticks = bl.cpu_ticks()
        times = []
        body = b""
        t_end = time.monotonic() + args.size_budget
        while len(times) < args.scrapes and (len(times) < 5 or time.monotonic() < t_end):
            t, _, body = bl.get(url, timeout=120)
            times.append(t)
        if len(times) < args.scrapes:
            print("host-bench:   %d namespaces: stopped after %d scrapes (--size-budget %.0f s)"
                  % (n, len(times), args.size_budget), flush=True)
        res["cpu_per_scrape"] = (bl.cpu_seconds(p.pid) - c0) / len(times)
        res["steal_percent"] = bl.steal_percent(ticks, bl.cpu_ticks())
        res["scrapes"] = len(times)
        res["median"] = statistics.median(times)
        res["p90"] = sorted(times)[int(0.9 * (len(times) - 1))]
        res["bytes"] = len(body)
        res["series"] = bl.series_count(body)
        res["failed_in_last"] = len(FAILED.findall(body))
        time.sleep(0.5)  # at rest: the last connection closed, the scrape's memory handed back
        memory = bl.memory_kib(p.pid)
        res["rss_kib"] = memory["rss"]
        res["peak_rss_kib"] = memory["peak"]
        res["fds"] = bl.fd_count(p.pid)
        res["rss_parts_kib"] = {"anon": memory["anon"], "file": memory["file"]}
        return res
    finally:
        bl.stop(p)
        if p in procs:
            procs.remove(p)
        delete_namespaces()


def sample(scrape, pid):
    """One soak sample: RSS (with its anonymous/file split, from the same reading) and fds."""
    memory = bl.memory_kib(pid)
    return {"scrape": scrape, "rss_kib": memory["rss"], "fds": bl.fd_count(pid),
            "rss_parts_kib": {"anon": memory["anon"], "file": memory["file"]}}


def soak(args):
    n = args.soak_namespaces
    make_namespaces(n)
    p = None
    try:
        p, url = start_exporter(args.bin)
        warm = warm_up(url, n)
        for _ in range(100):
            bl.get(url, timeout=60)
        samples = []
        every = max(1, args.soak_scrapes // 50)
        times = []
        t_start = time.monotonic()
        time.sleep(0.5)  # let the server close the last connection before counting fds
        # RSS split into heap/stacks (anon) and mapped code (file) at every sample, so a rise can
        # be told apart: code pages touched late, or the heap's high-water mark.
        samples.append(sample(0, p.pid))
        for i in range(1, args.soak_scrapes + 1):
            t, status, _ = bl.get(url, timeout=60)
            times.append(t)
            if status != 200:
                raise RuntimeError("soak scrape %d answered %d" % (i, status))
            if i % every == 0 or i == args.soak_scrapes:
                time.sleep(0.5)  # every sample at rest, like the first one
                samples.append(sample(i, p.pid))
        return {"namespaces": n, "scrapes": args.soak_scrapes, "warmup": warm,
                "seconds": time.monotonic() - t_start, "median": statistics.median(times),
                "rss_start_kib": samples[0]["rss_kib"], "rss_end_kib": samples[-1]["rss_kib"],
                "rss_max_kib": max(s["rss_kib"] for s in samples), "peak_rss_kib": bl.memory_kib(p.pid)["peak"],
                "fds_start": samples[0]["fds"], "fds_end": samples[-1]["fds"],
                "fds_max": max(s["fds"] for s in samples), "samples": samples}
    finally:
        bl.stop(p)
        if p in procs:
            procs.remove(p)
        delete_namespaces()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sizes", default="10,100,1000")
    ap.add_argument("--scrapes", type=int, default=100)
    ap.add_argument("--size-budget", type=float, default=240.0,
                    help="stop a size's timed scrapes after this many seconds (at least 5 scrapes)")
    ap.add_argument("--soak-namespaces", type=int, default=50)
    ap.add_argument("--soak-scrapes", type=int, default=10000)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    out = {"kind": "host", "collectors": COLLECTORS, "kernel": os.uname().release,
           "nproc": os.cpu_count(), "results": [], "soak": None}

    def save():
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)

    for n in [int(s) for s in args.sizes.split(",") if s]:
        print("host-bench: %d namespaces x 2 veth ..." % n, flush=True)
        try:
            r = one_size(args, n)
        except Exception as e:
            print("host-bench: %d namespaces failed: %s" % (n, e), flush=True)
            out["results"].append({"namespaces": n, "error": str(e)})
            save()
            continue
        print("host-bench:   first scrape %.3f s, median %.4f s, cpu/scrape %.4f s, RSS %.1f MiB, "
              "%d fds, %d series" % (r["first_scrape_seconds"], r["median"], r["cpu_per_scrape"],
                                     r["rss_kib"] / 1024, r["fds"], r["series"]), flush=True)
        out["results"].append(r)
        save()
    if args.soak_scrapes > 0:
        print("host-bench: soak, %d namespaces, %d scrapes ..."
              % (args.soak_namespaces, args.soak_scrapes), flush=True)
        try:
            out["soak"] = soak(args)
            s = out["soak"]
            print("host-bench:   %.0f s; RSS %.1f -> %.1f MiB (max %.1f), fds %d -> %d"
                  % (s["seconds"], s["rss_start_kib"] / 1024, s["rss_end_kib"] / 1024,
                     s["rss_max_kib"] / 1024, s["fds_start"], s["fds_end"]), flush=True)
        except Exception as e:
            print("host-bench: soak failed: %s" % e, flush=True)
            out["soak"] = {"error": str(e)}
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
