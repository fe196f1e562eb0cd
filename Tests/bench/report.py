#!/usr/bin/env python3
"""Turns the benchmarks' JSON (ipvs.json from the VM, host.json from the host) into a table of
figures with target verdicts (printed), a markdown report and a PNG plot.

  report.py --dir OUTDIR [--markdown FILE] [--plot FILE] [--mode full|quick]

Targets (issue 7):
  T1 ipvs scrape <= 0.5 x node_exporter's, at the largest table (2,000 x 10)
  T2 ipvs scrape <= 2 x the bare `ipvsadm -Ln --stats --exact`, same table
  T3 1,000 namespaces: <= 0.5 s per scrape (median)
  T4 RSS <= 40 MB = 40,000,000 bytes (every scenario), at rest after the scrapes (exact, from
     /proc/PID/smaps_rollup); the peak during scrapes (VmHWM) is printed beside it
  T5 flat RSS and fds over the soak (fds equal; RSS growth <= 2 MiB from start to end)
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

RSS_LIMIT_KIB = 40_000_000 // 1024  # 40 MB = 39,062 KiB = 38.1 MiB
SOAK_RSS_SLACK_KIB = 2048


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ms(s):
    return "%.1f ms" % (s * 1000) if s is not None else "-"


def mib(k):
    return "%.1f MiB" % (k / 1024) if k is not None else "-"


def peaked(rest, peak):
    return "%s (%s)" % (mib(rest), mib(peak)) if peak else mib(rest)


def verdict(ok):
    return "met" if ok else "NOT MET"


def build(ipvs, host, mode):
    lines = []
    verdicts = []  # (target, figure, verdict)

    lines.append("### IPVS, one namespace, in the VM (QEMU TCG: absolute times are slow, "
                 "ratios are what count)")
    lines.append("")
    if ipvs and ipvs.get("results"):
        lines.append("| services × backends | programmed in | exporter scrape | node_exporter scrape"
                     " | ipvsadm dump | exporter / node_exporter | exporter / ipvsadm | exporter bytes"
                     " / series | node_exporter bytes / series | ipvsadm bytes / lines"
                     " | exporter CPU/scrape | node_exporter CPU/scrape | exporter RSS (peak) |")
        lines.append("|" + "---|" * 13)
        for r in ipvs["results"]:
            size = "%d × %d" % (r["services"], r.get("backends", ipvs.get("backends", 10)))
            if r["services"] != r["services_requested"]:
                size += " (asked %d, reduced)" % r["services_requested"]
            if "error" in r:
                lines.append("| %s | failed: %s |" % (size, r["error"]) + " |" * 11)
                continue
            e, n, a = r["exporter"]["median"], r["node_exporter"]["median"], r["ipvsadm"]["median"]
            lines.append("| %s | %.1f s | %s | %s | %s | %.2f× | %.2f× | %d / %d | %d / %d | %d / %d"
                         " | %s | %s | %s |" % (
                             size, r["program_seconds"], ms(e), ms(n), ms(a), e / n, e / a,
                             r["exporter"]["bytes"], r["exporter"]["series"],
                             r["node_exporter"]["bytes"], r["node_exporter"]["series"],
                             r["ipvsadm"]["bytes"], r["ipvsadm"]["lines"],
                             ms(r["exporter_cpu_per_scrape"]), ms(r["node_exporter_cpu_per_scrape"]),
                             peaked(r["exporter_rss_kib"], r.get("exporter_peak_rss_kib"))))
        lines.append("")
        every = [r for r in ipvs["results"] if "error" not in r and "exporter_all_series" in r]
        if every:
            lines.append("The exporter's default set has 4 series per backend. With every per-backend series "
                         "(`--collector.ipvs.backend-traffic --collector.ipvs.backend-details`, 10 per backend) on "
                         "the same tables, in the same VM run:")
            lines.append("")
            lines.append("| services × backends | exporter scrape, all series | / node_exporter | / ipvsadm | bytes / series |")
            lines.append("|---|---|---|---|---|")
            for r in every:
                if r["exporter_all_series"].get("collectors_failed"):
                    lines.append("| %d × %d | failed: the ipvs collector failed in the scrapes measured |  |  |  |"
                                 % (r["services"], r.get("backends", 10)))
                    continue
                x, n, a = r["exporter_all_series"]["median"], r["node_exporter"]["median"], r["ipvsadm"]["median"]
                lines.append("| %d × %d | %s | %.2f× | %.2f× | %d / %d |" % (
                    r["services"], r.get("backends", 10), ms(x), x / n, x / a,
                    r["exporter_all_series"]["bytes"], r["exporter_all_series"]["series"]))
            lines.append("")
        # A scrape whose ipvs collector failed is fast and empty: never a figure for a target.
        ok = [r for r in ipvs["results"] if "error" not in r and not r["exporter"].get("collectors_failed")]
        if ok:
            big = max(ok, key=lambda r: r["services"])
            e, n, a = big["exporter"]["median"], big["node_exporter"]["median"], big["ipvsadm"]["median"]
            tag = "%d × %d" % (big["services"], big.get("backends", 10))
            if big["services"] < 2000:
                tag += " (target is stated at 2,000 × 10)"
            verdicts.append(("ipvs scrape ≤ 0.5× node_exporter's at %s" % tag,
                             "%.2f× (%s vs %s)" % (e / n, ms(e), ms(n)), verdict(e <= 0.5 * n)))
            verdicts.append(("ipvs scrape ≤ 2× bare ipvsadm dump at %s" % tag,
                             "%.2f× (%s vs %s)" % (e / a, ms(e), ms(a)), verdict(e <= 2 * a)))
            rss = max(r["exporter_rss_kib"] for r in ok)
            verdicts.append(("RSS ≤ 40 MB (38.1 MiB) at rest (ipvs scenarios, largest)", mib(rss),
                             verdict(rss <= RSS_LIMIT_KIB)))
    else:
        lines.append("(not run)")
        lines.append("")

    lines.append("### Many namespaces, on the host (collectors %s)"
                 % (host or {}).get("collectors", "interfaces,operstate,conntrack,proc"))
    lines.append("")
    if host and host.get("results"):
        lines.append("| namespaces × 2 veth | first scrape (opens all) | scrape median | p90 |"
                     " CPU per scrape | RSS at rest after scrapes (peak) | open fds | series | bytes | CPU steal |")
        lines.append("|" + "---|" * 10)
        for r in host["results"]:
            if "error" in r:
                lines.append("| %d | failed: %s |" % (r["namespaces"], r["error"]) + " |" * 8)
                continue
            lines.append("| %d | %s | %s | %s | %s | %s (after %d) | %d | %d | %d | %s |" % (
                r["namespaces"], ms(r["first_scrape_seconds"]), ms(r["median"]), ms(r["p90"]),
                ms(r["cpu_per_scrape"]), peaked(r["rss_kib"], r.get("peak_rss_kib")), r["scrapes"], r["fds"], r["series"],
                r["bytes"], "%.0f %%" % r["steal_percent"] if "steal_percent" in r else "-"))
        lines.append("")
        lines.append("CPU steal: the share of this machine's CPU time its hypervisor took while the scrapes ran "
                     "(/proc/stat); with steal, every time in the row is longer by about that share.")
        lines.append("")
        ok = [r for r in host["results"] if "error" not in r]
        if ok:
            big = max(ok, key=lambda r: r["namespaces"])
            tag = "%d namespaces" % big["namespaces"]
            if big["namespaces"] < 1000:
                tag += " (target is stated at 1,000)"
            verdicts.append(("≤ 0.5 s per scrape at %s" % tag, ms(big["median"]),
                             verdict(big["median"] <= 0.5)))
            rss = max(r["rss_kib"] for r in ok)
            verdicts.append(("RSS ≤ 40 MB (38.1 MiB) at rest (namespace scenarios, largest)", mib(rss),
                             verdict(rss <= RSS_LIMIT_KIB)))
    else:
        lines.append("(not run)")
        lines.append("")

    soak = (host or {}).get("soak")
    lines.append("### Soak")
    lines.append("")
    if soak and "error" not in soak:
        lines.append("%d scrapes of %d namespaces back to back in %.0f s (median scrape %s): "
                     "RSS %s → %s (max %s; peak during a scrape %s), open fds %d → %d (max %d). "
                     "Start = after 100 warm-up scrapes; every sample at rest, 0.5 s after a scrape." % (
                         soak["scrapes"], soak["namespaces"], soak["seconds"], ms(soak["median"]),
                         mib(soak["rss_start_kib"]), mib(soak["rss_end_kib"]),
                         mib(soak["rss_max_kib"]), mib(soak.get("peak_rss_kib")), soak["fds_start"], soak["fds_end"],
                         soak["fds_max"]))
        lines.append("")
        grow = soak["rss_end_kib"] - soak["rss_start_kib"]
        flat = grow <= SOAK_RSS_SLACK_KIB and soak["fds_end"] == soak["fds_start"]
        verdicts.append(("flat RSS and fds over the soak (%d scrapes; RSS growth ≤ 2 MiB, fds equal)"
                         % soak["scrapes"],
                         "RSS %+.1f MiB, fds %+d" % (grow / 1024, soak["fds_end"] - soak["fds_start"]),
                         verdict(flat)))
        verdicts.append(("RSS ≤ 40 MB (38.1 MiB) at rest (soak, max)", mib(soak["rss_max_kib"]),
                         verdict(soak["rss_max_kib"] <= RSS_LIMIT_KIB)))
    elif soak:
        lines.append("failed: %s" % soak["error"])
        lines.append("")
    else:
        lines.append("(not run)")
        lines.append("")

    vt = ["### Targets", "", "| target | measured | verdict |", "|---|---|---|"]
    vt += ["| %s | %s | %s |" % v for v in verdicts]
    if mode == "quick":
        vt += ["", "_Quick mode: small sizes; the verdicts are about those sizes, not the targets' "
                   "stated sizes._"]
    return lines, vt + [""], verdicts


def plot(ipvs, host, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.8))
    ok = [r for r in (ipvs or {}).get("results", []) if "error" not in r]
    if ok:
        x = [r["services"] * r.get("backends", 10) for r in ok]
        a1.plot(x, [r["exporter"]["median"] * 1000 for r in ok], "o-",
                label="swarm-ipvs-exporter (--collectors ipvs)")
        a1.plot(x, [r["node_exporter"]["median"] * 1000 for r in ok], "s-",
                label="node_exporter (--collector.ipvs)")
        a1.plot(x, [r["ipvsadm"]["median"] * 1000 for r in ok], "^--",
                label="ipvsadm -Ln --stats --exact")
        for r, xi in zip(ok, x):
            a1.annotate("%d×%d" % (r["services"], r.get("backends", 10)),
                        (xi, r["node_exporter"]["median"] * 1000), textcoords="offset points",
                        xytext=(0, 8), ha="center", fontsize=8)
        a1.set_xscale("log")
        a1.set_yscale("log")
        a1.legend(fontsize=8)
    else:
        a1.text(0.5, 0.5, "not run", ha="center", transform=a1.transAxes)
    a1.set_title("IPVS table, one namespace (VM, QEMU TCG)")
    a1.set_xlabel("backends in the table (services × backends)")
    a1.set_ylabel("scrape / dump wall time, median (ms)")
    a1.grid(True, which="both", alpha=0.3)

    ok = [r for r in (host or {}).get("results", []) if "error" not in r]
    if ok:
        x = [r["namespaces"] for r in ok]
        a2.plot(x, [r["median"] * 1000 for r in ok], "o-", label="scrape time, median")
        a2.plot(x, [r["cpu_per_scrape"] * 1000 for r in ok], "s--", label="CPU time per scrape")
        a2.axhline(500, color="red", linestyle=":", label="target at 1,000 namespaces: 0.5 s")
        a2.set_xscale("log")
        a2.set_yscale("log")
        a2.legend(fontsize=8)
    else:
        a2.text(0.5, 0.5, "not run", ha="center", transform=a2.transAxes)
    a2.set_title("swarm-ipvs-exporter, namespaces × 2 veth (host)\n"
                 "interfaces, operstate, conntrack, proc")
    a2.set_xlabel("network namespaces")
    a2.set_ylabel("ms")
    a2.grid(True, which="both", alpha=0.3)
    from matplotlib.ticker import NullFormatter, ScalarFormatter
    for ax in (a1, a2):
        for axis in (ax.xaxis, ax.yaxis):
            f = ScalarFormatter()
            f.set_scientific(False)
            axis.set_major_formatter(f)
            axis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def hostile_section(hostile):
    """Markdown lines for hostile.json (Tests/bench/hostile_bench.py), or none."""
    if not hostile:
        return []
    lines = ["", "### Hostile clients (on the host)", ""]
    s = hostile.get("stalled")
    if s:
        again = lambda v: "%.1f s" % v if v is not None else "never (60 s)"
        lines += [
            "Clients that send `GET /metrics` with a 4 KiB receive buffer and never read; %d namespaces "
            "with every /proc field (an answer of %d bytes), `--web.max-requests 40`, the default "
            "`--web.write-timeout` (10 s). Resident memory (smaps_rollup): at rest after 10 scrapes, the "
            "highest while the clients stall, at rest again after they were cut." % (
                s["namespaces"], s["answer_bytes"]),
            "",
            "| stalled clients | RSS at rest | RSS while they stall (peak) | RSS after they were cut | a scrape served again |",
            "|---|---|---|---|---|",
            "| 4 at once (one shared collection) | %s | %s | %s | %s |" % (
                mib(s["rest_kib"]), mib(s["simultaneous_4_peak_kib"]), mib(s["simultaneous_4_after_kib"]),
                again(s["simultaneous_4_served_again_s"])),
            "| 40, one every 0.25 s (at most 2 results held; past that a scrape gets the newest held one) | %s | %s | %s | %s |" % (
                mib(s["rest_kib"]), mib(s["staggered_40_peak_kib"]), mib(s["staggered_40_after_kib"]),
                again(s["staggered_40_served_again_s"])),
            "",
        ]
    h = hostile.get("pairs")
    if h:
        lines += [
            "HA pairs: %d pairs of scrapes started together (two threads), %d namespaces, collectors "
            "interfaces, operstate, proc, conntrack; against %d single scrapes." % (h["pairs"], h["namespaces"], h["pairs"]),
            "",
            "| whole answers (every collector, every namespace) | median time, pair (both answers) | median time, single | CPU per pair | CPU per single |",
            "|---|---|---|---|---|",
            "| %d of %d | %s | %s | %s | %s |" % (h["whole_answers"], h["answers"], ms(h["pair_median_s"]),
                                             ms(h["single_median_s"]), ms(h["pair_cpu_s"]), ms(h["single_cpu_s"])),
            "",
        ]
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--markdown")
    ap.add_argument("--plot")
    ap.add_argument("--mode", default="full")
    ap.add_argument("--note", action="append", default=[],
                    help="a line added under the header of the markdown (repeatable)")
    args = ap.parse_args()
    ipvs = load(os.path.join(args.dir, "ipvs.json"))
    host = load(os.path.join(args.dir, "host.json"))
    lines, vt, verdicts = build(ipvs, host, args.mode)
    lines += hostile_section(load(os.path.join(args.dir, "hostile.json")))
    print("\n".join(lines + vt))
    if args.markdown:
        kernel_vm = (ipvs or {}).get("kernel", "-")
        try:
            cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                   if l.startswith("model name")][0]
        except (OSError, IndexError):
            cpu = platform.processor() or "-"
        try:
            rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True).stdout.strip()
        except OSError:
            rev = ""
        head = [
            "# Benchmarks",
            "",
            "Produced by `scripts/bench%s` on %s (UTC)." % (
                " --quick" if args.mode == "quick" else "",
                datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")),
            "",
            "- machine: %d CPUs (`nproc`), %s; host kernel %s; git revision %s" % (
                os.cpu_count(), cpu, os.uname().release, rev or "-"),
            "- IPVS scenarios: inside `scripts/vm-run` (Debian kernel %s under QEMU TCG, "
            "software emulation, %s vCPU); namespace scenarios and soak: on the host" % (
                kernel_vm, (ipvs or {}).get("nproc", "-")),
            "- every time is the wall time of one HTTP GET of /metrics on a new connection (or "
            "one run of `ipvsadm`), median of the runs after a warm-up; in the VM the three tools "
            "take turns (exporter, node_exporter, ipvsadm, again), so the VM's drift in speed "
            "does not land in the ratios; expect noise of ±20 % in absolute times",
            "",
        ] + ["- " + n for n in args.note] + [
            "",
            "![scrape time vs table size and namespace count](benchmark-scrape-time.png)",
            "",
        ]
        os.makedirs(os.path.dirname(os.path.abspath(args.markdown)), exist_ok=True)
        with open(args.markdown, "w") as f:
            f.write("\n".join(head + vt + lines) + "\n")
    if args.plot:
        os.makedirs(os.path.dirname(os.path.abspath(args.plot)), exist_ok=True)
        plot(ipvs, host, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
