#!/usr/bin/env python3
"""Compare swarm-ipvs-exporter's IPVS series with what ipvsadm says (stdlib only).

    compare_ipvs.py [options] SCRAPE NS [NS ...]
    compare_ipvs.py [options] --url http://HOST:PORT/metrics [--save-scrape FILE] NS [NS ...]
    compare_ipvs.py --dump|--render NS [NS ...]

SCRAPE is a file holding the exporter's /metrics answer (Prometheus text format). For every
namespace NS (a name under /run/netns) the script runs, inside it (`ip netns exec NS`):

    ipvsadm -Ln                      scheduler, persistence, forwarding, weight, ActiveConn, InActConn,
                                     and the connection table size from the version header
    ipvsadm -Ln --stats --exact      Conns InPkts OutPkts InBytes OutBytes (services and backends)
    ipvsadm -Ln --thresholds         upper / lower thresholds
    ipvsadm -Ln --persistent-conn    PersistConn
    ipvsadm -Ln --timeout            tcp tcpfin udp

and checks every value against the exporter's series (the metric contract in the project's
docs: identity labels netns, protocol, address, port, fwmark, service [, backend_address,
backend_port]). A service or backend the exporter reports but ipvsadm does not have fails, and
so does one it misses. One line per check (`ok ...` / `FAIL ... expected X got Y`), then
`N passed, M failed`; the exit status is 1 if anything failed or nothing was compared.

IPVS counters are refreshed by the kernel's estimator about every 2 s: scrape the exporter
after ~3 s without traffic. With a SCRAPE file, run this script right after the scrape (gauges
such as InActConn change when connections expire). With --url the script reads ipvsadm, scrapes,
reads ipvsadm again and retries until both reads agree, so such races cannot cause failures;
it also checks that the answer's status is 200.

Options
  --url URL           scrape URL instead of reading SCRAPE (see above); --attempts N (default 5)
  --save-scrape FILE  with --url: write the answer's body there
  --dump              only run and parse ipvsadm in each NS and print what was parsed (JSON)
  --render            only run and parse ipvsadm and print the ipvs_* exposition a correct
                      exporter would serve now (a reference to diff against; --dump --render: both)
  --absent NS         NS must be reported missing: swarm_ipvs_exporter_netns_up{netns=NS} 0 and no
                      ipvs_* series with that netns (repeatable)
  --previous FILE     an earlier scrape: no counter of the compared namespaces may have gone down,
                      and each namespace's connection and packet totals must have grown
  --save DIR          write the raw ipvsadm outputs there (NS.*.txt)
  --ipvsadm PATH      ipvsadm binary (default: ipvsadm)
  --quiet             print only FAIL lines and the summary
"""

import argparse
import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

# --------------------------------------------------------------------------------------------
# Prometheus text format

NAME_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


class ExpositionError(Exception):
    pass


def parse_labels(text, pos, lineno):
    """Parse `{a="x",b="y"}` starting at text[pos] == '{'. Returns (list of (name, value), pos after '}')."""
    assert text[pos] == "{"
    pos += 1
    labels = []
    n = len(text)

    def skip_ws(p):
        while p < n and text[p] in " \t":
            p += 1
        return p

    while True:
        pos = skip_ws(pos)
        if pos < n and text[pos] == "}":
            return labels, pos + 1
        m = LABEL_RE.match(text, pos)
        if not m:
            raise ExpositionError("line %d: bad label name at column %d" % (lineno, pos + 1))
        name = m.group(0)
        pos = skip_ws(m.end())
        if pos >= n or text[pos] != "=":
            raise ExpositionError("line %d: expected '=' after label %s" % (lineno, name))
        pos = skip_ws(pos + 1)
        if pos >= n or text[pos] != '"':
            raise ExpositionError("line %d: expected '\"' for the value of label %s" % (lineno, name))
        pos += 1
        value = []
        while True:
            if pos >= n:
                raise ExpositionError("line %d: unterminated value of label %s" % (lineno, name))
            c = text[pos]
            if c == "\\":
                if pos + 1 >= n:
                    raise ExpositionError("line %d: dangling backslash in label %s" % (lineno, name))
                e = text[pos + 1]
                if e == "n":
                    value.append("\n")
                elif e == "\\":
                    value.append("\\")
                elif e == '"':
                    value.append('"')
                else:
                    raise ExpositionError("line %d: invalid escape \\%s in label %s" % (lineno, e, name))
                pos += 2
            elif c == '"':
                pos += 1
                break
            else:
                value.append(c)
                pos += 1
        labels.append((name, "".join(value)))
        pos = skip_ws(pos)
        if pos < n and text[pos] == ",":
            pos += 1
        elif pos < n and text[pos] == "}":
            return labels, pos + 1
        else:
            raise ExpositionError("line %d: expected ',' or '}' after label %s" % (lineno, name))


