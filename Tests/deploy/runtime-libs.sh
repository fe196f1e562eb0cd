#!/usr/bin/env bash
# runtime-libs: prove the Dockerfile's runtime stage holds everything the release binary needs,
# without a Docker engine: build a root file system from ONLY the Debian packages that stage has
# (its `apt-get install` list, plus libc6 and libgcc-s1 of debian:bookworm-slim, plus bash for the
# HEALTHCHECK), copied from this bookworm host's installed packages, and run the binary in it.
#
#   sudo Tests/deploy/runtime-libs.sh      (EXPORTER_BIN=path; default .build/release/…)
#
# Checks:
#   1. every library the binary links (ldd) belongs to one of those packages: nothing from the Swift
#      toolchain, i.e. a --static-swift-stdlib build;
#   2. in the root (chroot, in a private mount namespace with /proc and /dev bound in, as a
#      container has): the dynamic loader finds every library (ld.so --list: no "not found");
#   3. --version and --print-metrics run there;
#   4. the exporter serves there with the stack's flags, and the Dockerfile's HEALTHCHECK command,
#      run as written in the root, reports healthy; once the exporter is stopped, unhealthy.
# Needs root (chroot, unshare). Prints "runtime-libs: N passed, M failed".
# RUNTIME_LIBS_EXTRA_DIRS="dir ..." copies more directories into the root (e.g. the Swift runtime,
# to try the rest with a debug build); such a run says so and does not prove the runtime stage.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/deploy/tools.sh

checks_name=runtime-libs   # pass/fail/finish come from Tests/deploy/tools.sh

[ "$(id -u)" = 0 ] || { fail "needs root (chroot, unshare)"; finish; }
: "${EXPORTER_BIN:=.build/release/swarm-ipvs-exporter}"
[ -x "$EXPORTER_BIN" ] || { fail "no binary at $EXPORTER_BIN (swift build -c release --static-swift-stdlib)"; finish; }
ensure_pyyaml || { fail "PyYAML unavailable"; finish; }
find_docker_cli || { fail "a docker CLI with 'docker stack config'"; finish; }

# The runtime stage's packages: the apt-get install list after the last FROM of the Dockerfile.
runtime_packages=$(python3 - <<'PY'
import re
text = open("Dockerfile").read().replace("\\\n", " ")
stage = re.split(r"(?m)^FROM\s", text)[-1]
pkgs = []
for m in re.finditer(r"apt-get install ([^&\n]*)", stage):
    pkgs += [w for w in m.group(1).split() if not w.startswith("-")]
print(" ".join(pkgs))
PY
)
base_packages="libc6 libgcc-s1"        # in debian:bookworm-slim, which the stage starts from
healthcheck_packages="bash libtinfo6"  # Essential in the base image (the HEALTHCHECK is the binary itself)
echo "runtime stage installs: $runtime_packages"
allowed=" $runtime_packages $base_packages "

