#!/usr/bin/env python3
"""What a correct mesh consistency check says, worked out apart from the exporter (stdlib only).

    mesh_oracle.py expect NS NETWORK_JSON          per service: stale, missing, draining; unclaimed,
                                                   unprogrammed (JSON), from ipvsadm -Ln in NS and
                                                   Docker's GET /networks/{id}?verbose=true answer
    mesh_oracle.py metrics SCRAPE NS NETWORK_JSON  the scrape's ipvs_swarm_* consistency series of NS
                                                   must equal `expect` (one ok/FAIL line each)
    mesh_oracle.py inspect [--status N] NS [NS..] -- COMMAND...
                                                   runs COMMAND (inspect --json) between two readings
                                                   of ipvsadm -Ln [--stats --exact] in each NS: every
                                                   counter and weight must equal both readings (retried
                                                   while traffic moves them), active and inactive
                                                   connections lie between them (connections expire
                                                   while it runs); its exit status must be N

NS is a name under /run/netns (ip netns exec). The rules, as the README states them: a backend at
weight 0 is draining; weight above 0 and no task of the service at its address is stale; a task of
the service with no backend is missing; a fwmark no service claims, or an address:port service, is
unclaimed; a service with a LocalLBIndex above 0 and no fwmark service is unprogrammed. Last line:
"N passed, M failed"; exit 1 if anything failed.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_ipvs  # noqa: E402


def expect(ns, network):
    snap = compare_ipvs.read_snapshot(ns)
    marks = {}
    for svc in snap.services.values():
        if svc.kind == "FWM":
            marks.setdefault(svc.fwmark, []).extend(svc.dests.values())
    claimed = {}
    tasks = {}
    for name, info in (network.get("Services") or {}).items():
        if not name or not info.get("LocalLBIndex"):
            continue
        claimed[info["LocalLBIndex"]] = name
        tasks[name] = {t["EndpointIP"] for t in (info.get("Tasks") or []) if t.get("EndpointIP")}
    services = {}
    unprogrammed = 0
    for mark, name in claimed.items():
        listed = tasks[name]
        backends = marks.get(mark)
        if backends is None:
            unprogrammed += 1
            services["%s/%d" % (name, mark)] = {"stale": 0, "missing": len(listed), "draining": 0}
            continue
        addresses = {d.addr for d in backends}
        services["%s/%d" % (name, mark)] = {
            "stale": sum(1 for d in backends if d.weight > 0 and d.addr not in listed),
            "missing": len(listed - addresses),
            "draining": sum(1 for d in backends if d.weight == 0),
        }
    unclaimed = sum(1 for m in marks if m not in claimed) + sum(1 for s in snap.services.values() if s.kind != "FWM")
    return {"services": services, "unclaimed": unclaimed, "unprogrammed": unprogrammed}


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed or not self.passed else 0


def scraped(scrape, name, ns, labels=()):
    found = None
    for line in scrape.splitlines():
        if not line.startswith(name + "{"):
            continue
        if 'netns="%s"' % ns not in line:
            continue
        if all('%s="%s"' % (k, v) in line for k, v in labels):
            found = float(line.rsplit(" ", 1)[1])
    return found


def metrics(scrape_path, ns, network):
    scrape = open(scrape_path).read()
    want = expect(ns, network)
    rep = Report()
    for key, counts in sorted(want["services"].items()):
        name, mark = key.rsplit("/", 1)
        for field, metric in (("stale", "ipvs_swarm_stale_backends"), ("missing", "ipvs_swarm_missing_backends"),
                              ("draining", "ipvs_swarm_draining_backends")):
            got = scraped(scrape, metric, ns, (("service", name), ("fwmark", mark)))
            rep.check(got == counts[field], "%s %s{service=%s,fwmark=%s}: expected %d, got %s" % (ns, metric, name, mark, counts[field], got))
    for field, metric in (("unclaimed", "ipvs_swarm_unclaimed_services"), ("unprogrammed", "ipvs_swarm_unprogrammed_services")):
        got = scraped(scrape, metric, ns)
        rep.check(got == want[field], "%s %s: expected %d, got %s" % (ns, metric, want[field], got))
    return rep.finish()


def inspect(status, namespaces, command, attempts=5):
    fields = ("connections", "incoming_packets", "outgoing_packets", "incoming_bytes", "outgoing_bytes")
    for attempt in range(attempts):
        before = {ns: compare_ipvs.read_snapshot(ns) for ns in namespaces}
        run = subprocess.run(command, stdout=subprocess.PIPE, universal_newlines=True)
        after = {ns: compare_ipvs.read_snapshot(ns) for ns in namespaces}
        counters = lambda snap: {(s.describe(), k): d.stats + [d.weight] for s in snap.services.values() for k, d in s.dests.items()}
        services = lambda snap: {s.describe(): s.stats for s in snap.services.values()}
        if all(counters(before[ns]) == counters(after[ns]) and services(before[ns]) == services(after[ns]) for ns in namespaces):
            break
        print("     (ipvsadm moved while inspect ran; again)")
    rep = Report()
    rep.check(run.returncode == status, "inspect exited %d (wanted %d)" % (run.returncode, status))
    try:
        document = json.loads(run.stdout)
    except ValueError as error:
        rep.check(False, "inspect --json printed JSON (%s)" % error)
        return rep.finish()
    for ns in namespaces:
        entry = next((n for n in document["namespaces"] if n["netns"] == ns), None)
        rep.check(entry is not None and entry["error"] is None, "inspect read %s" % ns)
        if entry is None:
            continue
        kernel = {svc.describe(): svc for svc in after[ns].services.values()}
        early = {svc.describe(): svc for svc in before[ns].services.values()}
        shown = {s["kernel_name"]: s for s in entry["services"] if s["programmed"]}
        rep.check(sorted(shown) == sorted(kernel), "%s: inspect shows the services ipvsadm lists (%s vs %s)" % (ns, sorted(shown), sorted(kernel)))
        for name, svc in kernel.items():
            s = shown.get(name)
            if s is None:
                continue
            rep.check([s[f] for f in fields] == svc.stats, "%s %s counters %s = ipvsadm %s" % (ns, name, [s[f] for f in fields], svc.stats))
            backends = {(b["address"], b["port"]): b for b in s["backends"]}
            rep.check(sorted(backends) == sorted(svc.dests), "%s %s backends %s = ipvsadm %s" % (ns, name, sorted(backends), sorted(svc.dests)))
            for key, d in svc.dests.items():
                b = backends.get(key)
                e = early.get(name).dests.get(key) if early.get(name) else None
                if b is None or e is None:
                    continue
                got = [b["weight"]] + [b[f] for f in fields]
                rep.check(got == [d.weight] + d.stats, "%s %s -> %s:%d weight and counters %s = ipvsadm %s" % (ns, name, key[0], key[1], got, [d.weight] + d.stats))
                for field, first, last in (("active_connections", e.active, d.active), ("inactive_connections", e.inactive, d.inactive)):
                    rep.check(min(first, last) <= b[field] <= max(first, last),
                              "%s %s -> %s:%d %s %d within ipvsadm's %d..%d" % (ns, name, key[0], key[1], field, b[field], first, last))
    return rep.finish()


def main(argv):
    if len(argv) >= 3 and argv[0] == "expect":
        print(json.dumps(expect(argv[1], json.load(open(argv[2]))), sort_keys=True))
        return 0
    if len(argv) == 4 and argv[0] == "metrics":
        return metrics(argv[1], argv[2], json.load(open(argv[3])))
    if len(argv) >= 4 and argv[0] == "inspect" and "--" in argv:
        options, command = argv[1:argv.index("--")], argv[argv.index("--") + 1:]
        status = 0
        if options[:1] == ["--status"]:
            status, options = int(options[1]), options[2:]
        return inspect(status, options, command)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
