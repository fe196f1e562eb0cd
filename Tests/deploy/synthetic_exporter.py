#!/usr/bin/env python3
"""A stand-in target with one series of EVERY metric the exporter can export, for
Tests/deploy/run-stack-flags.sh.

This host is no Swarm node (no ingress_sbox, and its kernel has no IPVS), so the real exporter
there exports only its own meta series and most dashboard queries would return nothing: a query
with a wrong label or a vector-matching error would still "succeed". This target serves every
metric of `swarm-ipvs-exporter --print-metrics` (plus Tests/deploy/pending-metrics.txt while it
exists) with exactly the label names the binary declares, and values that put the routing mesh in
trouble, so every query returns data and every alert of compose/prometheus/alerts.yml goes
pending:
  ipvs_service_backends_weighted 0 (and 2 on a second fwmark of the same service), ipvs_backend_weight
  0, every mesh consistency count 1 and a 15-minute drain, conntrack 95% full, netns_up 0, a
  collector failing, dial and DNS errors growing faster than successes.
Counters grow at every scrape so rate() is not zero.

  synthetic_exporter.py PORT EXPORTER_BINARY     (serves /metrics on 127.0.0.1:PORT until killed)
"""
import http.server
import sys
import threading

sys.path.insert(0, __import__("os").path.dirname(__file__))
import deploylib  # noqa: E402

LABEL_VALUES = {
    "netns": "ingress_sbox", "protocol": "tcp", "address": "", "port": "", "fwmark": "256",
    "service": "web", "scheduler": "rr", "persistent": "0", "persistence_timeout_seconds": "0",
    "backend_address": "10.0.0.5", "backend_port": "80", "forwarding": "masq",
    "upper_threshold": "0", "lower_threshold": "0", "published_port": "8080", "target_port": "80",
    "task": "web.1.abc", "node": "10.0.0.2", "device": "eth0", "operstate": "up",
    "kind": "veth", "collector": "ipvs", "version": "0.0.0-synthetic", "revision": "synthetic",
    "swift_version": "0", "host": "tasks.web", "peer": "10.0.1.3:10118", "reason": "timeout",
}
# Gauges whose value makes an alert condition true (everything else: 1).
GAUGE_VALUES = {
    "ipvs_service_backends_weighted": 0,
    "ipvs_backend_weight": 0,
    "netns_conntrack_entries": 950,
    "netns_conntrack_entries_limit": 1000,
    "swarm_ipvs_exporter_netns_up": 0,
    "swarm_ipvs_exporter_scrape_collector_success": 0,
    "ipvs_timeout_seconds": 900,
    "dial_peers": 2,
    "ipvs_swarm_stale_backends": 1,
    "ipvs_swarm_missing_backends": 1,
    "ipvs_swarm_unclaimed_services": 1,
    "ipvs_swarm_unprogrammed_services": 1,
    "ipvs_swarm_longest_drain_seconds": 900,
}
# Label values of one metric that differ from LABEL_VALUES: the view age is of another namespace,
# so ingress_sbox counts as a namespace without a Docker view (SwarmBackendStaleWeightZero fires).
LABEL_OVERRIDES = {"ipvs_swarm_view_age_seconds": {"netns": "lb_synthetic"}}
# A second series of a metric (label changes, value): two fwmarks of "web" with different weighted
# backend counts, as two nodes that disagree (SwarmNodesDisagreeOnBackends fires).
EXTRA_SERIES = {"ipvs_service_backends_weighted": ({"fwmark": "257"}, 2)}
# Counters per scrape (errors outgrow the successes of dial and dns: the alert ratios are > 0.1).
COUNTER_STEP = {"dial_errors_total": 5, "dns_lookup_errors_total": 5}
BUCKETS = ["0.0005", "0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1", "+Inf"]

lock = threading.Lock()
scrapes = [0]


def labels_text(names, extra=None, override=None):
    values = dict(LABEL_VALUES, **(override or {}))
    pairs = [(n, values.get(n, "x")) for n in names] + list((extra or {}).items())
    if not pairs:
        return ""
    return "{" + ",".join(f'{n}="{v}"' for n, v in pairs) + "}"


def exposition(metrics, k):
    out = []
    for name in sorted(metrics):
        info = metrics[name]
        labels = sorted(info.labels)
        mtype = info.type if info.type in ("counter", "gauge", "histogram") else "gauge"
        out.append(f"# TYPE {name} {mtype}")
        if mtype == "counter":
            out.append(f"{name}{labels_text(labels)} {k * COUNTER_STEP.get(name, 10)}")
        elif mtype == "gauge":
            out.append(f"{name}{labels_text(labels, override=LABEL_OVERRIDES.get(name))} {GAUGE_VALUES.get(name, 1)}")
            if name in EXTRA_SERIES:
                changes, value = EXTRA_SERIES[name]
                out.append(f"{name}{labels_text(labels, override=changes)} {value}")
        else:
            for i, le in enumerate(BUCKETS):
                out.append(f"{name}_bucket{labels_text(labels, {'le': le})} {k * min(i + 1, 4)}")
            out.append(f"{name}_sum{labels_text(labels)} {k * 0.004}")
            out.append(f"{name}_count{labels_text(labels)} {k * 4}")
    return "\n".join(out) + "\n"


def main():
    port, binary = int(sys.argv[1]), sys.argv[2]
    metrics = deploylib.known_metrics(binary)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path != "/metrics":
                self.send_error(404)
                return
            with lock:
                scrapes[0] += 1
                k = scrapes[0]
            body = exposition(metrics, k).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
