#!/usr/bin/env bash
# Failover drill against an applied stack (or any pair whose page names the node serving it, "node: NAME").
#
#   drill.sh -u URL [-n RUNS] [-p POLL_S] [-t TIMEOUT_S] [-w SETTLE_S] -s 'NAME|BREAK|RESTORE' [-s ...]
#
# For each scenario, RUNS times: read the page to learn the current Master, run BREAK (with NODE set to that name;
# in the background, the polling does not wait for it), poll the page every POLL_S seconds, record when it first
# names another node (the failover time, measured from the moment BREAK started), then run RESTORE (NODE set to
# the broken node; it should return once that node is back as Backup) and wait until the page has named one node
# for SETTLE_S seconds in a row. Prints each run's timeline, then per scenario the median, min and max.
# Machine-readable lines: "RESULT scenario run seconds|timeout" and "MEDIAN scenario seconds|none".
#
# Example against terraform-test/aws, from its directory (SSH to the node the page names; see README.md):
#   ssh_node='ssh -o BatchMode=yes ubuntu@$(terraform output -json node_public_ips | jq -r --arg n "$NODE" ".[\$n]") sudo'
#   ../drill.sh -u "$(terraform output -raw public_url)" -n 5 \
#     -s "stop|$ssh_node systemctl stop floatd|$ssh_node systemctl start floatd; sleep 15" \
#     -s "kill9|$ssh_node systemctl kill -s KILL floatd|sleep 20" \
#     -s "nginx|$ssh_node systemctl stop nginx|$ssh_node systemctl start nginx; sleep 10"
set -u
url= runs=3 poll=0.1 timeout=60 settle=10
scenarios=()
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "u:n:p:t:w:s:h" o; do
  case $o in
    u) url=$OPTARG ;; n) runs=$OPTARG ;; p) poll=$OPTARG ;; t) timeout=$OPTARG ;; w) settle=$OPTARG ;;
    s) scenarios+=("$OPTARG") ;; *) usage ;;
  esac
done
[ -n "$url" ] && [ ${#scenarios[@]} -gt 0 ] || usage
command -v curl >/dev/null || { echo "drill: curl is required" >&2; exit 2; }

now() { echo "${EPOCHREALTIME/,/.}"; }                         # seconds, microsecond resolution, no fork
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# the node the page names, or "-" when there is no answer
page() {
  local body
  body=$(curl -s --max-time 0.5 --connect-timeout 0.5 "$url" 2>/dev/null) || { echo -; return; }
  [[ $body =~ node:\ *([A-Za-z0-9._-]+) ]] && echo "${BASH_REMATCH[1]}" || echo -
}
# sleeps until the next multiple of $poll after $1
tick() { local d; d=$(awk -v t="$1" -v p="$poll" -v n="$(now)" 'BEGIN { w = t + p - n; printf "%.3f", (w > 0 ? w : 0) }'); sleep "$d"; }
# waits (bounded by $timeout) until the page has named the same node for $settle seconds; prints it
settled() {
  local start since_name name last=- end
  start=$(now); since_name=$start
  while :; do
    name=$(page)
    if [ "$name" != "$last" ]; then last=$name; since_name=$(now); fi
    if [ "$name" != - ] && awk -v a="$since_name" -v b="$(now)" -v s="$settle" 'BEGIN { exit !(b - a >= s) }'; then
      echo "$name"; return 0
    fi
    if awk -v a="$start" -v b="$(now)" -v t="$timeout" 'BEGIN { exit !(b - a > t) }'; then return 1; fi
    sleep "$poll"
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "none"; else if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A results
echo "drill: $url, $runs run(s) per scenario, polling every ${poll}s, timeout ${timeout}s, settle ${settle}s"
for sc in "${scenarios[@]}"; do
  IFS='|' read -r name break_cmd restore_cmd <<<"$sc"
  results[$name]=
  for run in $(seq 1 "$runs"); do
    if ! master=$(settled); then
      echo "RESULT $name $run timeout (the page never settled on one node before the break)"; continue
    fi
    echo "== $name run $run/$runs: Master is $master; breaking it: $break_cmd"
    probes=$(mktemp)
    t0=$(now)
    ( NODE=$master bash -c "$break_cmd" >/dev/null 2>&1; echo $? > "$probes.rc" ) &
    failover= seen=0
    # a probe every $poll seconds, each in the background, so one that hangs (an address that moved away) does not
    # delay the next; each records when it was sent, when it was answered, and which node answered
    while awk -v a="$t0" -v b="$(now)" -v t="$timeout" 'BEGIN { exit !(b - a <= t) }'; do
      t=$(now)
      ( s=$(now); n=$(page); echo "$s $(now) $n" >> "$probes" ) &
      failover=$(awk -v m="$master" '$3 != "-" && $3 != m { if (f == "" || $2 < f) f = $2 } END { print f }' "$probes")
      [ -n "$failover" ] && break
      tick "$t"
    done
    wait    # the probes still out, and the break command
    # the timeline: each change of answer, in the order the probes were sent, times from the break
    sort -n "$probes" | awk -v t0="$t0" -v m="$master" '$3 != last { printf "   +%.3fs  %s (answered +%.3fs)\n", $1 - t0, ($3 == "-" ? "no answer" : "page names " $3), $2 - t0; last = $3 }
      BEGIN { last = m }'
    [ -n "$failover" ] && failover=$(since "$t0" "$failover")
    rc=$(cat "$probes.rc" 2>/dev/null || echo "?")
    rm -f "$probes" "$probes.rc"
    [ "$rc" = 0 ] || echo "   (break command exited $rc)"
    if [ -n "$failover" ]; then
      echo "RESULT $name $run $failover"
      results[$name]+="$failover "
    else
      echo "RESULT $name $run timeout (the page still named $master or nothing after ${timeout}s)"
    fi
    echo "   restoring $master: $restore_cmd"
    NODE=$master bash -c "$restore_cmd" >/dev/null 2>&1 || echo "   (restore command exited $?)"
  done
done

echo
printf '%-12s %5s %5s %9s %9s %9s\n' scenario runs ok median_s min_s max_s
for sc in "${scenarios[@]}"; do
  name=${sc%%|*}
  ok=$(wc -w <<<"${results[$name]}")
  med=$(tr ' ' '\n' <<<"${results[$name]}" | grep . | median)
  mn=$(tr ' ' '\n' <<<"${results[$name]}" | grep . | sort -n | head -n1)
  mx=$(tr ' ' '\n' <<<"${results[$name]}" | grep . | sort -n | tail -n1)
  printf '%-12s %5s %5s %9s %9s %9s\n' "$name" "$runs" "$ok" "$med" "${mn:--}" "${mx:--}"
done
for sc in "${scenarios[@]}"; do name=${sc%%|*}; echo "MEDIAN $name $(tr ' ' '\n' <<<"${results[$name]}" | grep . | median)"; done
