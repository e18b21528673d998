#!/usr/bin/env bash
# usage: bench/failover.sh [REPS]
#
# Failover benchmark, floatd beside keepalived in the same rig and the same run (root; network namespaces).
# Two namespaces joined by a veth pair (eth0 on both sides, 10.199.0.1 and 10.199.0.2), unicast VRRP,
# VIP 10.199.0.100/24 on eth0. Node A: priority 150 (Master), node B: priority 100 (Backup); both nodes run
# the same daemon. Per repetition and variant, floatd and keepalived are measured one after the other:
#   start both nodes, wait for A MASTER / B BACKUP, let adverts flow (v3: 2 s, v2: 5 s, plus a random
#   0..advert_int so the kill lands at a random phase of the advert cycle), start tcpdump on B's eth0,
#   take `date +%s%N`, kill -9 the Master (keepalived: SIGSTOP parent, then SIGKILL VRRP child and parent),
#   wait for B's notify MASTER. Reported: kill -> notify MASTER on B, and (GARP time - notify time) where
#   GARP is the first gratuitous ARP for the VIP that B sent; for floatd also X from its takeover log line
#   ("acquire confirmed +X ms": entering MASTER -> VIP added and GARP sent).
# Variants: VRRPv2 advert_int 1, VRRPv3 advert_int 0.1. REPS defaults to 5.
# Output: every sample, then the tables, on stdout; work files in bench/out/<timestamp>/ (git-ignored).
set -euo pipefail

REPS=${1:-5}
case $REPS in ''|*[!0-9]*) echo "usage: bench/failover.sh [REPS]" >&2; exit 2 ;; esac
[ "$REPS" -ge 1 ] || { echo "usage: bench/failover.sh [REPS]  (REPS >= 1)" >&2; exit 2; }

. "$(dirname "$(readlink -f "$0")")/lib.sh"
FLOATD=$ROOT/bin/floatd
needs_root_and keepalived tcpdump ip

OUT=$ROOT/bench/out/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT"
chmod 755 "$OUT"   # keepalived's script security: no non-root-writable directory on the notify path
NSA=fbA$$; NSB=fbB$$
IPA=10.199.0.1; IPB=10.199.0.2; VIP=10.199.0.100

trap cleanup EXIT
trap 'exit 130' INT TERM

# --- rig -----------------------------------------------------------------------------------------------------
rig $IPA $IPB 24

for n in A B; do   # the same notify script for both daemons; one copy per node so each node has its own file
  cat >"$OUT/notify-$n.sh" <<EOF
#!/bin/sh
echo "\$(date +%s%N) \$3" >> $OUT/notify-$n.log
EOF
  chmod 755 "$OUT/notify-$n.sh"
done

# conf DAEMON NODE VERSION ADVERT -> path
conf() {
  local d=$1 n=$2 v=$3 adv=$4 f
  node_role "$n"
  f=$OUT/$d-$n-v$v.conf
  {
    if [ "$d" = keepalived ]; then
      printf 'global_defs {\n    router_id %s\n    script_user root\n    enable_script_security\n}\n' "node$n"
    fi
    instance_head VI_1 BACKUP 51 "$NODE_PRIO" "$adv" "$v" "$NODE_SRC" "$NODE_PEER"
    vip_block "$VIP/24"
    printf '    notify %s\n}\n' "$OUT/notify-$n.sh"
  } >"$f"
  echo "$f"
}

# wait_line FILE REGEX TIMEOUT_S [AFTER_NS]: first "ts state" line matching REGEX with ts >= AFTER_NS; prints ts
wait_line() {
  local f=$1 re=$2 deadline=$(( $(now) + ${3%.*} * 1000000000 )) after=${4:-0} ts
  while [ "$(now)" -lt "$deadline" ]; do
    if [ -f "$f" ]; then
      ts=$(awk -v re="$re" -v a="$after" '$2 ~ re && $1 >= a { print $1; exit }' "$f")
      [ -n "$ts" ] && { echo "$ts"; return 0; }
    fi
    sleep 0.005
  done
  return 1
}

# sweep: nothing of ours left in the namespaces, no VIP left on either node
sweep() {
  local ns p
  for ns in "$NSA" "$NSB"; do
    kill_ns "$ns"
    ip -n "$ns" addr del $VIP/24 dev eth0 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do { wait "$p" || true; } 2>/dev/null; done
  PIDS=()
}

SAMPLES=$OUT/samples.txt   # variant daemon rep kill_to_notify_ms garp_minus_notify_ms acquire_X_ms kill_to_garp_ms last_advert_to_notify_ms
: >"$SAMPLES"

