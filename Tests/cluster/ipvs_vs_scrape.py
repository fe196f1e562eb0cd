#!/usr/bin/env python3
"""ipvs_vs_scrape.py: one node's exporter scrape against that node's kernel (stdlib only).

    ipvs_vs_scrape.py SCRAPE NETNS STATS LIST

SCRAPE is the exporter's /metrics answer; STATS and LIST are `ipvsadm -Ln --stats --exact` and
`ipvsadm -Ln` run inside the namespace NETNS (the exporter's netns label, e.g. ingress_sbox) at
the time of the scrape. Every fwmark service of the kernel table is compared with the exporter's
series under the stack's default flags: connections, packets and bytes each way (services), and
per backend connections scheduled, active and inactive connections and weight. A service or
backend one side has and the other has not fails too. Prints `ok …` / `FAIL …` per value and
exits 1 on any failure or when the table is empty.
"""
import re
import sys

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def scrape_series(path, netns):
    out = {}
    for line in open(path):
        m = LINE.match(line.strip())
        if not m or not m.group(1).startswith("ipvs_"):
            continue
        labels = dict(LABEL.findall(m.group(2) or ""))
        if labels.get("netns") != netns:
            continue
        out.setdefault(m.group(1), []).append((labels, m.group(3)))
    return out


def kernel_table(stats_text, list_text):
    """fwmark -> {'stats': [5 ints], 'dests': {addr: {'stats': [...], 'weight', 'active', 'inactive'}}}"""
    table, cur = {}, None
    for line in stats_text.splitlines():
        t = line.split()
        if len(t) >= 7 and t[0] == "FWM":
            cur = table.setdefault(t[1], {"stats": [int(x) for x in t[2:7]], "dests": {}})
        elif len(t) >= 7 and t[0] == "->" and cur is not None and t[1][0].isdigit():
            cur["dests"].setdefault(t[1].rsplit(":", 1)[0], {})["stats"] = [int(x) for x in t[2:7]]
        elif t and t[0] in ("TCP", "UDP", "SCTP"):
            cur = None   # address services are compared elsewhere; Swarm uses fwmarks
    cur = None
    for line in list_text.splitlines():
        t = line.split()
        if len(t) >= 3 and t[0] == "FWM":
            cur = table.get(t[1])
        elif len(t) >= 6 and t[0] == "->" and cur is not None and t[1][0].isdigit():
            d = cur["dests"].setdefault(t[1].rsplit(":", 1)[0], {})
            d["weight"], d["active"], d["inactive"] = int(t[3]), int(t[4]), int(t[5])
        elif t and t[0] in ("TCP", "UDP", "SCTP"):
            cur = None
    return table


def main():
    scrape_path, netns, stats_path, list_path = sys.argv[1:5]
    series = scrape_series(scrape_path, netns)
    table = kernel_table(open(stats_path).read(), open(list_path).read())
    passed = failed = 0

    def check(what, want, got):
        nonlocal passed, failed
        if got is not None and str(want) == str(got):
            passed += 1
            print(f"ok   {what} = {want}")
        else:
            failed += 1
            print(f"FAIL {what}: ipvsadm {want}, exporter {got}")

    def get(family, **want):
        hits = [v for labels, v in series.get(family, []) if all(labels.get(k) == x for k, x in want.items())]
        return hits[0] if len(hits) == 1 else (None if not hits else f"{len(hits)} series")

    svc_families = ["ipvs_service_connections_total", "ipvs_service_incoming_packets_total",
                    "ipvs_service_outgoing_packets_total", "ipvs_service_incoming_bytes_total",
                    "ipvs_service_outgoing_bytes_total"]
    exporter_marks = {l.get("fwmark") for l, _ in series.get("ipvs_service_info", []) if l.get("fwmark")}
    check(f"{netns}: fwmark services", " ".join(sorted(table)), " ".join(sorted(exporter_marks)))
    for mark, svc in sorted(table.items()):
        for fam, want in zip(svc_families, svc["stats"]):
            check(f"{netns} FWM {mark} {fam}", want, get(fam, fwmark=mark))
        exp_backends = {l.get("backend_address") for l, _ in series.get("ipvs_backend_weight", []) if l.get("fwmark") == mark}
        check(f"{netns} FWM {mark} backends", " ".join(sorted(svc["dests"])), " ".join(sorted(exp_backends)))
        for addr, d in sorted(svc["dests"].items()):
            w = f"{netns} FWM {mark} -> {addr}"
            check(f"{w} ipvs_backend_connections_total", d["stats"][0], get("ipvs_backend_connections_total", fwmark=mark, backend_address=addr))
            check(f"{w} ipvs_backend_weight", d.get("weight"), get("ipvs_backend_weight", fwmark=mark, backend_address=addr))
            check(f"{w} ipvs_backend_connections_active", d.get("active"), get("ipvs_backend_connections_active", fwmark=mark, backend_address=addr))
            check(f"{w} ipvs_backend_connections_inactive", d.get("inactive"), get("ipvs_backend_connections_inactive", fwmark=mark, backend_address=addr))
    print(f"{passed} values equal, {failed} differ")
    sys.exit(1 if failed or not table else 0)


if __name__ == "__main__":
    main()
