#!/usr/bin/env python3
"""Static checks of the deployment files, for scripts/validate-deploy.

  static_checks.py EXPORTER_BINARY

One PASS/FAIL line per check, then "evaluated: N passed, M failed". The metric list is the
binary's --print-metrics (plus Tests/deploy/pending-metrics.txt while it exists); docker stack
config gives the stack files as the engine would get them. README.md's heading anchors are computed
as GitHub computes them (deploylib.github_anchor).
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
import deploylib as d  # noqa: E402

results = []


def check(ok, what, detail=""):
    results.append(bool(ok))
    print(f"{'PASS' if ok else 'FAIL'} {what}{(': ' + detail) if detail else ''}")


def dockerfile_checks():
    text = open(os.path.join(d.ROOT, "Dockerfile")).read()
    lines = text.splitlines()
    joined = text.replace("\\\n", " ")
    stages = re.split(r"(?m)^FROM\s", joined)
    version = open(os.path.join(d.ROOT, "VERSION")).read().strip()
    m = re.search(r"(?m)^ARG VERSION=(\S+)", text)
    check(m and m.group(1) == version, "Dockerfile ARG VERSION equals the VERSION file",
          f"ARG {m.group(1) if m else 'missing'}, VERSION {version}")
    unexplained = []
    for i, line in enumerate(lines):
        if re.match(r"\s*#\s*hadolint\s+ignore=", line):
            prev = lines[i - 1].strip() if i else ""
            if not prev.startswith("#") or "hadolint" in prev or len(prev) < 10:
                unexplained.append(f"line {i + 1}")
    check(not unexplained, "every `# hadolint ignore=` has a reason comment above it", ", ".join(unexplained))
    build, runtime = (stages[1], stages[-1]) if len(stages) >= 3 else ("", "")
    check(re.match(r"swift:\S+\s+AS\s+build", build, re.I) and "-c release" in build
          and "--static-swift-stdlib" in build,
          "build stage: official swift image, release, --static-swift-stdlib")
    check(re.match(r"debian:\S*slim", runtime) and all(p in runtime for p in ("libnl-3-200", "libnl-genl-3-200")),
          "runtime stage: Debian slim with libnl-3-200 and libnl-genl-3-200")
    check('ENTRYPOINT ["/usr/local/bin/swarm-ipvs-exporter"]' in runtime, "ENTRYPOINT is the exporter")
    check(re.search(r"(?m)^HEALTHCHECK\b.*CMD", runtime), "HEALTHCHECK present in the runtime stage")
    labels = set(re.findall(r"org\.opencontainers\.image\.(\w+(?:\.\w+)?)=", runtime))
    need = {"title", "description", "version", "revision", "created", "source"}
    check(need <= labels, "OCI labels", ", ".join(sorted(labels)) if need <= labels else f"missing {', '.join(sorted(need - labels))}")
    check(not re.search(r"(?m)^USER\s", runtime), "no USER (the capabilities apply to uid 0 only, see the Dockerfile)")


def exporter_stack_checks(binary):
    doc = d.stack_config(d.EXPORTER_STACK)
    svc = doc["services"]["exporter"]
    deploy = svc.get("deploy", {})
    check(deploy.get("mode") == "global", "exporter: deploy.mode global")
    check(set(svc.get("cap_add", [])) == {"CAP_SYS_ADMIN", "CAP_NET_ADMIN"},
          "exporter: cap_add is exactly CAP_SYS_ADMIN + CAP_NET_ADMIN", str(svc.get("cap_add")))
    check("ALL" in svc.get("cap_drop", []), "exporter: cap_drop ALL (no other capability)")
    check(not svc.get("privileged") and svc.get("pid") != "host" and svc.get("network_mode") != "host",
          "exporter: not privileged, no host PID, no host network")
    vols = {v.get("target"): v for v in svc.get("volumes", []) if isinstance(v, dict)}
    netns = vols.get("/var/run/docker/netns", {})
    check(netns.get("type") == "bind" and netns.get("source") == "/var/run/docker/netns"
          and netns.get("read_only") is True and netns.get("bind", {}).get("propagation") == "rslave",
          "exporter: /var/run/docker/netns bind-mounted read-only with propagation rslave")
    sock = vols.get("/var/run/docker.sock")
    check(sock is None or sock.get("read_only") is True, "exporter: docker.sock (optional) mounted read-only")
    ports = svc.get("ports", [])
    check(ports and all(p.get("mode") == "host" for p in ports), "exporter: published in mode host",
          str(ports))
    nets = [n for n in (svc.get("networks") or {})]
    check(any(doc.get("networks", {}).get(n, {}).get("driver") == "overlay" for n in nets),
          "exporter: attached to an overlay network (dial ring)")
    limits = deploy.get("resources", {}).get("limits", {})
    check(limits.get("cpus") and limits.get("memory"), "exporter: resource limits (cpus, memory)", str(limits))
    labels = deploy.get("labels", {})
    check(labels.get("prometheus.io/scrape") == "true" and labels.get("prometheus-job"),
          "exporter: Prometheus scrape hints as service labels", str(labels))
    command = d.exporter_command()
    check("--namespace-path=/var/run/docker/netns/ingress_sbox" in command
          and "--namespace-path=/var/run/docker/netns/lb_*" in command,
          "exporter: reads ingress_sbox and every lb_* namespace")
    known = d.help_flags(binary)
    pending = os.path.exists(d.PENDING)
    unknown, waived = [], []
    for flag, _ in d.split_flags(command):
        if flag in known:
            continue
        (waived if pending and flag.startswith("--collector.") else unknown).append(flag)
    check(not unknown, "exporter: every flag of the stack's command is in the binary's --help",
          ("unknown: " + ", ".join(unknown)) if unknown else
          (f"{len(command)} arguments" + (f"; PENDING (allowed by pending-metrics.txt): {', '.join(waived)}" if waived else "")))
    return labels.get("prometheus-job")


def monitoring_checks(job):
    doc = d.stack_config(d.MONITORING_STACK)
    missing = [c.get("file") for c in doc.get("configs", {}).values() if not os.path.isfile(c.get("file", ""))]
    check(not missing, "monitoring: every config file exists", ", ".join(missing))
    prom = doc["services"]["prometheus"]
    targets = {c["target"]: doc["configs"][c["source"]]["file"] for c in prom.get("configs", [])}
    prom_file = targets.get("/etc/prometheus/prometheus.yml")
    check(prom_file and os.path.isfile(prom_file) and os.path.samefile(prom_file, d.PROMETHEUS_YML),
          "monitoring: Prometheus gets compose/prometheus/prometheus.yml")
    cfg = d.load_yaml(d.PROMETHEUS_YML)
    rule_targets = [os.path.join("/etc/prometheus", r) for r in cfg.get("rule_files", [])]
    check(rule_targets and all(t in targets for t in rule_targets),
          "monitoring: every rule file of prometheus.yml is mounted beside it", ", ".join(rule_targets))
    constraints = prom.get("deploy", {}).get("placement", {}).get("constraints", [])
    check(any("node.role == manager" in c for c in constraints)
          and any(v.get("target") == "/var/run/docker.sock" for v in prom.get("volumes", []) if isinstance(v, dict)),
          "monitoring: Prometheus on a manager with the Docker socket (dockerswarm_sd_configs)")
    jobs = {j["job_name"]: j for j in cfg.get("scrape_configs", [])}
    sd = [s for j in jobs.values() for s in j.get("dockerswarm_sd_configs", [])]
    check(sd and all(s.get("role") == "tasks" for s in sd), "prometheus.yml: dockerswarm_sd_configs with role tasks")
    relabels = [r for j in jobs.values() for r in j.get("relabel_configs", [])]
    check(any(r.get("target_label") == "instance" and r.get("source_labels") == ["__meta_dockerswarm_node_hostname"]
              for r in relabels), "prometheus.yml: instance relabelled to the node's hostname")
    check(any(r.get("target_label") == "job" and r.get("source_labels") == ["__meta_dockerswarm_service_label_prometheus_job"]
              for r in relabels) and job in jobs,
          f"prometheus.yml: job from the service's prometheus-job label ({job}), and a job of that name")
    alert_jobs = set(re.findall(r'job="([^"]+)"', "".join(open(f).read() for f in d.rule_files())))
    dash_jobs = set(re.findall(r'job=\\"([^"\\]+)\\"', open(d.DASHBOARD_JSON).read()))
    check(alert_jobs | dash_jobs <= {job}, "alerts and dashboard select the exporter's job name",
          ", ".join(sorted(alert_jobs | dash_jobs)))
    alertmanager_checks(doc, cfg)
    graf = doc["services"]["grafana"]
    gt = {c["target"]: doc["configs"][c["source"]]["file"] for c in graf.get("configs", [])}
    ds = d.load_yaml(d.GRAFANA_DATASOURCE)["datasources"][0]
    provider = d.load_yaml(d.GRAFANA_PROVIDER)["providers"][0]
    dash_target = [t for t, f in gt.items() if f.endswith(".json")]
    check(dash_target and os.path.dirname(dash_target[0]) == provider["options"]["path"],
          "grafana: the dashboard is mounted where the provider looks", f"{dash_target} vs {provider['options']['path']}")
    check(any(t.startswith("/etc/grafana/provisioning/datasources/") for t in gt)
          and any(t.startswith("/etc/grafana/provisioning/dashboards/") for t in gt),
          "grafana: datasource and dashboard provider provisioned")
    check(ds.get("url", "").startswith("http://prometheus:"), "grafana: datasource is the stack's Prometheus", ds.get("url"))
    return ds


def flag_value(command, flag):
    for arg in command or []:
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def alertmanager_checks(doc, prometheus_cfg):
    """The stack's Alertmanager gets the shipped file, and Prometheus sends its alerts to it."""
    am = doc["services"].get("alertmanager")
    check(am, "monitoring: an alertmanager service")
    if not am:
        return
    targets = {c["target"]: doc["configs"][c["source"]]["file"] for c in am.get("configs", [])}
    config_path = flag_value(am.get("command"), "--config.file")
    shipped = targets.get(config_path)
    check(shipped and os.path.samefile(shipped, d.ALERTMANAGER_YML),
          "monitoring: Alertmanager's --config.file is compose/alertmanager/alertmanager.yml", str(config_path))
    prom = doc["services"]["prometheus"]
    shared = set(am.get("networks") or {}) & set(prom.get("networks") or {})
    check(shared, "monitoring: Alertmanager and Prometheus share a network", ", ".join(sorted(shared)))
    port = (flag_value(am.get("command"), "--web.listen-address") or ":9093").rsplit(":", 1)[1]
    wanted = {f"tasks.alertmanager:{port}", f"alertmanager:{port}"}
    found = []
    for entry in prometheus_cfg.get("alerting", {}).get("alertmanagers", []):
        for sd in entry.get("dns_sd_configs", []):
            found += [f"{n}:{sd.get('port')}" for n in sd.get("names", [])]
        for sc in entry.get("static_configs", []):
            found += list(sc.get("targets", []))
    check(found and set(found) <= wanted,
          "prometheus.yml: alerts go to the stack's Alertmanager (tasks.alertmanager or alertmanager, its port)",
          ", ".join(found) or "no alerting.alertmanagers")