def parse_float(s):
    if s in ("+Inf", "Inf"):
        return float("inf")
    if s == "-Inf":
        return float("-inf")
    if s == "NaN":
        return float("nan")
    return float(s)


def parse_exposition(text):
    """Returns (samples, types): samples = list of (name, [(label, value)...], value_text)."""
    samples, types = [], {}
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3].strip()
            continue
        m = NAME_RE.match(line)
        if not m:
            raise ExpositionError("line %d: no metric name: %r" % (lineno, line))
        name, pos = m.group(0), m.end()
        labels = []
        if pos < len(line) and line[pos] == "{":
            labels, pos = parse_labels(line, pos, lineno)
        rest = line[pos:].split()
        if len(rest) not in (1, 2):
            raise ExpositionError("line %d: expected a value (and optional timestamp): %r" % (lineno, line))
        try:
            parse_float(rest[0])
        except ValueError:
            raise ExpositionError("line %d: bad value %r" % (lineno, rest[0]))
        samples.append((name, labels, rest[0]))
    return samples, types


# --------------------------------------------------------------------------------------------
# ipvsadm


def norm_addr(text):
    return str(ipaddress.ip_address(text))


def split_addr_port(text):
    """`10.1.0.1:80` / `[fd00::1]:80` -> (normalized address, port, family)."""
    if text.startswith("["):
        addr, _, port = text[1:].rpartition("]:")
    else:
        addr, _, port = text.rpartition(":")
    ip = ipaddress.ip_address(addr)
    return str(ip), int(port), ip.version


class Service:
    def __init__(self, kind, family, addr, port, fwmark):
        self.kind = kind            # TCP UDP SCTP FWM
        self.family = family        # 4 or 6
        self.addr = addr            # normalized address, None for fwmark
        self.port = port
        self.fwmark = fwmark
        self.scheduler = None
        self.persistent = False
        self.persistence_timeout = 0
        self.flags_text = ""
        self.stats = None
        self.dests = {}             # (addr, port) -> Dest, in ipvsadm order

    @property
    def key(self):
        return (self.kind, self.family, self.addr, self.port, self.fwmark)

    def describe(self):
        if self.kind == "FWM":
            return "FWM %d%s" % (self.fwmark, " IPv6" if self.family == 6 else "")
        a = "[%s]" % self.addr if self.family == 6 else self.addr
        return "%s %s:%d" % (self.kind, a, self.port)

    def identity(self, netns):
        if self.kind == "FWM":
            return (("netns", netns), ("protocol", ""), ("address", "::" if self.family == 6 else ""),
                    ("port", ""), ("fwmark", str(self.fwmark)), ("service", ""))
        return (("netns", netns), ("protocol", self.kind.lower()), ("address", self.addr),
                ("port", str(self.port)), ("fwmark", ""), ("service", ""))


class Dest:
    def __init__(self, addr, port, family):
        self.addr, self.port, self.family = addr, port, family
        self.forward = None
        self.weight = None
        self.active = None
        self.inactive = None
        self.uthresh = None
        self.lthresh = None
        self.persist = None
        self.stats = None

    def describe(self):
        a = "[%s]" % self.addr if self.family == 6 else self.addr
        return "%s:%d" % (a, self.port)

    def identity_extra(self):
        return (("backend_address", self.addr), ("backend_port", str(self.port)))


class IpvsadmError(Exception):
    pass


def run_ipvsadm(ipvsadm, netns, args):
    cmd = ["ip", "netns", "exec", netns, ipvsadm] + args
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise IpvsadmError("%s: %s" % (" ".join(cmd), e))
    if p.returncode != 0:
        raise IpvsadmError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p.stdout


def iter_entries(text, what):
    """Yields ('svc', service-key-fields, rest-tokens) and ('dest', (addr, port, family), rest-tokens)."""
    for raw in text.split("\n"):
        tokens = raw.split()
        if not tokens:
            continue
        if tokens[0] == "IP" and raw.startswith("IP Virtual Server"):
            continue
        if tokens[0] == "Prot" or (tokens[0] == "->" and len(tokens) > 1 and tokens[1].startswith("RemoteAddress")):
            continue
        if tokens[0] in ("TCP", "UDP", "SCTP"):
            addr, port, fam = split_addr_port(tokens[1])
            yield "svc", (tokens[0], fam, addr, port, 0), tokens[2:]
        elif tokens[0] == "FWM":
            fam, i = 4, 2
            if len(tokens) > 2 and tokens[2] == "IPv6":
                fam, i = 6, 3
            yield "svc", ("FWM", fam, None, None, int(tokens[1])), tokens[i:]
        elif tokens[0] == "->":
            addr, port, fam = split_addr_port(tokens[1])
            yield "dest", (addr, port, fam), tokens[2:]
        else:
            raise IpvsadmError("%s: unexpected line %r" % (what, raw))