# one_run VARIANT DAEMON VERSION ADVERT SETTLE_S REP
one_run() {
  local var=$1 d=$2 v=$3 adv=$4 settle=$5 rep=$6
  local ca cb pa pb kpa kca t0 tm tg ta x i jitter_ms
  sweep
  rm -f "$OUT/notify-A.log" "$OUT/notify-B.log" "$OUT/arp.txt"
  ca=$(conf "$d" A "$v" "$adv"); cb=$(conf "$d" B "$v" "$adv")
  # A first, B once A is Master: a start-up race (JVM start-up time varies) cannot make B the first Master
  start_node "$d" A "$ca"; pa=$STARTED_PID
  wait_line "$OUT/notify-A.log" '^MASTER$' 30 >/dev/null || die "$var $d rep $rep: node A never became MASTER (logs: $OUT)"
  start_node "$d" B "$cb"; pb=$STARTED_PID
  wait_line "$OUT/notify-B.log" '^BACKUP$' 10 >/dev/null || die "$var $d rep $rep: node B never reported BACKUP (logs: $OUT)"
  # adverts flow for the settle time, plus a random 0..advert_int so the kill phase is uniform over the cycle
  jitter_ms=$(awk -v a="$adv" -v r="$RANDOM" 'BEGIN { printf "%d", a * 1000 * r / 32768 }')
  # tcpdump on B's eth0: ARP, and A's adverts
  start_tcpdump "$OUT/arp.txt" "arp or (ip proto 112 and src host $IPA)"
  sleep "$settle"
  sleep "$(awk -v j="$jitter_ms" 'BEGIN { printf "%.3f", j / 1000 }')"
  grep -q MASTER "$OUT/notify-B.log" && die "$var $d rep $rep: node B was MASTER before the kill (logs: $OUT)"
  if [ "$d" = floatd ]; then
    [ "$(cat /proc/$pa/comm 2>/dev/null)" = java ] || die "floatd A pid $pa is not the JVM"
    t0=$(now); kill -9 "$pa"
    { wait "$pa" || true; } 2>/dev/null
  else
    kpa=$(cat "$OUT/ka-A.pid"); kca=$(cat "$OUT/ka-A.vrrp.pid")
    [ "$kpa" = "$pa" ] || die "keepalived A: pid file $kpa, started $pa"
    kill -STOP "$kpa"
    t0=$(now); kill -9 "$kca" "$kpa"
    { wait "$pa" || true; } 2>/dev/null
  fi
  tm=$(wait_line "$OUT/notify-B.log" '^MASTER$' 15 "$t0") || die "$var $d rep $rep: B never became MASTER after the kill (logs: $OUT)"
  # the first GARP for the VIP sent by B (ARP request or reply with sender = target = VIP)
  tg=""
  for ((i = 0; i < 100; i++)); do
    tg=$(awk -v vip="$VIP" -v t0="$t0" '(index($0, "who-has " vip " ") && index($0, " tell " vip ",") || index($0, "Reply " vip " is-at")) {
           s = $1; sub(/\./, "", s); if (s + 0 > t0 + 0) { print s; exit } }' "$OUT/arp.txt")
    [ -n "$tg" ] && break
    sleep 0.01
  done
  stop_pid "$DUMP_PID"
  # the Master's last advert B received before the kill: last advert -> notify MASTER is MDI + overhead, whatever the phase
  ta=$(awk -v t0="$t0" '/VRRP/ { s = $1; sub(/\./, "", s); if (s + 0 < t0 + 0) last = s } END { print last }' "$OUT/arp.txt")
  x=NA
  if [ "$d" = floatd ]; then
    x=$(grep -o 'takeover: entered MASTER.*acquire confirmed +[0-9.]* ms' "$OUT/cur-$d-B.log" | tail -1 | sed 's/.*acquire confirmed +\([0-9.]*\) ms/\1/')
    [ -n "$x" ] || x=NA
  fi
  local ktm gmn ktg atm
  ktm=$(awk -v a="$t0" -v b="$tm" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  if [ -n "$tg" ]; then gmn=$(awk -v g="$tg" -v m="$tm" 'BEGIN { printf "%.2f", (g - m) / 1e6 }'); else gmn=NA; fi
  if [ -n "$tg" ]; then ktg=$(awk -v a="$t0" -v g="$tg" 'BEGIN { printf "%.1f", (g - a) / 1e6 }'); else ktg=NA; fi
  if [ -n "$ta" ]; then atm=$(awk -v a="$ta" -v b="$tm" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'); else atm=NA; fi
  echo "$var $d $rep $ktm $gmn $x $ktg $atm" >>"$SAMPLES"
  printf 'sample  %-13s %-10s rep %2d  kill->notify MASTER %7s ms  last advert->notify %7s ms  kill->GARP %7s ms  GARP-notify %6s ms  acquire X %5s ms\n' \
    "$var" "$d" "$rep" "$ktm" "$atm" "$ktg" "$gmn" "$x"
  # keep the logs of this run
  for n in A B; do
    cp "$OUT/cur-$d-$n.log" "$OUT/$var-$d-rep$rep-$n.log" 2>/dev/null || true
    cp "$OUT/notify-$n.log" "$OUT/$var-$d-rep$rep-notify-$n.log" 2>/dev/null || true
  done
  cp "$OUT/arp.txt" "$OUT/$var-$d-rep$rep-arp.txt"
  # stop: B gracefully (removes its VIP), A's stopped keepalived parent (if any) is already SIGKILLed
  stop_pid "$pb"
  { wait "$pa" || true; } 2>/dev/null
  sweep
}

echo "usage: bench/failover.sh [REPS]"
echo "machine: $(nproc) CPUs, $(uname -r), load at start: $(load3), other java processes: $(pgrep -c -x java || true)"
echo "floatd: $($FLOATD version 2>/dev/null | head -1)  keepalived: $(keepalived --version 2>&1 | head -1)"
echo "REPS=$REPS  work dir: $OUT"
echo

# variant name, version, advert_int, settle seconds, Master_Down_Interval of the Backup (priority 100) in ms
VARIANTS=(
  "v3-advert0.1 3 0.1 2 360.9"
  "v2-advert1 2 1 5 3609.4"
)
for ((rep = 1; rep <= REPS; rep++)); do
  for spec in "${VARIANTS[@]}"; do
    set -- $spec
    # alternate which daemon goes first, so any drift in machine load hits both alike
    if (( rep % 2 )); then order="floatd keepalived"; else order="keepalived floatd"; fi
    for d in $order; do one_run "$1" "$d" "$2" "$3" "$4" "$rep"; done
  done
done

echo
echo "load at end: $(load3), other java processes: $(pgrep -c -x java || true)"
echo
echo "kill -9 Master -> Backup notify MASTER (ms; MDI = Master_Down_Interval of the Backup, priority 100)"
{
  echo "variant|daemon|n|median|min|max|MDI|median - MDI|median last advert->notify - MDI"
  for spec in "${VARIANTS[@]}"; do
    set -- $spec
    for d in floatd keepalived; do
      adv=$(awk -v var="$1" -v d="$d" '$1 == var && $2 == d && $8 != "NA" { print $8 }' "$SAMPLES" | sort -g |
        awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
      awk -v var="$1" -v d="$d" '$1 == var && $2 == d { print $4 }' "$SAMPLES" | sort -g |
        awk -v var="$1" -v d="$d" -v mdi="$5" -v adv="$adv" '{ a[NR] = $1 } END {
          m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
          printf "%s|%s|%d|%.1f|%.1f|%.1f|%.1f|%+.1f|%s\n", var, d, NR, m, a[1], a[NR], mdi, m - mdi,
            adv == "" ? "NA" : sprintf("%+.1f", adv - mdi) }'
    done
  done
} | column -t -s'|' -o' | '
echo
echo "Backup entering MASTER -> VIP + first gratuitous ARP (ms; X from floatd's takeover log line;"
echo "GARP - notify = tcpdump time of B's first GARP minus B's notify MASTER time, negative = GARP first;"
echo " kill->GARP = kill -9 of the Master -> first GARP for the VIP on the wire)"
{
  echo "variant|daemon|median X|min X|max X|median GARP-notify|min|max|median kill->GARP"
  for spec in "${VARIANTS[@]}"; do
    set -- $spec
    for d in floatd keepalived; do
      awk -v var="$1" -v d="$d" '$1 == var && $2 == d { print $6, $5, $7 }' "$SAMPLES" |
        awk -v var="$1" -v d="$d" '
          function med(arr, n,   t) { if (n == 0) return "NA"; return (n % 2) ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2 }
          function srt(arr, n,   i, j, t) { for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t } }
          function f(v) { return v == "NA" ? "NA" : sprintf("%.2f", v) }
          $1 != "NA" { x[++nx] = $1 + 0 }
          $2 != "NA" { g[++ng] = $2 + 0 }
          $3 != "NA" { k[++nk] = $3 + 0 }
          END {
            srt(x, nx); srt(g, ng); srt(k, nk)
            printf "%s|%s|%s|%s|%s|%s|%s|%s|%s\n", var, d, f(med(x, nx)), nx ? f(x[1]) : "NA", nx ? f(x[nx]) : "NA",
              f(med(g, ng)), ng ? f(g[1]) : "NA", ng ? f(g[ng]) : "NA", nk ? sprintf("%.1f", med(k, nk)) : "NA" }'
    done
  done
} | column -t -s'|' -o' | '
exit 0
