#!/usr/bin/env bash
# Failover drill against an applied stack (or any pair whose page names the node serving it, "node: NAME").
#
#   drill.sh -u URL [-n RUNS] [-p POLL_S] [-t TIMEOUT_S] [-w SETTLE_S] -s 'NAME|BREAK|RESTORE' [-s ...]
#            [-R DEST_CIDR -T RTB,RTB... -E NODE=ENI,NODE=ENI... [-a AWS_COMMAND]]
#
# For each scenario, RUNS times: read the page to learn the current Master, run BREAK (with NODE set to that name;
# in the background, the polling does not wait for it), poll the page every POLL_S seconds, record when it first
# names another node (the failover time, measured from the moment BREAK started), then run RESTORE (NODE set to
# the broken node; it should return once that node is back as Backup) and wait until the page has named one node
# for SETTLE_S seconds in a row. Prints each run's timeline, then per scenario the median, min and max.
# Machine-readable lines: "RESULT scenario run seconds|timeout" and "MEDIAN scenario seconds|none".
#
# With -R/-T/-E (an overlay IP: terraform-test/aws-cross-az prints them as `terraform output -raw drill_route_args`)
# the drill also reads the route to DEST_CIDR in each route table RTB (`aws ec2 describe-route-tables`; AWS_COMMAND,
# default "aws", may add options such as --region or --endpoint-url) before each break, where every table must
# target the Master's network interface (NODE=ENI says which is whose), and after the failover, until every table
# targets the new Master's (bounded by TIMEOUT_S from the break). Lines: "ROUTES scenario run ok seconds" (from the
# break to the answer of the first read that saw every table at the new Master: an upper bound, since the reads
# start once the page has moved and the break command has returned, and each costs an AWS CLI start),
# "ROUTES scenario run wrong before|after RTB=NODE,..." (what the last read saw), "ROUTES scenario run unchecked"
# (no failover to check), and per scenario "ROUTES_OK scenario ok/runs".
#
# Example against terraform-test/aws, from its directory (SSH to the node the page names; see README.md):
#   ssh_node='ssh -o BatchMode=yes ubuntu@$(terraform output -json node_public_ips | jq -r --arg n "$NODE" ".[\$n]") sudo'
#   ../drill.sh -u "$(terraform output -raw public_url)" -n 5 \
#     -s "stop|$ssh_node systemctl stop floatd|$ssh_node systemctl start floatd; sleep 15" \
#     -s "kill9|$ssh_node systemctl kill -s KILL floatd|sleep 20" \
#     -s "nginx|$ssh_node systemctl stop nginx|$ssh_node systemctl start nginx; sleep 10"
# Against terraform-test/aws-cross-az: the same, plus the route tables (and the stack's region for the AWS CLI):
#   AWS_DEFAULT_REGION=$(terraform output -raw region) ../drill.sh -u "$(terraform output -raw public_url)" -n 5 \
#     $(terraform output -raw drill_route_args) -s "kill9|$ssh_node systemctl kill -s KILL floatd|sleep 20"
set -u
url= runs=3 poll=0.1 timeout=60 settle=10
scenarios=()
dest= tables= enis= aws_cmd=aws
usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "u:n:p:t:w:s:R:T:E:a:h" o; do
  case $o in
    u) url=$OPTARG ;; n) runs=$OPTARG ;; p) poll=$OPTARG ;; t) timeout=$OPTARG ;; w) settle=$OPTARG ;;
    s) scenarios+=("$OPTARG") ;; R) dest=$OPTARG ;; T) tables=$OPTARG ;; E) enis=$OPTARG ;; a) aws_cmd=$OPTARG ;;
    *) usage ;;
  esac
