#!/usr/bin/env python3
"""Shared by scripts/validate-deploy and Tests/deploy/run-stack-flags.sh.

Knows where the deployment files are, reads the exporter's metric list from the binary
(--print-metrics) plus the pending allow-list, extracts every PromQL expression from the alert
rules and the Grafana dashboard, and finds the metric names and label names they use.

Subcommands (used by the shell scripts):
  stack-args STACK_YML            the exporter service's command, one argument per line, as the
                                  Swarm engine gets it (`docker stack config`, so ${VAR:-default}
                                  is interpolated exactly as `docker stack deploy` does)
  runnable-args BIN STACK_YML     the same, minus --web.listen-address (the test chooses a loopback
                                  one) and minus flags of collectors the binary does not have yet
                                  while Tests/deploy/pending-metrics.txt exists
  evaluate PROM_URL [--require-data]
                                  evaluate every alert and dashboard expression through the
                                  Prometheus HTTP API; prints one PASS/FAIL line per expression
  check-alerts PROM_URL           every alert of the rule files is pending or firing
  rule-files                      the rule files prometheus.yml loads, one path per line
  firing-rules OUT                write OUT: every alert of the rule files with its `for:` removed,
                                  so it fires at its first true evaluation (for the Alertmanager
                                  check of run-stack-flags.sh)
  alertmanager-test-config OUT URL
                                  write OUT: compose/alertmanager/alertmanager.yml with every
                                  webhook URL replaced by URL and group_wait by 1s
  check-alertmanager AM_URL       what a real Alertmanager holds after Prometheus sent it those
                                  firing alerts: each alert with its runbook_url, the shipped
                                  inhibition in effect (run-stack-flags.sh)
  check-webhook FILE              the notifications the webhook received (one JSON body a line):
                                  the shipped receiver and group_by, every alert with runbook_url
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXPORTER_STACK = os.path.join(ROOT, "compose", "swarm-ipvs-exporter.yml")
MONITORING_STACK = os.path.join(ROOT, "compose", "monitoring.yml")
SOCKET_PROXY_STACK = os.path.join(ROOT, "compose", "swarm-ipvs-exporter-socket-proxy.yml")
DOCKER_API_PROXY_CFG = os.path.join(ROOT, "compose", "docker-api-proxy", "haproxy.cfg")
PROMETHEUS_YML = os.path.join(ROOT, "compose", "prometheus", "prometheus.yml")
ALERTS_YML = os.path.join(ROOT, "compose", "prometheus", "alerts.yml")
ALERTMANAGER_YML = os.path.join(ROOT, "compose", "alertmanager", "alertmanager.yml")
README = os.path.join(ROOT, "README.md")
DASHBOARD_JSON = os.path.join(ROOT, "compose", "grafana", "dashboards", "swarm-routing-mesh.json")
GRAFANA_DATASOURCE = os.path.join(ROOT, "compose", "grafana", "provisioning", "datasources", "prometheus.yml")
GRAFANA_PROVIDER = os.path.join(ROOT, "compose", "grafana", "provisioning", "dashboards", "swarm-ipvs-exporter.yml")
PENDING = os.path.join(ROOT, "Tests", "deploy", "pending-metrics.txt")

# Series Prometheus itself adds to every target (not in the exporter's list, always present).
PROMETHEUS_SYNTHETIC = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
    "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE",
}
# Labels Prometheus attaches to every scraped series (compose/prometheus/prometheus.yml).
TARGET_LABELS = {"instance", "job", "node_id"}

PROMQL_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
    "offset", "inf", "nan", "atan2",
}

# Grafana's built-in variables, replaced by values a plain Prometheus accepts.
GRAFANA_BUILTINS = {
    "__rate_interval": "1m", "__interval": "30s", "__range": "1h", "__range_s": "3600",
    "__interval_ms": "30000", "__range_ms": "3600000",
}


def load_yaml(path_or_text, is_text=False):
    import yaml  # provided by the calling script (Tests/deploy/tools.sh installs PyYAML if missing)
    if is_text:
        return yaml.safe_load(path_or_text)
    with open(path_or_text) as f:
        return yaml.safe_load(f)


# ------------------------------------------------------------------------------------ metrics
class MetricInfo:
    def __init__(self, name, mtype, labels, source):
        self.name, self.type, self.labels, self.source = name, mtype, set(labels), source


def binary_metrics(binary):
    """--print-metrics: name<TAB>type<TAB>collector<TAB>labels<TAB>help."""
    out = subprocess.run([binary, "--print-metrics"], check=True, capture_output=True, text=True).stdout
    metrics = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 4 or not parts[0]:
            continue
        labels = [l for l in parts[3].split(",") if l]
        metrics[parts[0]] = MetricInfo(parts[0], parts[1], labels, "--print-metrics")
    return metrics


def pending_metrics():
    """Tests/deploy/pending-metrics.txt: NAME TYPE LABEL,LABEL (# comments). Absent file: none."""
    metrics = {}
    if not os.path.exists(PENDING):
        return metrics
    with open(PENDING) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            labels = parts[2].split(",") if len(parts) > 2 else []
            metrics[parts[0]] = MetricInfo(parts[0], parts[1] if len(parts) > 1 else "untyped", labels,
                                           "pending-metrics.txt")
    return metrics


def known_metrics(binary):
    """The binary's list, then pending names the binary does not list yet."""
    metrics = binary_metrics(binary)
    for name, info in pending_metrics().items():
        metrics.setdefault(name, info)
    return metrics


def resolve_metric(name, metrics):
    """(MetricInfo or None, extra labels the series has) for a name used in a query."""
    if name in PROMETHEUS_SYNTHETIC:
        return MetricInfo(name, "synthetic", [], "Prometheus"), set()
    if name in metrics:
        return metrics[name], set()
    for suffix, extra in (("_bucket", {"le"}), ("_sum", set()), ("_count", set())):
        base = name[: -len(suffix)] if name.endswith(suffix) else None
        if base and base in metrics and metrics[base].type in ("histogram", "summary"):
            return metrics[base], extra
    return None, set()


# ------------------------------------------------------------------------------------ promql
STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
SELECTOR_RE = re.compile(r'(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}')
GROUPING_RE = re.compile(r'\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)')
IDENT_RE = re.compile(r'(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?')


def substitute_grafana(expr):
    """Grafana variables → values Prometheus accepts: built-ins → durations, the rest → .*"""
    def builtin(m):
        name = m.group(1) or m.group(2)
        if name in GRAFANA_BUILTINS:
            return GRAFANA_BUILTINS[name]
        return ".*"
    expr = re.sub(r'\$\{(\w+)(?::\w+)?\}|\$(\w+)', builtin, expr)
    return re.sub(r'\[\[(\w+)\]\]', ".*", expr)


def translate_variable_query(query):
    """Grafana's label_values(SELECTOR, LABEL) → PromQL giving the same values."""
    m = re.fullmatch(r'\s*label_values\((.*),\s*([a-zA-Z_]\w*)\s*\)\s*', query, re.S)
    if m:
        return f"group by ({m.group(2)}) ({m.group(1)})", m.group(2)
    m = re.fullmatch(r'\s*query_result\((.*)\)\s*', query, re.S)
    if m:
        return m.group(1), None
    return query, None


def analyse(expr):
    """(metric names, {metric: [matcher labels]}, grouping labels) of a PromQL expression."""
    s = STRING_RE.sub('""', expr)
    matchers = {}
    for m in SELECTOR_RE.finditer(s):
        name = m.group(1)
        labels = re.findall(r'([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)', m.group(2))
        if name and name not in PROMQL_KEYWORDS:
            matchers.setdefault(name, []).extend(labels)
    for value in re.findall(r'__name__\s*=\s*"([a-zA-Z_:][a-zA-Z0-9_:]*)"', expr):
        matchers.setdefault(value, [])
    grouping = set()
    for m in GROUPING_RE.finditer(s):
        grouping.update(x.strip() for x in m.group(2).split(",") if x.strip())
    t = re.sub(r'\{[^}]*\}', ' ', s)
    t = re.sub(r'\[[^\]]*\]', ' ', t)
    t = GROUPING_RE.sub(' ', t)
    t = re.sub(r'\boffset\s+-?\w+', ' ', t)
    t = re.sub(r'@\s*[\w.()]+', ' ', t)
    names = []
    for m in IDENT_RE.finditer(t):
        ident, call = m.group(1), m.group(2)
        if call or ident.lower() in PROMQL_KEYWORDS:
            continue
        if ident not in names:
            names.append(ident)
    for name in matchers:
        if name not in names:
            names.append(name)
    return names, matchers, grouping


def check_expression(expr, metrics):
    """Problems (strings) of one expression against the metric list; empty when it is fine."""
    names, matchers, grouping = analyse(expr)
    problems = []
    if not names:
        problems.append("uses no metric")
    available = set(TARGET_LABELS) | {"__name__"}
    produced = set(re.findall(r'label_replace\(.*?"([a-zA-Z_]\w*)"', expr, re.S))
    for name in names:
        info, extra = resolve_metric(name, metrics)
        if info is None:
            problems.append(f"unknown metric {name}")
            continue
        labels = info.labels | extra | TARGET_LABELS | {"__name__"}
        available |= labels
        if info.type == "synthetic":
            available |= {"job", "instance"}
            continue
        for label in matchers.get(name, []):
            if label not in labels:
                problems.append(f"{name} has no label {label} (it has {', '.join(sorted(info.labels | extra)) or 'none'})")
    if any(p.startswith("unknown metric") for p in problems):
        return problems  # grouping labels cannot be judged without the metric
    for label in grouping:
        if label not in available | produced:
            problems.append(f"grouping label {label} is on none of {', '.join(names)}")
    return problems


# ------------------------------------------------------------------------------------ sources
def rule_files():
    """The rule files compose/prometheus/prometheus.yml loads (paths relative to it, globs
    expanded as Prometheus does), sorted."""
    import glob
    base = os.path.dirname(PROMETHEUS_YML)
    out = []
    for pattern in load_yaml(PROMETHEUS_YML).get("rule_files", []):
        out.extend(sorted(glob.glob(os.path.join(base, pattern))))
    return out


def rules():
    """[(file, group name, rule)] of every rule of every rule file."""
    out = []
    for path in rule_files():
        for group in (load_yaml(path) or {}).get("groups", []):
            for rule in group.get("rules", []):
                out.append((path, group.get("name"), rule))
    return out


def alert_expressions():
    """[(where, expr)] of every rule of the rule files."""
    return [(f"alert {r.get('alert') or r.get('record')}", r["expr"].strip()) for _, _, r in rules()]


def github_anchor(heading):
    """The anchor GitHub gives a Markdown heading: its text (links reduced to their text) in lower
    case, every character that is not a letter, digit, space, hyphen or underscore removed (code
    span backticks and `*` emphasis with them), spaces turned into hyphens. Underscore emphasis
    (`_x_`) is not recognised: the README's headings do not use it."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # [text](url) -> text
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def readme_anchors(path=README):
    """Every heading anchor of a Markdown file, as GitHub numbers repeated ones (x, x-1, x-2);
    fenced code blocks are skipped."""
    anchors, seen, fenced = set(), {}, False
    with open(path) as f:
        for line in f:
            if re.match(r"\s*(```|~~~)", line):
                fenced = not fenced
                continue
            m = None if fenced else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            anchor = github_anchor(m.group(1))
            n = seen.get(anchor, 0)
            seen[anchor] = n + 1
            anchors.add(anchor if n == 0 else f"{anchor}-{n}")
    return anchors


def walk_panels(panels):
    for panel in panels:
        yield panel
        yield from walk_panels(panel.get("panels", []))


def dashboard_expressions(dashboard=None):
    """[(where, expr, kind)] kind: 'range' | 'instant' | 'variable'; exprs with Grafana variables
    substituted (built-ins by durations, the others by .*)."""
    if dashboard is None:
        with open(DASHBOARD_JSON) as f:
            dashboard = json.load(f)
    out = []
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        query = var.get("query")
        if isinstance(query, dict):
            query = query.get("query", "")
        translated, _ = translate_variable_query(query)
        out.append((f"variable ${var['name']}", substitute_grafana(translated), "variable"))
    for panel in walk_panels(dashboard.get("panels", [])):
        for t in panel.get("targets", []):
            if "expr" not in t or t.get("hide"):
                continue
            kind = "instant" if t.get("instant") and not t.get("range") else "range"
            out.append((f"panel \"{panel.get('title')}\" {t.get('refId', '')}", substitute_grafana(t["expr"]), kind))
    return out


def all_expressions():
    return [(w, e, "instant") for w, e in alert_expressions()] + dashboard_expressions()


# ------------------------------------------------------------------------------------ stack
def stack_config(path):
    docker = os.environ.get("DOCKER_CLI", "docker")
    out = subprocess.run([docker, "stack", "config", "-c", path], check=True, capture_output=True, text=True).stdout
    return load_yaml(out, is_text=True)


def exporter_command(path=EXPORTER_STACK):
    doc = stack_config(path)
    command = doc["services"]["exporter"]["command"]
    if isinstance(command, str):
        import shlex
        command = shlex.split(command)
    return [str(a) for a in command]


def help_flags(binary):
    out = subprocess.run([binary, "--help"], check=True, capture_output=True, text=True).stdout
    return set(re.findall(r'(--[a-zA-Z][\w.-]*)', out))


def flag_name(arg):
    return arg.split("=", 1)[0]


def split_flags(args):
    """[(flag, [arg, value?])] keeping values that follow a flag without '='."""
    groups, i = [], 0
    while i < len(args):
        a = args[i]
        if a.startswith("--") and "=" not in a and i + 1 < len(args) and not args[i + 1].startswith("--"):
            groups.append((a, [a, args[i + 1]]))
            i += 2
        else:
            groups.append((flag_name(a), [a]))
            i += 1
    return groups


def runnable_args(binary, path=EXPORTER_STACK):
    """(args, notes): the stack's command for a loopback test run."""
    known = help_flags(binary)
    pending = os.path.exists(PENDING)
    args, notes = [], []
    for flag, parts in split_flags(exporter_command(path)):
        if flag in ("--web.listen-address", "--listen-address"):
            notes.append(f"replaced {' '.join(parts)} by a loopback address")
            continue
        if flag.startswith("--collector.") and flag not in known and pending:
            notes.append(f"PENDING: dropped {' '.join(parts)}: this binary has no {flag} yet "
                         f"(allowed only while Tests/deploy/pending-metrics.txt exists)")
            continue
        args.extend(parts)
    return args, notes


# ------------------------------------------------------------------------------------ evaluate
def prom_get(base, path, params):
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=15) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # 400/422 carry the parse or evaluation error as JSON
        try:
            return json.load(e)
        except Exception:
            return {"status": "error", "error": f"HTTP {e.code}"}
    except Exception as e:  # noqa: BLE001
        return {"status": "error", "error": str(e)}


