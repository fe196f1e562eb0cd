#!/usr/bin/env python3
"""IPVS benchmark; runs INSIDE the VM (scripts/vm-run) as root, from the repository root.

  ipvs_bench.py --bin PATH --sizes 100,1000,2000 --backends 10 --runs 7 --out FILE.json
                [--program-budget SECONDS]

For each size: a fresh namespace, S fwmark virtual services x B masquerading backends
programmed with one ipvsadm-restore (as Swarm's load balancers are: fwmark services, NAT),
then, on the same table:
  - swarm-ipvs-exporter (--collectors ipvs --namespace-path /run/netns/NS) scraped from the
    root namespace;
  - node_exporter (--collector.disable-defaults --collector.ipvs) started with `ip netns exec NS`
    and scraped from inside NS;
  - `ipvsadm -Ln --stats --exact` run inside NS.
Each: one warm-up, then RUNS timed runs, median; bytes and series (or lines) of the output;
CPU seconds per scrape and RSS of the two exporters.

If programming a table is predicted to take longer than --program-budget seconds (from the
rate measured on the previous size), the table is made smaller and the size used is recorded.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
NS = "swbench-ipvs"


def sh(*cmd, **kw):
    return subprocess.run(list(cmd), check=True, **kw)


def rules(services, backends):
    out = []
    for i in range(services):
        mark = 256 + i
        out.append("-A -f %d -s rr" % mark)
        for j in range(backends):
            # 10.(1+i/250).(i%250).(2+j): unique backend addresses per service
            out.append("-a -f %d -r 10.%d.%d.%d:0 -m -w 1" % (mark, 1 + i // 250, i % 250, 2 + j))
    return "\n".join(out) + "\n"


def in_ns_json(*cmd):
    r = subprocess.run(["ip", "netns", "exec", NS] + list(cmd), stdout=subprocess.PIPE, check=True)
    return json.loads(r.stdout)


def one_size(args, services):
    res = {"services_requested": services, "services": services, "backends": args.backends}
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    sh("ip", "netns", "add", NS)
    sh("ip", "-n", NS, "link", "set", "lo", "up")
    text = rules(services, args.backends)
    t0 = time.perf_counter()
    sh("ip", "netns", "exec", NS, "ipvsadm-restore", input=text.encode())
    res["program_seconds"] = time.perf_counter() - t0
    check = subprocess.run(["ip", "netns", "exec", NS, "ipvsadm", "-Ln"], stdout=subprocess.PIPE,
                           check=True).stdout.decode()
    res["table_lines"] = len(check.splitlines())

    ours = ne = None
    try:
        p1, p2 = bl.free_port(), bl.free_port()
        while p2 == p1:
            p2 = bl.free_port()
        ours = subprocess.Popen([args.bin, "--collectors", "ipvs", "--namespace-path",
                                 "/run/netns/" + NS, "--web.listen-address", "127.0.0.1:%d" % p1,
                                 "--no-docker", "--log.level", "warn",
                                 "--scrape.timeout", "120s"],
                                stdout=subprocess.DEVNULL, stderr=open("/tmp/exporter.log", "a"))
        ne = subprocess.Popen(["ip", "netns", "exec", NS, "prometheus-node-exporter",
                               "--collector.disable-defaults", "--collector.ipvs",
                               "--web.listen-address", "127.0.0.1:%d" % p2],
                              stdout=subprocess.DEVNULL, stderr=open("/tmp/node_exporter.log", "a"))
        url1 = "http://127.0.0.1:%d/metrics" % p1
        url2 = "http://127.0.0.1:%d/metrics" % p2
        # Wait on the landing page: a /metrics probe with a short timeout would start the first,
        # long IPVS collection, give up on it, and make the next scrapes fail at once ("the
        # previous collection has not finished yet") until it ends.
        if not bl.wait_http(url1.replace("/metrics", "/"), 120, ours):
            raise RuntimeError("swarm-ipvs-exporter did not answer")
        ok = False
        end = time.monotonic() + 120
        while time.monotonic() < end and ne.poll() is None:
            try:
                in_ns_json(PY, os.path.join(HERE, "benchlib.py"), "scrape", url2, "0")
                ok = True
                break
            except (subprocess.CalledProcessError, ValueError):
                time.sleep(0.5)
        if not ok:
            raise RuntimeError("node_exporter did not answer")

        # One warm-up each, then the runs interleaved (exporter, node_exporter, ipvsadm, again):
        # the VM's speed drifts by tens of percent over minutes, and measured one tool after the
        # other the drift would land in the ratios.
        lib = os.path.join(HERE, "benchlib.py")
        bl.get(url1, 600)
        in_ns_json(PY, lib, "scrape", url2, "0")
        ipvsadm = ["ipvsadm", "-Ln", "--stats", "--exact"]
        in_ns_json(PY, lib, "--no-warm-up", "time-cmd", "1", "--", *ipvsadm)
        mine, theirs, bare = [], [], []
        mine_cpu = theirs_cpu = 0.0
        body = b""
        for _ in range(args.runs):
            c0 = bl.cpu_seconds(ours.pid)
            t, status, body = bl.get(url1, 600)
            mine_cpu += bl.cpu_seconds(ours.pid) - c0
            mine.append(t)
            c0 = bl.cpu_seconds(ne.pid)
            ne_run = in_ns_json(PY, lib, "--no-warm-up", "scrape", url2, "1")
            theirs_cpu += bl.cpu_seconds(ne.pid) - c0
            theirs.append(ne_run["times"][0])
            bare_run = in_ns_json(PY, lib, "--no-warm-up", "time-cmd", "1", "--", *ipvsadm)
            bare.append(bare_run["times"][0])
        failed = len(re.findall(rb'^swarm_ipvs_exporter_scrape_collector_success\{[^}]*\} 0$', body, re.M))
        res["exporter"] = {"times": mine, "median": statistics.median(mine), "status": status,
                           "bytes": len(body), "series": bl.series_count(body), "collectors_failed": failed}
        res["exporter_cpu_per_scrape"] = mine_cpu / args.runs
        memory = bl.memory_kib(ours.pid)
        res["exporter_rss_kib"] = memory["rss"]
        res["exporter_rss_parts_kib"] = {"anon": memory["anon"], "file": memory["file"]}
        res["exporter_peak_rss_kib"] = memory["peak"]
        res["exporter_fds"] = bl.fd_count(ours.pid)
        res["node_exporter"] = dict(ne_run, times=theirs, median=statistics.median(theirs))
        res["node_exporter_cpu_per_scrape"] = theirs_cpu / args.runs
        res["node_exporter_rss_kib"] = bl.rss_kib(ne.pid)
        res["ipvsadm"] = dict(bare_run, times=bare, median=statistics.median(bare))

        # The same table with every per-backend series (the opt-in packet/byte counters and
        # details too): what a user who turns them on pays. Measured after the default set.
        bl.stop(ours)
        ours = subprocess.Popen([args.bin, "--collectors", "ipvs", "--namespace-path",
                                 "/run/netns/" + NS, "--web.listen-address", "127.0.0.1:%d" % p1,
                                 "--no-docker", "--log.level", "warn", "--scrape.timeout", "120s",
                                 "--collector.ipvs.backend-traffic", "--collector.ipvs.backend-details"],
                                stdout=subprocess.DEVNULL, stderr=open("/tmp/exporter.log", "a"))
        if bl.wait_http(url1.replace("/metrics", "/"), 120, ours):
            res["exporter_all_series"] = bl.scrape_series(url1, args.runs, timeout=600)
    finally:
        bl.stop(ours)
        bl.stop(ne)
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--sizes", default="100,1000,2000")
    ap.add_argument("--backends", type=int, default=10)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--program-budget", type=float, default=180.0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    subprocess.run(["modprobe", "ip_vs"], stderr=subprocess.DEVNULL)
    out = {"kind": "ipvs", "runs": args.runs, "backends": args.backends,
           "kernel": os.uname().release, "nproc": os.cpu_count(), "results": []}
    rate = None  # seconds per rule line, from the previous size
    for size in [int(s) for s in args.sizes.split(",")]:
        used = size
        if rate is not None:
            predicted = rate * size * (1 + args.backends)
            if predicted > args.program_budget:
                used = max(10, int(args.program_budget / rate / (1 + args.backends)))
                print("ipvs-bench: %d services predicted to take %.0f s to program; using %d"
                      % (size, predicted, used), flush=True)
        print("ipvs-bench: %d services x %d backends ..." % (used, args.backends), flush=True)
        t0 = time.monotonic()
        try:
            r = one_size(args, used)
        except Exception as e:  # record and go on with the next size
            print("ipvs-bench: size %d failed: %s" % (used, e), flush=True)
            out["results"].append({"services_requested": size, "services": used, "error": str(e)})
            continue
        r["services_requested"] = size
        rate = r["program_seconds"] / (used * (1 + args.backends))
        print("ipvs-bench:   programmed in %.1f s; exporter %.4f s, node_exporter %.4f s, "
              "ipvsadm %.4f s (medians); %.0f s in all"
              % (r["program_seconds"], r["exporter"]["median"], r["node_exporter"]["median"],
                 r["ipvsadm"]["median"], time.monotonic() - t0), flush=True)
        out["results"].append(r)
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