# ---------------------------------------------------------------------------- 1. ldd → packages
owner() {  # library path -> owning Debian package (usrmerge: try both /lib and /usr/lib spellings)
  local p=$1 alt
  case $p in /usr/*) alt=${p#/usr} ;; *) alt=/usr$p ;; esac
  for q in "$p" "$alt" "$(readlink -f "$p")"; do
    dpkg -S "$q" 2>/dev/null | head -n1 | cut -d: -f1 && return 0
  done
  echo "?"
}
bad=""
while read -r lib path; do
  [ -z "$path" ] && continue
  pkg=$(owner "$path")
  case $allowed in
    *" $pkg "*) echo "    $lib => $path ($pkg)" ;;
    *) echo "    $lib => $path ($pkg)  <- not in the runtime stage"; bad="$bad $lib" ;;
  esac
done < <(ldd "$EXPORTER_BIN" | awk '/=>/ { print $1, $3 } /^\t\/lib64/ { print $1, $1 }')
if [ -z "$bad" ]; then
  pass "every library ldd lists comes from the runtime stage's packages ($runtime_packages + $base_packages)"
else
  fail "libraries outside the runtime stage:$bad (is this a --static-swift-stdlib build?)"
fi

# ---------------------------------------------------------------------------- the root
root=$(mktemp -d /tmp/runtime-libs.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  rm -rf "$root"
}
trap cleanup EXIT
python3 - "$root" $runtime_packages $base_packages $healthcheck_packages <<'PY'
import os, shutil, subprocess, sys
root = sys.argv[1]
for d in ("usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "proc", "dev", "tmp", "run", "var"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
for link, target in (("bin", "usr/bin"), ("sbin", "usr/sbin"), ("lib", "usr/lib"), ("lib64", "usr/lib64"),
                     ("var/run", "../run")):
    os.symlink(target, os.path.join(root, link))
for pkg in sys.argv[2:]:
    files = subprocess.run(["dpkg", "-L", pkg], check=True, capture_output=True, text=True).stdout.split("\n")
    for path in files:
        if not path or not (os.path.islink(path) or os.path.isfile(path)):
            continue
        dest = root + path
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if not os.path.lexists(dest):
            shutil.copy2(path, dest, follow_symlinks=False)
for f in ("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group"):
    if os.path.exists(f):
        shutil.copy2(f, root + f)
PY
for d in ${RUNTIME_LIBS_EXTRA_DIRS:-}; do
  echo "NOTE: RUNTIME_LIBS_EXTRA_DIRS: copying $d into the root: this run does NOT prove the runtime stage"
  mkdir -p "$root$d" && cp -a "$d/." "$root$d/"
done
install -D -m 0755 "$EXPORTER_BIN" "$root/usr/local/bin/swarm-ipvs-exporter"
echo "root: $(du -sh "$root" | cut -f1) from packages: $runtime_packages $base_packages $healthcheck_packages"

# Run a command inside the root: private mount namespace, /proc and /dev bound in, then chroot.
ROOT_SH='root=$1; shift; mount --rbind /proc "$root/proc" && mount --rbind /dev "$root/dev" && exec chroot "$root" "$@"'
in_root() { unshare --mount --propagation private -- sh -c "$ROOT_SH" in_root "$root" "$@"; }

# ---------------------------------------------------------------------------- 2. the loader
if listing=$(in_root /lib64/ld-linux-x86-64.so.2 --list /usr/local/bin/swarm-ipvs-exporter 2>&1) &&
   ! grep -q 'not found' <<<"$listing"; then
  pass "in the root, the dynamic loader resolves every library:"
  sed 's/^/    /' <<<"$listing"
else
  fail "in the root, libraries are missing:"
  sed 's/^/    /' <<<"$listing"
fi

# ---------------------------------------------------------------------------- 3. --version, --print-metrics
if v=$(in_root /usr/local/bin/swarm-ipvs-exporter --version 2>&1); then
  pass "--version in the root: $v"
else
  fail "--version in the root failed: $v"
fi
if n=$(in_root /usr/local/bin/swarm-ipvs-exporter --print-metrics 2>&1 | wc -l) && [ "$n" -gt 10 ]; then
  pass "--print-metrics in the root: $n metrics"
else
  fail "--print-metrics in the root failed"
fi

# ---------------------------------------------------------------------------- 4. serve + HEALTHCHECK
if ! python3 Tests/deploy/deploylib.py runnable-args "$EXPORTER_BIN" >"$root/tmp/args" 2>"$root/tmp/args.err"; then
  fail "read the stack's flags:"; sed 's/^/    /' "$root/tmp/args.err"; finish
fi
mapfile -t args <"$root/tmp/args"
# The HEALTHCHECK (`swarm-ipvs-exporter healthcheck`) reads the listen address from PID 1's command
# line, which in a container is the exporter; here PID 1 is the host's init, so it falls back to the
# image's default port 10118. Use that port if it is free here, otherwise a free port, passed to
# the health check as --web.listen-address.
port=10118
python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", 10118))' 2>/dev/null || port=$(free_port)
health_cmd=$(python3 - "$port" <<'PY'
import json, re, sys
text = open("Dockerfile").read().replace("\\\n", " ")
cmd = json.loads(re.search(r"(?m)^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$", text).group(1))
if sys.argv[1] != "10118":
    cmd.append("--web.listen-address=127.0.0.1:" + sys.argv[1])
print(json.dumps(cmd))
PY
)
mapfile -t health < <(python3 -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])))' "$health_cmd")
echo "HEALTHCHECK: ${health[*]}"
# Not through the function: unshare, sh and chroot each exec the next, so $! is the exporter.
unshare --mount --propagation private -- sh -c "$ROOT_SH" in_root "$root" \
  /usr/local/bin/swarm-ipvs-exporter "${args[@]}" --web.listen-address="127.0.0.1:$port" \
  >"$root/tmp/server.log" 2>&1 &
server_pid=$!
if wait_http_200 "http://127.0.0.1:$port/metrics" 30; then
  pass "the exporter serves from the root with the stack's flags (127.0.0.1:$port)"
else
  fail "the exporter did not serve from the root:"; tail -n 20 "$root/tmp/server.log" | sed 's/^/    /'
fi
if in_root "${health[@]}"; then
  pass "the Dockerfile's HEALTHCHECK, run in the root, reports healthy"
else
  fail "the Dockerfile's HEALTHCHECK reports unhealthy while the exporter serves"
fi
kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
if in_root "${health[@]}" 2>/dev/null; then
  fail "the HEALTHCHECK reports healthy with no exporter running"
else
  pass "the HEALTHCHECK reports unhealthy once the exporter is stopped"
fi
finish