def rule_checks():
    """Every rule file beside prometheus.yml is loaded; every alert has a runbook whose anchor is a
    heading of README.md, all under one base URL; the inhibit rules name alerts that exist."""
    loaded = {os.path.realpath(f) for f in d.rule_files()}
    folder = os.path.dirname(d.PROMETHEUS_YML)
    on_disk = {os.path.realpath(os.path.join(folder, f)) for f in os.listdir(folder)
               if f.endswith((".yml", ".yaml")) and not os.path.samefile(os.path.join(folder, f), d.PROMETHEUS_YML)}
    check(on_disk <= loaded, "every rule file in compose/prometheus/ is named by prometheus.yml's rule_files",
          ", ".join(sorted(os.path.basename(f) for f in on_disk - loaded)))
    alerts = [r for _, _, r in d.rules() if "alert" in r]
    names = [r["alert"] for r in alerts]
    check(len(names) == len(set(names)), "alert names are unique across the rule files",
          ", ".join(sorted({n for n in names if names.count(n) > 1})))
    anchors = d.readme_anchors()
    bases = set()
    for rule in alerts:
        url = rule.get("annotations", {}).get("runbook_url", "")
        base, _, anchor = url.partition("#")
        bases.add(base)
        check(url and anchor in anchors and base.endswith("README.md"),
              f"alert {rule['alert']}: runbook_url points at a heading of README.md",
              url or "no runbook_url")
    check(len(bases) == 1, "every runbook_url has the same base (one sed replaces it)", ", ".join(sorted(bases)))
    for source, target, _ in d.alertmanager_inhibitions():
        matched_source = [n for n in names if re.fullmatch(source or "", n)]
        matched_target = [n for n in names if re.fullmatch(target or "", n)]
        check(matched_source and matched_target and len(matched_target) == len((target or "").split("|")),
              f"alertmanager.yml: inhibit rule {source} -> {target} names alerts that exist",
              f"sources {matched_source}, targets {matched_target}")