def evaluate(base, require_data=False):
    """One PASS/FAIL line per expression; returns (passed, failed). require_data: an expression
    whose answer is empty fails too (run-stack-flags.sh serves a series of every metric)."""
    passed = failed = 0
    now = time.time()
    for where, expr, kind in all_expressions():
        answer = prom_get(base, "/api/v1/query", {"query": expr, "time": f"{now:.3f}"})
        ok = answer.get("status") == "success"
        detail = ""
        if ok and kind == "range":
            ranged = prom_get(base, "/api/v1/query_range",
                              {"query": expr, "start": f"{now - 120:.3f}", "end": f"{now:.3f}", "step": "5"})
            if ranged.get("status") != "success":
                ok, answer = False, ranged
        if ok:
            result = answer["data"]["result"]
            n = len(result) if isinstance(result, list) else 1
            if n == 0 and require_data:
                print(f"FAIL {where}: evaluates but returns no series although every metric has one\n     {expr}")
                failed += 1
                continue
            print(f"PASS {where}: {n} series")
            passed += 1
        else:
            print(f"FAIL {where}: {answer.get('errorType', '')} {answer.get('error')}\n     {expr}")
            failed += 1
    return passed, failed


def check_alerts(base):
    """Every alert of the rule files must be pending or firing (the stand-in target breaks every
    rule)."""
    answer = prom_get(base, "/api/v1/alerts", {})
    active = {}
    for alert in answer.get("data", {}).get("alerts", []):
        active.setdefault(alert["labels"]["alertname"], set()).add(alert["state"])
    passed = failed = 0
    for where, _ in alert_expressions():
        name = where.split(" ", 1)[1]
        if active.get(name):
            print(f"PASS {where} triggers on the condition it watches ({', '.join(sorted(active[name]))})")
            passed += 1
        else:
            print(f"FAIL {where} did not trigger although its condition holds on the stand-in target")
            failed += 1
    return passed, failed


