#!/usr/bin/env bash
# Tests/vm/run-ipvs-vm-test.sh: checks the exporter's IPVS numbers against a real kernel.
# Runs on the HOST (any Linux with qemu; the host kernel needs no IPVS): boots a throw-away VM
# with scripts/vm-run and runs Tests/vm/inside-ipvs.sh in it, which builds IPVS tables in
# namespaces ipvs-a / ipvs-b, pushes traffic, runs the exporter and compares every series with
# ipvsadm (Tests/vm/compare_ipvs.py). Build the exporter first (`swift build`).
#
#   Tests/vm/run-ipvs-vm-test.sh
#
# Environment:
#   EXPORTER_BIN       binary to test, relative to the repository root or absolute
#                      (default .build/debug/swarm-ipvs-exporter)
#   IPVS_VM_ARTIFACTS  directory inside the repository that receives scrapes, ipvsadm outputs
#                      and the exporter's log (default: not kept)
#   VM_TIMEOUT         seconds before the VM is killed (default 900; TCG is slow)
#   KERNEL_LAB_CACHE   initramfs cache of scripts/vm-run (default /tmp/kernel-lab)
# Output: one ok/FAIL line per check, last line `N passed, M failed`; exit status 0 only if
# nothing failed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
bin=${EXPORTER_BIN:-.build/debug/swarm-ipvs-exporter}
if [ ! -x "$bin" ]; then
  echo "FAIL exporter binary $bin: expected an executable got nothing (run swift build first)"
  echo "0 passed, 1 failed"
  exit 1
fi
bin=${bin#./}

env_line="EXPORTER_BIN=$(printf %q "$bin")"
[ -n "${IPVS_VM_ARTIFACTS:-}" ] && env_line+=" IPVS_VM_ARTIFACTS=$(printf %q "$IPVS_VM_ARTIFACTS")"

log=$(mktemp); trap 'rm -f "$log"' EXIT
scripts/vm-run --mem 2048 --timeout "${VM_TIMEOUT:-900}" -- "env $env_line bash Tests/vm/inside-ipvs.sh" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

last=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
  # the VM printed the summary; trust it, but never report success on a non-zero status
  if [ "$rc" != 0 ] && [ "${BASH_REMATCH[2]}" = 0 ]; then
    echo "FAIL vm-run: exit status $rc although no check failed"
    echo "${BASH_REMATCH[1]} passed, 1 failed"
    exit 1
  fi
  exit "$rc"
fi
# the VM died, timed out (124) or never ran the test (125): count what we saw, plus this
passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^FAIL ' "$log")
echo "FAIL vm-run: the test did not finish (exit status $rc$([ "$rc" = 124 ] && echo ", timed out"))"
echo "$passed passed, $((failed + 1)) failed"
exit 1