done
[ -n "$url" ] && [ ${#scenarios[@]} -gt 0 ] || usage
command -v curl >/dev/null || { echo "drill: curl is required" >&2; exit 2; }
if [ -n "$dest$tables$enis" ]; then
  [ -n "$dest" ] && [ -n "$tables" ] && [ -n "$enis" ] || { echo "drill: -R, -T and -E go together" >&2; exit 2; }
  [[ $enis =~ ^[A-Za-z0-9._-]+=[A-Za-z0-9-]+(,[A-Za-z0-9._-]+=[A-Za-z0-9-]+)*$ ]] \
    || { echo "drill: -E wants NODE=ENI,NODE=ENI..., not $enis" >&2; exit 2; }
  command -v "${aws_cmd%% *}" >/dev/null || { echo "drill: ${aws_cmd%% *} (the AWS CLI) is required for -R/-T/-E" >&2; exit 2; }
fi

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
# the route to $dest in each table, as "RTB=NODE" words (NODE: the -E name of the target ENI, else the ENI itself,
# "none" when the table has no such route or it targets no interface); exit 1 with the AWS CLI's error line
routes() {
  local field=DestinationCidrBlock out rtb eni node words=()
  [[ $dest == *:* ]] && field=DestinationIpv6CidrBlock
  # shellcheck disable=SC2086 # AWS_COMMAND is a command line: split it into words
  out=$(AWS_PAGER="" $aws_cmd ec2 describe-route-tables --route-table-ids ${tables//,/ } --output text \
    --query "RouteTables[].[RouteTableId, Routes[?$field=='$dest'].NetworkInterfaceId | [0]]" 2>&1) \
    || { echo "${out//$'\n'/ }" | cut -c1-300; return 1; }
  while read -r rtb eni; do
    [ -n "$rtb" ] || continue
    node=$(tr ',' '\n' <<<"$enis" | awk -F= -v e="$eni" '$2 == e { print $1; exit }')
    [ "$eni" = None ] || [ -z "$eni" ] && node=none
    words+=("$rtb=${node:-$eni}")
  done <<<"$out"
  echo "${words[*]}"
}
# whether every table of -T appears in a routes() line, targeting node $2
all_at() { local t; for t in ${tables//,/ }; do [[ " $1 " == *" $t=$2 "* ]] || return 1; done; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "none"; else if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A results routes_ok
echo "drill: $url, $runs run(s) per scenario, polling every ${poll}s, timeout ${timeout}s, settle ${settle}s"
for sc in "${scenarios[@]}"; do
  IFS='|' read -r name break_cmd restore_cmd <<<"$sc"
  results[$name]= routes_ok[$name]=0
  for run in $(seq 1 "$runs"); do
    if ! master=$(settled); then
      echo "RESULT $name $run timeout (the page never settled on one node before the break)"; continue
    fi
    echo "== $name run $run/$runs: Master is $master; breaking it: $break_cmd"
    routes_before=
    if [ -n "$tables" ]; then
      if ! routes_before=$(routes); then
        echo "   routes before: cannot read them: $routes_before"; routes_before="unreadable"
      else
        echo "   routes before: $routes_before"
      fi
    fi
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
    rm -f "$probes.rc"
    [ "$rc" = 0 ] || echo "   (break command exited $rc)"
    if [ -n "$failover" ]; then
      echo "RESULT $name $run $failover"
      results[$name]+="$failover "
    else
      echo "RESULT $name $run timeout (the page still named $master or nothing after ${timeout}s)"
    fi
    if [ -n "$tables" ]; then
      # the new Master is the node the first answer after the failover named
      new=$(sort -n "$probes" 2>/dev/null | awk -v m="$master" '$3 != "-" && $3 != m { print $3; exit }')
      if [ -z "$failover" ] || [ -z "$new" ]; then
        echo "ROUTES $name $run unchecked (no failover)"
      elif ! all_at "$routes_before" "$master"; then
        echo "ROUTES $name $run wrong before ${routes_before// /,} (expected every table at $master)"
      else
        # read until every table targets the new Master, within the timeout from the break
        seen= last=
        while :; do
          if last=$(routes) && all_at "$last" "$new"; then seen=$(since "$t0" "$(now)"); break; fi
          awk -v a="$t0" -v b="$(now)" -v t="$timeout" 'BEGIN { exit !(b - a > t) }' && break
          sleep "$poll"
        done
        echo "   routes after: $last"
        if [ -n "$seen" ]; then
          echo "ROUTES $name $run ok $seen"; routes_ok[$name]=$(( ${routes_ok[$name]} + 1 ))
        else
          echo "ROUTES $name $run wrong after ${last// /,} (expected every table at $new within ${timeout}s)"
        fi
      fi
    fi
    rm -f "$probes"
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
if [ -n "$tables" ]; then
  for sc in "${scenarios[@]}"; do name=${sc%%|*}; echo "ROUTES_OK $name ${routes_ok[$name]}/$runs"; done
fi