def firing_rules(out_path):
    """Every alert of the rule files, `for:` removed, in groups named "<group>-firing", with the
    label firing_copy="true": without it the copy and the shipped rule would write the same
    ALERTS_FOR_STATE series and Prometheus would refuse one of them ("out of order sample")."""
    import yaml
    groups = {}
    for _, group, rule in rules():
        if "alert" in rule:
            copy = {k: v for k, v in rule.items() if k != "for"}
            copy["labels"] = dict(copy.get("labels") or {}, firing_copy="true")
            groups.setdefault(f"{group}-firing", []).append(copy)
    with open(out_path, "w") as f:
        yaml.safe_dump({"groups": [{"name": n, "rules": r} for n, r in groups.items()]}, f, sort_keys=False)
    return sum(len(r) for r in groups.values())


def alertmanager_inhibitions():
    """[(source alertname, target alertname pattern)] of the shipped inhibit rules, from their
    `alertname = X` / `alertname =~ "A|B"` matchers."""
    out = []
    for rule in load_yaml(ALERTMANAGER_YML).get("inhibit_rules", []):
        def names(matchers):
            for m in matchers or []:
                mm = re.fullmatch(r'\s*alertname\s*(=~|=)\s*"?([^"]*)"?\s*', m)
                if mm:
                    return mm.group(2) if mm.group(1) == "=~" else re.escape(mm.group(2))
            return None
        out.append((names(rule.get("source_matchers")), names(rule.get("target_matchers")), rule.get("equal", [])))
    return out