def dashboard_checks(ds):
    try:
        dash = json.load(open(d.DASHBOARD_JSON))
        check(True, "dashboard JSON parses")
    except ValueError as e:
        check(False, "dashboard JSON parses", str(e))
        return
    panels = list(d.walk_panels(dash.get("panels", [])))
    ids = [p.get("id") for p in panels]
    check(len(ids) == len(set(ids)) and None not in ids, "dashboard: every panel has a unique id")
    check(dash.get("uid") and dash.get("title"), "dashboard: uid and title")
    bad = [p.get("title") for p in panels if p.get("type") != "row"
           and (p.get("datasource", {}).get("uid") != "${datasource}" or not p.get("targets"))]
    check(not bad, "dashboard: every panel queries ${datasource}", ", ".join(map(str, bad)))
    grid = [p.get("title") for p in panels
            if p["gridPos"]["x"] + p["gridPos"]["w"] > 24 or p["gridPos"]["w"] <= 0]
    check(not grid, "dashboard: panels fit the 24-column grid", ", ".join(map(str, grid)))
    var = {v["name"]: v for v in dash.get("templating", {}).get("list", [])}
    check(var.get("datasource", {}).get("current", {}).get("value") == ds.get("uid"),
          "dashboard: $datasource defaults to the provisioned datasource's uid", ds.get("uid"))
    wanted = {"heatmap": 2, "timeseries": 1, "table": 1, "stat": 1}
    types = [p.get("type") for p in panels]
    check(all(types.count(t) >= n for t, n in wanted.items()), "dashboard: heatmaps (DNS, dial), graphs, tables, stats")