def ints(tokens, n, what):
    if len(tokens) < n:
        raise IpvsadmError("%s: expected %d numbers, got %r" % (what, n, tokens))
    try:
        return [int(t) for t in tokens[:n]]
    except ValueError:
        raise IpvsadmError("%s: expected %d numbers, got %r" % (what, n, tokens))


class Snapshot:
    def __init__(self, netns):
        self.netns = netns
        self.services = {}          # key -> Service, in ipvsadm order
        self.table_size = None
        self.version = None
        self.timeouts = None        # (tcp, tcpfin, udp)
        self.raw = {}

    def backends(self):
        for svc in self.services.values():
            for d in svc.dests.values():
                yield svc, d


def read_snapshot(netns, ipvsadm="ipvsadm"):
    snap = Snapshot(netns)
    plain = snap.raw["list"] = run_ipvsadm(ipvsadm, netns, ["-Ln"])
    stats = snap.raw["stats"] = run_ipvsadm(ipvsadm, netns, ["-Ln", "--stats", "--exact"])
    thresh = snap.raw["thresholds"] = run_ipvsadm(ipvsadm, netns, ["-Ln", "--thresholds"])
    pers = snap.raw["persistent-conn"] = run_ipvsadm(ipvsadm, netns, ["-Ln", "--persistent-conn"])
    tmo = snap.raw["timeout"] = run_ipvsadm(ipvsadm, netns, ["-Ln", "--timeout"])

    m = re.search(r"IP Virtual Server version (\S+) \(size=(\d+)\)", plain)
    if not m:
        raise IpvsadmError("ipvsadm -Ln in %s: no 'IP Virtual Server version ... (size=N)' header" % netns)
    snap.version, snap.table_size = m.group(1), int(m.group(2))

    m = re.search(r"Timeout \(tcp tcpfin udp\):\s+(\d+)\s+(\d+)\s+(\d+)", tmo)
    if not m:
        raise IpvsadmError("ipvsadm -Ln --timeout in %s: unexpected output %r" % (netns, tmo))
    snap.timeouts = tuple(int(x) for x in m.groups())

    # -Ln: the list of services and backends, scheduler, flags, forward, weight, conns
    svc = None
    for kind, key, rest in iter_entries(plain, "ipvsadm -Ln"):
        if kind == "svc":
            svc = Service(key[0], key[1], key[2], key[3], key[4])
            if svc.key in snap.services:
                raise IpvsadmError("ipvsadm -Ln in %s: service %s listed twice" % (netns, svc.describe()))
            if not rest:
                raise IpvsadmError("ipvsadm -Ln in %s: no scheduler for %s" % (netns, svc.describe()))
            svc.scheduler = rest[0]
            svc.flags_text = " ".join(rest[1:])
            if "persistent" in rest:
                i = rest.index("persistent")
                svc.persistent = True
                svc.persistence_timeout = int(rest[i + 1])
            snap.services[svc.key] = svc
        else:
            if svc is None:
                raise IpvsadmError("ipvsadm -Ln in %s: backend before any service" % netns)
            d = Dest(*key)
            what = "ipvsadm -Ln in %s, %s -> %s" % (netns, svc.describe(), d.describe())
            if len(rest) != 4:
                raise IpvsadmError("%s: expected Forward Weight ActiveConn InActConn, got %r" % (what, rest))
            d.forward = rest[0]
            d.weight, d.active, d.inactive = ints(rest[1:], 3, what)
            if (d.addr, d.port) in svc.dests:
                raise IpvsadmError("%s: backend listed twice" % what)
            svc.dests[(d.addr, d.port)] = d

    def overlay(text, label, apply_svc, apply_dest):
        seen_svc, seen_dest = set(), set()
        svc = None
        for kind, key, rest in iter_entries(text, label):
            if kind == "svc":
                svc = snap.services.get(key)
                if svc is None:
                    raise IpvsadmError("%s in %s: service %r not in ipvsadm -Ln (table changed while reading?)" % (label, netns, key))
                seen_svc.add(key)
                apply_svc(svc, rest, "%s in %s, %s" % (label, netns, svc.describe()))
            else:
                d = svc.dests.get((key[0], key[1])) if svc else None
                if d is None:
                    raise IpvsadmError("%s in %s: backend %r not in ipvsadm -Ln (table changed while reading?)" % (label, netns, key))
                seen_dest.add((svc.key, key[0], key[1]))
                apply_dest(d, rest, "%s in %s, %s -> %s" % (label, netns, svc.describe(), d.describe()))
        want_dest = {(s.key, d.addr, d.port) for s, d in snap.backends()}
        if seen_svc != set(snap.services) or seen_dest != want_dest:
            raise IpvsadmError("%s in %s: not the same services/backends as ipvsadm -Ln (table changed while reading?)" % (label, netns))

    def svc_stats(svc, rest, what):
        svc.stats = ints(rest, 5, what)

    def dest_stats(d, rest, what):
        d.stats = ints(rest, 5, what)

    overlay(stats, "ipvsadm -Ln --stats --exact", svc_stats, dest_stats)

    def dest_thresh(d, rest, what):
        d.uthresh, d.lthresh = ints(rest, 4, what)[:2]

    overlay(thresh, "ipvsadm -Ln --thresholds", lambda s, r, w: None, dest_thresh)

    def dest_pers(d, rest, what):
        d.persist = ints(rest, 4, what)[1]

    overlay(pers, "ipvsadm -Ln --persistent-conn", lambda s, r, w: None, dest_pers)
    return snap


