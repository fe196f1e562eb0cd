#!/usr/bin/env python3
"""Shared helpers of the benchmarks (scripts/bench). Standard library only: this file also runs
inside the IPVS VM and inside network namespaces (`ip netns exec NS python3 benchlib.py ...`).

Command-line use (prints one JSON object):
  benchlib.py scrape URL RUNS          one warm-up GET, then RUNS timed GETs of URL
  benchlib.py time-cmd RUNS -- CMD...  one warm-up run, then RUNS timed runs of CMD
"""
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

CLK_TCK = os.sysconf("SC_CLK_TCK")


def get(url, timeout=60.0):
    """One HTTP GET on a new connection: (seconds from connect to last byte, status, body)."""
    u = urllib.parse.urlsplit(url)
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=timeout)
    try:
        conn.request("GET", u.path or "/")
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    return time.perf_counter() - t0, resp.status, body


def series_count(body):
    """Non-comment, non-empty lines of an exposition."""
    return sum(1 for line in body.split(b"\n") if line and not line.startswith(b"#"))


def scrape_series(url, runs, timeout=60.0, warm_up=True):
    """Warm-up GET (unless warm_up is False), then `runs` timed GETs. Returns a dict of figures."""
    if warm_up:
        get(url, timeout)
    times = []
    body = b""
    status = 0
    for _ in range(runs):
        t, status, body = get(url, timeout)
        times.append(t)
    # a collector that missed the scrape deadline would make a scrape look fast: count them
    failed = len(re.findall(rb'^swarm_ipvs_exporter_scrape_collector_success\{[^}]*\} 0$', body, re.M))
    return {"times": times, "median": statistics.median(times) if times else None,
            "status": status, "bytes": len(body), "series": series_count(body),
            "collectors_failed": failed}


def time_cmd(cmd, runs, warm_up=True):
    """Warm-up run (unless warm_up is False), then `runs` timed runs of cmd (stdout captured).
    Returns a dict of figures."""
    if warm_up:
        subprocess.run(cmd, stdout=subprocess.PIPE, check=True)
    times = []
    out = b""
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout
        times.append(time.perf_counter() - t0)
    return {"times": times, "median": statistics.median(times), "bytes": len(out),
            "lines": sum(1 for line in out.split(b"\n") if line)}


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the ')' field 3 (state) is index 0, so utime (14) is index 11, stime (15) index 12
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_ticks():
    """(steal, total) jiffies of all CPUs from /proc/stat: the share a hypervisor took from this
    machine between two readings, so a slow run on a busy host can be told from a slow exporter."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_percent(before, after):
    total = after[1] - before[1]
    return 100.0 * (after[0] - before[0]) / total if total > 0 else 0.0


def _rollup(pid):
    """/proc/PID/smaps_rollup: exact resident figures from the page tables. (VmRSS in
    /proc/PID/status is kept in per-CPU counters on recent kernels and can lag the truth by
    megabytes for a moment; it caught up only after the process had been idle a second or two.)"""
    fields = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    fields[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return fields


def _status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def memory_kib(pid):
    """Resident memory now, from one reading: "rss" (exact, smaps_rollup; VmRSS if unavailable),
    split into "anon" (heap, stacks) and "file" (mapped code and data of the binary and
    libraries), and "peak", the highest RSS the process has had (VmHWM, e.g. mid-scrape)."""
    fields = _rollup(pid)
    if "Rss" in fields:
        rss, anon = fields["Rss"], fields.get("Anonymous", 0)
        parts = {"anon": anon, "file": rss - anon}
    else:
        rss = _status(pid, "VmRSS")
        parts = {"anon": _status(pid, "RssAnon"), "file": _status(pid, "RssFile")}
    return dict(parts, rss=rss, peak=_status(pid, "VmHWM"))


def rss_kib(pid):
    """Resident set size now, exact (smaps_rollup), falling back to VmRSS."""
    return memory_kib(pid)["rss"]


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(url, deadline_s, proc=None, get_timeout=5.0):
    """Wait until url answers 200 (True) or the deadline passes / proc exits (False)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            _, status, _ = get(url, timeout=get_timeout)
            if status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def stop(proc, grace=10.0):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def main(argv):
    # --no-warm-up (first argument): the caller interleaves runs and warmed up already.
    warm_up = not (argv and argv[0] == "--no-warm-up")
    if not warm_up:
        argv = argv[1:]
    if len(argv) >= 3 and argv[0] == "scrape":
        print(json.dumps(scrape_series(argv[1], int(argv[2]), 600.0, warm_up)))
        return 0
    if len(argv) >= 4 and argv[0] == "time-cmd" and argv[2] == "--":
        print(json.dumps(time_cmd(argv[3:], int(argv[1]), warm_up)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