def expression_checks(binary):
    metrics = d.known_metrics(binary)
    pending = {n for n, i in metrics.items() if i.source == "pending-metrics.txt"}
    print(f"metric list: {len(metrics) - len(pending)} from {binary} --print-metrics"
          + (f", {len(pending)} from pending-metrics.txt ({', '.join(sorted(pending))})" if pending else ""))
    for where, expr, _ in d.all_expressions():
        problems = d.check_expression(expr, metrics)
        names, _, _ = d.analyse(expr)
        used_pending = [n for n in names if (d.resolve_metric(n, metrics)[0] or d.MetricInfo(n, "", [], "")).source == "pending-metrics.txt"]
        note = ", ".join(names) + (f" (PENDING: {', '.join(used_pending)})" if used_pending else "")
        check(not problems, f"metrics of {where}", "; ".join(problems) if problems else note)


def haproxy_sockets(path):
    """The paths of haproxy.cfg's `bind unix@PATH` lines and of its `server dockerd unix@PATH` line."""
    binds, servers = [], []
    for line in open(path):
        words = line.split()
        if len(words) >= 2 and words[0] == "bind" and words[1].startswith("unix@"):
            binds.append(words[1][len("unix@"):])
        if len(words) >= 3 and words[:2] == ["server", "dockerd"] and words[2].startswith("unix@"):
            servers.append(words[2][len("unix@"):])
    return binds, servers