def snapshot_json(snap):
    return {
        "netns": snap.netns,
        "version": snap.version,
        "connection_table_size": snap.table_size,
        "timeouts": dict(zip(("tcp", "tcpfin", "udp"), snap.timeouts)),
        "services": [
            {
                "service": s.describe(),
                "labels": dict(s.identity(snap.netns)),
                "scheduler": s.scheduler,
                "flags": s.flags_text,
                "persistent": s.persistent,
                "persistence_timeout": s.persistence_timeout,
                "stats": dict(zip(("conns", "inpkts", "outpkts", "inbytes", "outbytes"), s.stats)),
                "backends": [
                    {
                        "backend": d.describe(),
                        "forward": d.forward, "weight": d.weight, "active": d.active, "inactive": d.inactive,
                        "persistent": d.persist, "upper_threshold": d.uthresh, "lower_threshold": d.lthresh,
                        "stats": dict(zip(("conns", "inpkts", "outpkts", "inbytes", "outbytes"), d.stats)),
                    }
                    for d in s.dests.values()
                ],
            }
            for s in snap.services.values()
        ],
    }


# --------------------------------------------------------------------------------------------
# the contract

IDENTITY = ["netns", "protocol", "address", "port", "fwmark", "service"]
BACKEND_IDENTITY = IDENTITY + ["backend_address", "backend_port"]

SERVICE_COUNTERS = [  # family, index in ipvsadm --stats
    ("ipvs_service_connections_total", 0),
    ("ipvs_service_incoming_packets_total", 1),
    ("ipvs_service_outgoing_packets_total", 2),
    ("ipvs_service_incoming_bytes_total", 3),
    ("ipvs_service_outgoing_bytes_total", 4),
]
BACKEND_COUNTERS = [
    ("ipvs_backend_connections_total", 0),
    ("ipvs_backend_incoming_packets_total", 1),
    ("ipvs_backend_outgoing_packets_total", 2),
    ("ipvs_backend_incoming_bytes_total", 3),
    ("ipvs_backend_outgoing_bytes_total", 4),
]
FAMILIES = {  # family -> (type, label names in order)
    "ipvs_services": ("gauge", ["netns"]),
    "ipvs_backends": ("gauge", ["netns"]),
    "ipvs_connection_table_size": ("gauge", ["netns"]),
    "ipvs_timeout_seconds": ("gauge", ["netns", "protocol"]),
    "ipvs_service_info": ("gauge", IDENTITY + ["scheduler", "persistent", "persistence_timeout_seconds"]),
    "ipvs_service_backends": ("gauge", IDENTITY),
    "ipvs_service_backends_weighted": ("gauge", IDENTITY),
    "ipvs_backend_connections_active": ("gauge", BACKEND_IDENTITY),
    "ipvs_backend_connections_inactive": ("gauge", BACKEND_IDENTITY),
    "ipvs_backend_connections_persistent": ("gauge", BACKEND_IDENTITY),
    "ipvs_backend_weight": ("gauge", BACKEND_IDENTITY),
    "ipvs_backend_info": ("gauge", BACKEND_IDENTITY + ["forwarding", "upper_threshold", "lower_threshold"]),
}
for _f, _ in SERVICE_COUNTERS:
    FAMILIES[_f] = ("counter", IDENTITY)
for _f, _ in BACKEND_COUNTERS:
    FAMILIES[_f] = ("counter", BACKEND_IDENTITY)
SERVICE_FAMILIES = [f for f, (_, labels) in FAMILIES.items() if labels[:len(IDENTITY)] == IDENTITY and "backend_address" not in labels]
BACKEND_FAMILIES = [f for f, (_, labels) in FAMILIES.items() if "backend_address" in labels]

FORWARD = {"Masq": "masq", "Local": "local", "Tunnel": "tunnel", "Route": "route", "Bypass": "bypass"}


# --------------------------------------------------------------------------------------------
# checks


class Report:
    def __init__(self, quiet=False):
        self.passed = 0
        self.failed = 0
        self.quiet = quiet

    def ok(self, text):
        self.passed += 1
        if not self.quiet:
            print("ok " + text)

    def fail(self, text):
        self.failed += 1
        print("FAIL " + text)

    def check(self, what, expected, got):
        if got is not None and values_equal(expected, got):
            self.ok("%s %s" % (what, expected))
        else:
            self.fail("%s: expected %s got %s" % (what, expected, "<missing>" if got is None else got))

    def note(self, text):
        print("note " + text)


