# check-helpers.sh: sourced by the shell acceptance suites (Tests/vm/inside-swarm.sh,
# Tests/cluster/checks.sh). One `ok`/`FAIL` line per check, counted in $pass and $fail, and
# readers of a saved /metrics answer.
pass=0; fail=0
check() { # check DESCRIPTION COMMAND...: runs COMMAND; ok when it succeeds
  local what=$1; shift
  if "$@"; then echo "ok   $what"; pass=$((pass+1)); else echo "FAIL $what"; fail=$((fail+1)); fi
}
series_matching() { # series_matching FILE METRIC LABEL-SUBSTRING...: every line of METRIC holding all substrings
  local file=$1 metric=$2; shift 2
  grep -E "^$metric(\{| )" "$file" | { local line; while read -r line; do
      local ok=1; for part in "$@"; do [[ $line == *"$part"* ]] || ok=0; done
      [ $ok = 1 ] && echo "$line"
    done; }
}
value() { # value FILE METRIC LABEL-SUBSTRING...: the first matching series' value (nothing if none)
  series_matching "$@" | head -n 1 | sed 's/.* //'
}
count() { # count FILE METRIC LABEL-SUBSTRING...: how many series match
  series_matching "$@" | wc -l | tr -d ' '
}