def socket_proxy_stack_checks(binary):
    """compose/swarm-ipvs-exporter-socket-proxy.yml: the exporter without the Docker socket, asking
    its own node's HAProxy over a unix socket in a node-local volume; otherwise the plain stack's."""
    doc = d.stack_config(d.SOCKET_PROXY_STACK)
    proxy, svc = doc["services"].get("docker-api", {}), doc["services"].get("exporter", {})
    image = proxy.get("image", "")
    check(re.fullmatch(r"haproxy:\d+\.\d+[\w.-]*", image), "socket proxy: the official haproxy image, a pinned release line", image)
    check(proxy.get("deploy", {}).get("mode") == "global", "socket proxy: deploy.mode global (one on every node, beside its exporter)")
    check(not proxy.get("ports") and proxy.get("deploy", {}).get("endpoint_mode") == "dnsrr",
          "socket proxy: no published port, no virtual IP (endpoint_mode dnsrr)")
    check("ALL" in proxy.get("cap_drop", []) and not proxy.get("cap_add") and not proxy.get("privileged"),
          "socket proxy: every capability dropped")
    configs = {c.get("target"): doc.get("configs", {}).get(c.get("source"), {}).get("file", "") for c in proxy.get("configs", [])}
    shipped = configs.get("/usr/local/etc/haproxy/haproxy.cfg", "")
    check(shipped and os.path.isfile(shipped) and os.path.samefile(shipped, d.DOCKER_API_PROXY_CFG),
          "socket proxy: compose/docker-api-proxy/haproxy.cfg is its /usr/local/etc/haproxy/haproxy.cfg", str(configs))
    binds, servers = haproxy_sockets(d.DOCKER_API_PROXY_CFG)
    check(len(binds) == 1 and len(servers) == 1, "haproxy.cfg: one `bind unix@…` and one `server dockerd unix@…`",
          f"binds {binds}, servers {servers}")
    bind = binds[0] if binds else ""
    proxy_mounts = {v.get("target"): v for v in proxy.get("volumes", []) if isinstance(v, dict)}
    sock = proxy_mounts.get(servers[0] if servers else "", {})
    check(sock.get("type") == "bind" and sock.get("source") == "/var/run/docker.sock" and sock.get("read_only") is True,
          "socket proxy: haproxy.cfg's server is the host's /var/run/docker.sock, mounted read-only", str(servers))
    shared = proxy_mounts.get(os.path.dirname(bind), {})
    volume = doc.get("volumes", {}).get(shared.get("source"), None)
    # A local volume with no driver_opts is a directory of each node's own Docker: the two tasks on
    # one node share it, and no other node's task sees it.
    check(shared.get("type") == "volume" and volume is not None and volume.get("driver", "local") == "local"
          and not volume.get("driver_opts") and not volume.get("external"),
          "socket proxy: haproxy.cfg binds its socket in a node-local volume mounted there", f"bind {bind}, mount {shared}, volume {volume}")
    exporter_mounts = {v.get("target"): v for v in svc.get("volumes", []) if isinstance(v, dict)}
    check("/var/run/docker.sock" not in exporter_mounts
          and not any(v.get("source") == "/var/run/docker.sock" for v in exporter_mounts.values()),
          "socket-proxy exporter: no docker.sock mount")
    same_volume = [v for v in exporter_mounts.values() if v.get("type") == "volume" and v.get("source") == shared.get("source")]
    check(len(same_volume) == 1 and same_volume[0].get("read_only") is True,
          "socket-proxy exporter: the proxy's volume mounted read-only", str(same_volume))
    command = d.exporter_command(d.SOCKET_PROXY_STACK)
    hosts = [a.split("=", 1)[1] for a in command if a.startswith("--docker.host=")]
    wanted = f"unix://{os.path.join(same_volume[0]['target'], os.path.basename(bind))}" if same_volume and bind else "?"
    check(hosts == [wanted] and not any(a.startswith("--docker.socket") or a == "--no-docker" for a in command),
          "socket-proxy exporter: --docker.host is the proxy's socket in its mount, and no --docker.socket", f"{hosts} vs {wanted}")
    known = d.help_flags(binary)
    unknown = [flag for flag, _ in d.split_flags(command) if flag not in known]
    check(not unknown, "socket-proxy exporter: every flag of the command is in the binary's --help", ", ".join(unknown))
    plain = d.stack_config(d.EXPORTER_STACK)["services"]["exporter"]
    plain_command = [a for a in plain.get("command", []) if not a.startswith("--docker.socket=")]
    proxy_command = [a for a in svc.get("command", []) if not a.startswith("--docker.host=")]
    plain_mounts = [v for v in plain.get("volumes", []) if v.get("source") != "/var/run/docker.sock"]
    proxy_exporter_mounts = [v for v in svc.get("volumes", []) if v not in same_volume]
    differ = [k for k in set(plain) | set(svc) if k not in ("command", "volumes") and plain.get(k) != svc.get(k)]
    differ += ["command"] if plain_command != proxy_command else []
    differ += ["volumes"] if plain_mounts != proxy_exporter_mounts else []
    check(not differ, "socket-proxy exporter: the same service as in swarm-ipvs-exporter.yml but for the Docker socket",
          "differs: " + ", ".join(sorted(differ)) if differ else "")


def main():
    binary = sys.argv[1]
    dockerfile_checks()
    job = exporter_stack_checks(binary)
    socket_proxy_stack_checks(binary)
    ds = monitoring_checks(job)
    rule_checks()
    dashboard_checks(ds)
    expression_checks(binary)
    print(f"evaluated: {results.count(True)} passed, {results.count(False)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