def values_equal(expected, got_text):
    try:
        return int(got_text) == int(expected)
    except ValueError:
        pass
    try:
        return parse_float(got_text) == float(expected)
    except ValueError:
        return False


def with_contract_labels(name, labels, misordered):
    """The exporter leaves out a label whose value is empty (Prometheus reads an absent label as
    ""). For a contract family the labels it wrote must come in the contract's order; the ones
    left out are put back as "" so every series is compared with its full label set. A label
    written with an empty value, or out of order, or not in the contract is recorded."""
    contract = FAMILIES.get(name)
    if contract is None:
        return labels
    names = contract[1]
    written = [k for k, _ in labels]
    if any(v == "" for _, v in labels) or written != [k for k in names if k in written]:
        misordered.append((name, labels))
        return labels
    given = dict(labels)
    return [(k, given.get(k, "")) for k in names]


class Scrape:
    def __init__(self, text):
        parsed, self.types = parse_exposition(text)
        self.misordered = []
        self.samples = [(name, with_contract_labels(name, labels, self.misordered), value) for name, labels, value in parsed]
        self.by_key = {}
        self.duplicates = []
        for name, labels, value in self.samples:
            key = (name, tuple(sorted(labels)))
            if key in self.by_key:
                self.duplicates.append((name, labels))
            self.by_key[key] = value

    def get(self, name, labels):
        return self.by_key.get((name, tuple(sorted(labels))))

    def family(self, name):
        return [(labels, value) for n, labels, value in self.samples if n == name]