def check_alertmanager(base):
    """Alertmanager's /api/v2/alerts after Prometheus sent it every alert firing on the stand-in
    target: each alert is there with the rule's runbook_url, and each target of a shipped inhibit
    rule whose source fires with the same `equal` labels is suppressed by it."""
    expected = {r["alert"]: r.get("annotations", {}).get("runbook_url") for _, _, r in rules() if "alert" in r}
    passed = failed = 0
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/v2/alerts", timeout=5) as r:
                alerts = json.load(r)
        except Exception as e:  # noqa: BLE001
            alerts, error = [], str(e)
        else:
            error = None
        names = {a["labels"].get("alertname") for a in alerts}
        if set(expected) <= names or time.time() > deadline:
            break
        time.sleep(1)
    if error:
        print(f"FAIL GET {base}/api/v2/alerts: {error}")
        return 0, 1
    by_name = {}
    for a in alerts:
        by_name.setdefault(a["labels"].get("alertname"), []).append(a)
    for name, runbook in sorted(expected.items()):
        got = by_name.get(name, [])
        urls = {a.get("annotations", {}).get("runbook_url") for a in got}
        if got and urls == {runbook}:
            print(f"PASS Alertmanager holds {name} ({len(got)} alert(s)), runbook_url {runbook}")
            passed += 1
        else:
            print(f"FAIL Alertmanager: {name} " + (f"has runbook_url {urls}, not {runbook}" if got else "never arrived"))
            failed += 1
    for source, target, equal in alertmanager_inhibitions():
        sources = [a for a in alerts if re.fullmatch(source or "", a["labels"].get("alertname", ""))]
        targets = [a for a in alerts if re.fullmatch(target or "", a["labels"].get("alertname", ""))
                   and any(all(a["labels"].get(l) == s["labels"].get(l) for l in equal) for s in sources)]
        if not sources or not targets:
            print(f"FAIL inhibit rule {source} -> {target}: no firing target alert shares {', '.join(equal)} with a "
                  f"firing source ({len(sources)} source alerts), so the rule cannot hold back anything")
            failed += 1
            continue
        free = [f'{a["labels"]["alertname"]} on {a["labels"].get("instance")}' for a in targets
                if a["status"]["state"] != "suppressed" or not a["status"].get("inhibitedBy")]
        if free:
            print(f"FAIL inhibit rule {source} -> {target}: not suppressed: {', '.join(free)}")
            failed += 1
        else:
            print(f"PASS inhibit rule {source} -> {target} (equal {', '.join(equal)}): "
                  f"{len(targets)} alert(s) suppressed while the source fires")
            passed += 1
    return passed, failed