def fmt_labels(labels):
    """Labels as the exporter writes them: empty values left out, no braces when none is left."""
    text = ",".join('%s="%s"' % (k, v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")) for k, v in labels if v != "")
    return "{" + text + "}" if text else ""


def compare_namespace(rep, scrape, snap):
    ns = snap.netns
    rep.check("%s swarm_ipvs_exporter_netns_up" % ns, 1, scrape.get("swarm_ipvs_exporter_netns_up", [("netns", ns)]))
    rep.check("%s swarm_ipvs_exporter_scrape_collector_success{collector=\"ipvs\"}" % ns, 1,
              scrape.get("swarm_ipvs_exporter_scrape_collector_success", [("collector", "ipvs"), ("netns", ns)]))

    nsl = [("netns", ns)]
    rep.check("%s ipvs_services" % ns, len(snap.services), scrape.get("ipvs_services", nsl))
    rep.check("%s ipvs_backends" % ns, sum(1 for _ in snap.backends()), scrape.get("ipvs_backends", nsl))
    rep.check("%s ipvs_connection_table_size" % ns, snap.table_size, scrape.get("ipvs_connection_table_size", nsl))
    for proto, value in zip(("tcp", "tcpfin", "udp"), snap.timeouts):
        rep.check("%s ipvs_timeout_seconds{protocol=\"%s\"}" % (ns, proto), value,
                  scrape.get("ipvs_timeout_seconds", nsl + [("protocol", proto)]))

    want_services, want_backends = set(), set()
    for svc in snap.services.values():
        ident = list(svc.identity(ns))
        want_services.add(tuple(ident))
        where = "%s %s" % (ns, svc.describe())

        # info: exactly one series with this identity, extra labels as ipvsadm says
        extras = [("scheduler", svc.scheduler), ("persistent", "true" if svc.persistent else "false"),
                  ("persistence_timeout_seconds", str(svc.persistence_timeout if svc.persistent else 0))]
        found = [(labels, v) for labels, v in scrape.family("ipvs_service_info")
                 if all(dict(labels).get(k) == val for k, val in ident)]
        want = "%s value 1" % fmt_labels(extras)
        if len(found) == 1:
            labels, v = found[0]
            got_extras = [(k, val) for k, val in labels if k not in dict(ident)]
            got = "%s value %s" % (fmt_labels(got_extras), v)
            if sorted(got_extras) == sorted(extras) and values_equal(1, v):
                rep.ok("%s ipvs_service_info %s" % (where, want))
            else:
                rep.fail("%s ipvs_service_info: expected %s got %s" % (where, want, got))
        else:
            rep.fail("%s ipvs_service_info: expected 1 series %s got %d series" % (where, want, len(found)))

        for family, i in SERVICE_COUNTERS:
            rep.check("%s %s" % (where, family), svc.stats[i], scrape.get(family, ident))
        rep.check("%s ipvs_service_backends" % where, len(svc.dests), scrape.get("ipvs_service_backends", ident))
        rep.check("%s ipvs_service_backends_weighted" % where, sum(1 for d in svc.dests.values() if d.weight > 0),
                  scrape.get("ipvs_service_backends_weighted", ident))

        for d in svc.dests.values():
            bident = ident + list(d.identity_extra())
            want_backends.add(tuple(bident))
            bwhere = "%s -> %s" % (where, d.describe())
            for family, i in BACKEND_COUNTERS:
                rep.check("%s %s" % (bwhere, family), d.stats[i], scrape.get(family, bident))
            rep.check("%s ipvs_backend_connections_active" % bwhere, d.active, scrape.get("ipvs_backend_connections_active", bident))
            rep.check("%s ipvs_backend_connections_inactive" % bwhere, d.inactive, scrape.get("ipvs_backend_connections_inactive", bident))
            rep.check("%s ipvs_backend_connections_persistent" % bwhere, d.persist, scrape.get("ipvs_backend_connections_persistent", bident))
            rep.check("%s ipvs_backend_weight" % bwhere, d.weight, scrape.get("ipvs_backend_weight", bident))
            bextras = [("forwarding", FORWARD.get(d.forward, "unknown ipvsadm Forward %r" % d.forward)),
                       ("upper_threshold", str(d.uthresh)), ("lower_threshold", str(d.lthresh))]
            want = "%s value 1" % fmt_labels(bextras)
            found = [(labels, v) for labels, v in scrape.family("ipvs_backend_info")
                     if all(dict(labels).get(k) == val for k, val in bident)]
            if len(found) == 1:
                labels, v = found[0]
                got_extras = [(k, val) for k, val in labels if k not in dict(bident)]
                got = "%s value %s" % (fmt_labels(got_extras), v)
                if sorted(got_extras) == sorted(bextras) and values_equal(1, v):
                    rep.ok("%s ipvs_backend_info %s" % (bwhere, want))
                else:
                    rep.fail("%s ipvs_backend_info: expected %s got %s" % (bwhere, want, got))
            else:
                rep.fail("%s ipvs_backend_info: expected 1 series %s got %d series" % (bwhere, want, len(found)))

    # the exporter must not report anything ipvsadm does not have
    extra = []
    for family in SERVICE_FAMILIES + BACKEND_FAMILIES:
        n = len(BACKEND_IDENTITY) if family in BACKEND_FAMILIES else len(IDENTITY)
        names = FAMILIES[family][1][:n]
        wanted = want_backends if family in BACKEND_FAMILIES else want_services
        for labels, _ in scrape.family(family):
            d = dict(labels)
            if d.get("netns") != ns:
                continue
            ident = tuple((k, d.get(k)) for k in names)
            if ident not in wanted:
                extra.append("%s%s" % (family, fmt_labels(labels)))
    if extra:
        rep.fail("%s series for services/backends ipvsadm does not have: expected none got %d: %s"
                 % (ns, len(extra), "; ".join(extra[:8]) + (" ..." if len(extra) > 8 else "")))
    else:
        rep.ok("%s no series for services/backends ipvsadm does not have" % ns)


def check_families(rep, scrape, namespaces):
    """TYPE and label names (in order) of every contract family, for the compared namespaces."""
    for family, (mtype, names) in FAMILIES.items():
        series = [labels for labels, _ in scrape.family(family) if dict(labels).get("netns") in namespaces]
        got_type = scrape.types.get(family)
        if got_type is None and not series:
            continue  # family absent (no services anywhere): nothing to say about it
        if got_type == mtype:
            rep.ok("# TYPE %s %s" % (family, mtype))
        else:
            rep.fail("# TYPE %s: expected %s got %s" % (family, mtype, got_type or "<no TYPE line>"))
        bad = [labels for labels in series if [k for k, _ in labels] != names]
        if bad:
            rep.fail("%s label names: expected %s got %s" % (family, ",".join(names), ",".join(k for k, _ in bad[0])))
        elif series:
            rep.ok("%s label names %s (%d series)" % (family, ",".join(names), len(series)))
    if scrape.misordered:
        rep.fail("labels as the contract orders them, empty ones left out: expected every series got %d others: %s" % (
            len(scrape.misordered), "; ".join(n + fmt_labels(l) for n, l in scrape.misordered[:5])))
    else:
        rep.ok("labels in the contract's order, empty ones left out")
    for name in sorted({n for n, _, _ in scrape.samples if n.startswith("ipvs_") and n not in FAMILIES}):
        rep.note("%s is not in the contract: not checked" % name)
    if scrape.duplicates:
        rep.fail("duplicate series: expected none got %d: %s" % (
            len(scrape.duplicates), "; ".join(n + fmt_labels(l) for n, l in scrape.duplicates[:5])))
    else:
        rep.ok("no duplicate series")


def check_absent(rep, scrape, ns):
    rep.check("%s swarm_ipvs_exporter_netns_up (namespace gone)" % ns, 0,
              scrape.get("swarm_ipvs_exporter_netns_up", [("netns", ns)]))
    left = ["%s%s" % (n, fmt_labels(l)) for n, l, _ in scrape.samples if n.startswith("ipvs_") and dict(l).get("netns") == ns]
    if left:
        rep.fail("%s ipvs_* series while the namespace is gone: expected none got %d: %s" % (ns, len(left), "; ".join(left[:5])))
    else:
        rep.ok("%s no ipvs_* series while the namespace is gone" % ns)


def check_growth(rep, before, after, namespaces):
    for ns in namespaces:
        went_down = []
        for family in [f for f, _ in SERVICE_COUNTERS + BACKEND_COUNTERS]:
            for labels, v in after.family(family):
                if dict(labels).get("netns") != ns:
                    continue
                old = before.get(family, labels)
                if old is not None and parse_float(v) < parse_float(old):
                    went_down.append("%s%s %s -> %s" % (family, fmt_labels(labels), old, v))
        if went_down:
            rep.fail("%s counters never decrease: expected none lower got %d: %s" % (ns, len(went_down), "; ".join(went_down[:5])))
        else:
            rep.ok("%s counters never decrease" % ns)
        for family in ("ipvs_service_connections_total", "ipvs_service_incoming_packets_total",
                       "ipvs_service_outgoing_packets_total", "ipvs_service_incoming_bytes_total"):
            old = sum(parse_float(v) for l, v in before.family(family) if dict(l).get("netns") == ns)
            new = sum(parse_float(v) for l, v in after.family(family) if dict(l).get("netns") == ns)
            if new > old:
                rep.ok("%s sum of %s grew %d -> %d" % (ns, family, old, new))
            else:
                rep.fail("%s sum of %s grew: expected more than %d got %d" % (ns, family, old, new))


def render(snaps):
    """The exposition an exporter following the contract would serve for these snapshots
    (ipvs_* families only, plus netns_up / collector success): a reference for debugging."""
    out = {f: [] for f in FAMILIES}
    up = []
    for snap in snaps:
        ns = snap.netns
        up.append('swarm_ipvs_exporter_netns_up{netns="%s"} 1' % ns)
        up.append('swarm_ipvs_exporter_scrape_collector_success{collector="ipvs",netns="%s"} 1' % ns)
        nsl = [("netns", ns)]
        out["ipvs_services"].append((nsl, len(snap.services)))
        out["ipvs_backends"].append((nsl, sum(1 for _ in snap.backends())))
        out["ipvs_connection_table_size"].append((nsl, snap.table_size))
        for proto, value in zip(("tcp", "tcpfin", "udp"), snap.timeouts):
            out["ipvs_timeout_seconds"].append((nsl + [("protocol", proto)], value))
        for svc in snap.services.values():
            ident = list(svc.identity(ns))
            out["ipvs_service_info"].append((ident + [
                ("scheduler", svc.scheduler), ("persistent", "true" if svc.persistent else "false"),
                ("persistence_timeout_seconds", str(svc.persistence_timeout if svc.persistent else 0))], 1))
            for family, i in SERVICE_COUNTERS:
                out[family].append((ident, svc.stats[i]))
            out["ipvs_service_backends"].append((ident, len(svc.dests)))
            out["ipvs_service_backends_weighted"].append((ident, sum(1 for d in svc.dests.values() if d.weight > 0)))
            for d in svc.dests.values():
                b = ident + list(d.identity_extra())
                for family, i in BACKEND_COUNTERS:
                    out[family].append((b, d.stats[i]))
                out["ipvs_backend_connections_active"].append((b, d.active))
                out["ipvs_backend_connections_inactive"].append((b, d.inactive))
                out["ipvs_backend_connections_persistent"].append((b, d.persist))
                out["ipvs_backend_weight"].append((b, d.weight))
                out["ipvs_backend_info"].append((b + [
                    ("forwarding", FORWARD.get(d.forward, d.forward.lower())),
                    ("upper_threshold", str(d.uthresh)), ("lower_threshold", str(d.lthresh))], 1))
    lines = ["# TYPE swarm_ipvs_exporter_netns_up gauge"] + [l for l in up if "netns_up" in l]
    lines += ["# TYPE swarm_ipvs_exporter_scrape_collector_success gauge"] + [l for l in up if "collector_success" in l]
    for family, series in out.items():
        if not series and family not in ("ipvs_services", "ipvs_backends"):
            continue
        lines.append("# TYPE %s %s" % (family, FAMILIES[family][0]))
        lines += ["%s%s %s" % (family, fmt_labels(labels), value) for labels, value in series]
    return "\n".join(lines) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("--render", action="store_true")
    ap.add_argument("--absent", action="append", default=[])
    ap.add_argument("--previous")
    ap.add_argument("--save")
    ap.add_argument("--ipvsadm", default="ipvsadm")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--url")
    ap.add_argument("--save-scrape")
    ap.add_argument("--attempts", type=int, default=5)
    ap.add_argument("args", nargs="*")
    opts = ap.parse_args(argv)

    if opts.dump or opts.render:
        if not opts.args:
            ap.error("--dump/--render need at least one namespace")
        rc, snaps = 0, []
        for ns in opts.args:
            try:
                snap = read_snapshot(ns, opts.ipvsadm)
            except (IpvsadmError, ValueError) as e:
                print("ERROR %s" % e, file=sys.stderr)
                rc = 1
                continue
            save(opts.save, snap)
            snaps.append(snap)
            if opts.dump:
                print(json.dumps(snapshot_json(snap), indent=1))
        if opts.render:
            sys.stdout.write(render(snaps))
        return rc

    rep = Report(opts.quiet)
    if opts.url:
        namespaces = opts.args
        if not namespaces and not opts.absent:
            ap.error("need at least one namespace (or --absent NS)")
        status, text, snaps = scrape_stable(opts.url, namespaces, opts.ipvsadm, opts.attempts)
        if status == 200:
            rep.ok("GET %s status 200" % opts.url)
        else:
            rep.fail("GET %s status: expected 200 got %s" % (opts.url, status))
        if opts.save_scrape and text is not None:
            with open(opts.save_scrape, "w", encoding="utf-8") as f:
                f.write(text)
        source = opts.url
    else:
        if not opts.args or (len(opts.args) < 2 and not opts.absent):
            ap.error("need SCRAPE and at least one namespace (or --absent NS)")
        source, namespaces = opts.args[0], opts.args[1:]
        try:
            with open(source, "rb") as f:
                text = f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            text = None
            rep.fail("%s readable: expected UTF-8 text got %s" % (source, e))
        snaps = None
    try:
        if text is None:
            raise ExpositionError("no scrape")
        scrape = Scrape(text)
        rep.ok("%s parses as Prometheus text (%d samples)" % (source, len(scrape.samples)))
    except ExpositionError as e:
        rep.fail("%s parses as Prometheus text: expected a valid exposition got %s" % (source, e))
        print("%d passed, %d failed" % (rep.passed, rep.failed))
        return 1
    if snaps is None:
        snaps = read_all(namespaces, opts.ipvsadm)

    compared = []
    for ns in namespaces:
        snap = snaps[ns]
        if isinstance(snap, Exception):
            rep.fail("%s ipvsadm: expected readable tables got %s" % (ns, snap))
            continue
        save(opts.save, snap)
        compare_namespace(rep, scrape, snap)
        compared.append(ns)
    if compared:
        check_families(rep, scrape, set(compared))
    elif not opts.absent:
        rep.fail("namespaces compared: expected at least one got none")
    for ns in opts.absent:
        check_absent(rep, scrape, ns)
    if opts.previous:
        try:
            with open(opts.previous, encoding="utf-8") as f:
                before = Scrape(f.read())
            check_growth(rep, before, scrape, compared)
        except (OSError, ExpositionError) as e:
            rep.fail("previous scrape %s: expected a valid exposition got %s" % (opts.previous, e))

    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed or rep.passed == 0 else 0


def read_all(namespaces, ipvsadm):
    """ns -> Snapshot, or the exception that prevented reading it."""
    snaps = {}
    for ns in namespaces:
        try:
            snaps[ns] = read_snapshot(ns, ipvsadm)
        except (IpvsadmError, ValueError) as e:
            snaps[ns] = e
    return snaps


def comparable(snaps):
    return {ns: (snapshot_json(s) if isinstance(s, Snapshot) else "error: %s" % s) for ns, s in snaps.items()}


def fetch(url, timeout=60):
    """(HTTP status or None, body text or None)."""
    req = urllib.request.Request(url, headers={"Accept": "text/plain;version=0.0.4"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as e:
        return "no answer (%s)" % e, None


def scrape_stable(url, namespaces, ipvsadm, attempts):
    """Reads ipvsadm, scrapes, reads ipvsadm again; repeats (up to `attempts` times) until both
    reads agree, so the exporter is compared with a kernel state that held during its scrape
    (connections expire and the estimator refreshes counters every 2 s)."""
    for attempt in range(1, attempts + 1):
        before = read_all(namespaces, ipvsadm)
        status, text = fetch(url)
        after = read_all(namespaces, ipvsadm)
        b, a = comparable(before), comparable(after)
        if a == b:
            return status, text, after
        changed = [ns for ns in namespaces if a[ns] != b[ns]]
        print("note the IPVS state of %s changed during scrape %d of %d%s" % (
            ",".join(changed), attempt, attempts, ": scraping again" if attempt < attempts else ": comparing with the last read"))
        time.sleep(1)
    return status, text, after


def save(directory, snap):
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for what, text in snap.raw.items():
        with open(os.path.join(directory, "%s.%s.txt" % (snap.netns, what)), "w") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