def alertmanager_test_config(out_path, url):
    """The shipped Alertmanager configuration with its webhook URLs pointed at URL and group_wait
    1s, so a test sees the first notification within seconds."""
    import yaml
    doc = load_yaml(ALERTMANAGER_YML)
    doc["route"]["group_wait"] = "1s"
    hooks = [h for r in doc.get("receivers", []) for h in r.get("webhook_configs", [])]
    for hook in hooks:
        hook["url"] = url
    with open(out_path, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return len(hooks)


def check_webhook(path, wait_seconds=20):
    """The webhook's notifications: at least one; each from the route's receiver, grouped by the
    route's group_by, with runbook_url on every alert."""
    cfg = load_yaml(ALERTMANAGER_YML)
    receiver, keys = cfg["route"]["receiver"], sorted(cfg["route"]["group_by"])
    deadline = time.time() + wait_seconds
    while not (os.path.exists(path) and os.path.getsize(path)) and time.time() < deadline:
        time.sleep(0.5)
    time.sleep(2)  # the other groups of the same flush
    bodies = []
    if os.path.exists(path):
        with open(path) as f:
            bodies = [json.loads(line) for line in f if line.strip()]
    if not bodies:
        print(f"FAIL webhook: no notification within {wait_seconds} s")
        return 0, 1
    # Grouped by the route's labels that the alerts carry: an alert aggregated over nodes
    # (SwarmNodesDisagreeOnBackends, by service) has no `instance`, so its group has only alertname.
    def grouped_right(b):
        carried = set().union(*(a.get("labels", {}).keys() for a in b.get("alerts", []))) if b.get("alerts") else set()
        return sorted(b.get("groupLabels", {})) == sorted(k for k in keys if k in carried)
    bad = [b.get("groupKey") for b in bodies
           if b.get("receiver") != receiver or not grouped_right(b)
           or any(not a.get("annotations", {}).get("runbook_url") for a in b.get("alerts", []))]
    names = sorted({b.get("groupLabels", {}).get("alertname", "?") for b in bodies})
    if bad:
        print(f"FAIL webhook: {len(bad)} of {len(bodies)} notifications not from receiver {receiver}, "
              f"grouped by {keys}, with runbook_url: {bad}")
        return 0, 1
    print(f"PASS webhook: {len(bodies)} notifications from receiver {receiver}, grouped by "
          f"{', '.join(keys)}, every alert with runbook_url ({', '.join(names)})")
    return 1, 0


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "stack-args":
        print("\n".join(exporter_command(argv[2] if len(argv) > 2 else EXPORTER_STACK)))
    elif cmd == "runnable-args":
        args, notes = runnable_args(argv[2], argv[3] if len(argv) > 3 else EXPORTER_STACK)
        for n in notes:
            print(n, file=sys.stderr)
        print("\n".join(args))
    elif cmd == "evaluate":
        p, f = evaluate(argv[2], require_data="--require-data" in argv[3:])
        print(f"evaluated: {p} passed, {f} failed")
        return 1 if f else 0
    elif cmd == "check-alerts":
        p, f = check_alerts(argv[2])
        print(f"evaluated: {p} passed, {f} failed")
        return 1 if f else 0
    elif cmd == "rule-files":
        print("\n".join(rule_files()))
    elif cmd == "firing-rules":
        print(f"{firing_rules(argv[2])} alerts written to {argv[2]} without for:", file=sys.stderr)
    elif cmd == "alertmanager-test-config":
        if not alertmanager_test_config(argv[2], argv[3]):
            print("compose/alertmanager/alertmanager.yml has no webhook receiver to redirect", file=sys.stderr)
            return 1
    elif cmd == "check-alertmanager":
        p, f = check_alertmanager(argv[2])
        print(f"evaluated: {p} passed, {f} failed")
        return 1 if f else 0
    elif cmd == "check-webhook":
        p, f = check_webhook(argv[2])
        print(f"evaluated: {p} passed, {f} failed")
        return 1 if f else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
