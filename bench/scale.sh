#!/usr/bin/env bash
# usage: bench/scale.sh [N...]     (instance counts; default: 1 16 255)
#
# Scale benchmark: CPU time and resident memory of one daemon serving N VRRP instances, floatd (bin/floatd, the
# distribution as built) beside keepalived, in the same rig and the same run (root; network namespaces).
# Two namespaces joined by a veth pair (eth0 on both sides, 10.197.0.1/16 and 10.197.0.2/16). N instances
# VI_1..VI_N, VRID 1..N, VRRPv3, unicast, one VIP each (10.197.1.1..10.197.1.255/16 dev eth0; floatd: the
# linux-l2 provider). One daemon in A serves all N at priority 150 (Master), one daemon of the same kind in B
# serves the same N at priority 100 (Backup). Per N, advert_int (1 and 0.1) and daemon (floatd, then keepalived):
#   start A, wait until all N VIPs are on A's eth0, start B, let both run WARM_S seconds (JIT, first re-checks),
#   then read utime+stime (/proc/PID/stat, every process in the namespace: the JVM; keepalived's parent and VRRP
#   child) of both sides at the start and the end of a WINDOW_S-second window; reported: CPU time / wall time in
#   % of one core, and VmRSS (summed over the processes) at the end of the window. A run counts only if A still
#   holds all N VIPs and B none at the end.
# WARM_S (default 15) and WINDOW_S (default 30) override the times; FLOATD_JAVA_OPTS is passed to bin/floatd;
# DAEMONS (default "floatd keepalived") picks the daemons, ADVERTS (default "1 0.1") the advert intervals.
# Output: every sample, then one table, on stdout; work files and logs in bench/out/scale-<timestamp>/ (git-ignored).
set -euo pipefail

COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1 16 255)
for n in "${COUNTS[@]}"; do
  case $n in ''|*[!0-9]*) echo "usage: bench/scale.sh [N...]  (1 <= N <= 255)" >&2; exit 2 ;; esac
  [ "$n" -ge 1 ] && [ "$n" -le 255 ] || { echo "usage: bench/scale.sh [N...]  (1 <= N <= 255)" >&2; exit 2; }
done

. "$(dirname "$(readlink -f "$0")")/lib.sh"
FLOATD=$ROOT/bin/floatd
needs_root_and keepalived ip
WARM_S=${WARM_S:-15}
WINDOW_S=${WINDOW_S:-30}
HZ=$(getconf CLK_TCK)

OUT=$ROOT/bench/out/scale-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT"
chmod 755 "$OUT"
NSA=fcA$$; NSB=fcB$$
IPA=10.197.0.1; IPB=10.197.0.2
trap cleanup EXIT
trap 'exit 130' INT TERM

rig $IPA $IPB 16

# conf DAEMON NODE N ADVERT -> path
conf() {
  local d=$1 node=$2 n=$3 adv=$4 f i
  node_role "$node"
  f=$OUT/$d-$node-$n-$adv.conf
  {
    if [ "$d" = keepalived ]; then
      printf 'global_defs {\n    router_id node%s\n}\n' "$node"
    fi
    for ((i = 1; i <= n; i++)); do
      instance_head "VI_$i" BACKUP "$i" "$NODE_PRIO" "$adv" 3 "$NODE_SRC" "$NODE_PEER"
      vip_block "10.197.1.$i/16"
      echo "}"
    done
  } >"$f"
  echo "$f"
}

vips() { ip -n "$1" -4 addr show dev eth0 | grep -c ' 10\.197\.1\.' || true; }   # vips NS: VIPs on its eth0

# stop_all: SIGTERM to everything in both namespaces (SIGKILL after 10 s), then remove any VIP left behind
stop_all() {
  local ns p i a
  for ns in "$NSA" "$NSB"; do
    for p in $(ip netns pids "$ns"); do kill -TERM "$p" 2>/dev/null || true; done
  done
  for ((i = 0; i < 200; i++)); do
    [ -z "$(ip netns pids "$NSA")$(ip netns pids "$NSB")" ] && break
    sleep 0.05
  done
  for ns in "$NSA" "$NSB"; do
    for p in $(ip netns pids "$ns"); do kill -9 "$p" 2>/dev/null || true; done
    for a in $(ip -n "$ns" -4 addr show dev eth0 | awk '$1 == "inet" && $2 ~ /^10\.197\.1\./ { print $2 }'); do
      ip -n "$ns" addr del "$a" dev eth0
    done
  done
  for p in "${PIDS[@]}"; do { wait "$p" || true; } 2>/dev/null; done
  PIDS=()
}

# pct TICKS T0_NS T1_NS: CPU ticks over the wall time, in % of one core
pct() { awk -v c="$1" -v hz="$HZ" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", 100 * c / hz / ((b - a) / 1e9) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

SAMPLES=$OUT/samples.txt   # n advert daemon cpuA% cpuB% rssA_kib rssB_kib
: >"$SAMPLES"

one_run() {
  local d=$1 n=$2 adv=$3 i t0 t1 a0 a1 b0 b1 pa pb cpua cpub rssa rssb node
  start_node "$d" A "$(conf "$d" A "$n" "$adv")"
  for ((i = 0; i < 600; i++)); do [ "$(vips "$NSA")" = "$n" ] && break; sleep 0.1; done
  [ "$(vips "$NSA")" = "$n" ] || die "$d N=$n advert $adv: A holds $(vips "$NSA") of $n VIPs after 60 s (logs: $OUT)"
  start_node "$d" B "$(conf "$d" B "$n" "$adv")"
  sleep "$WARM_S"
  pa=$(ip netns pids "$NSA" | xargs); pb=$(ip netns pids "$NSB" | xargs)
  t0=$(now); a0=$(cpu_ticks $pa); b0=$(cpu_ticks $pb)
  sleep "$WINDOW_S"
  t1=$(now); a1=$(cpu_ticks $pa); b1=$(cpu_ticks $pb)
  rssa=$(rss_kib $pa); rssb=$(rss_kib $pb)
  [ "$(vips "$NSA")" = "$n" ] && [ "$(vips "$NSB")" = 0 ] ||
    die "$d N=$n advert $adv: at the end A holds $(vips "$NSA") and B $(vips "$NSB") of $n VIPs (logs: $OUT)"
  cpua=$(pct $((a1 - a0)) "$t0" "$t1"); cpub=$(pct $((b1 - b0)) "$t0" "$t1")
  printf 'sample  N %3d  advert %-3s  %-10s  Master: CPU %6s %%  RSS %6s MiB   Backup: CPU %6s %%  RSS %6s MiB  (pids %s / %s)\n' \
    "$n" "$adv" "$d" "$cpua" "$(mib "$rssa")" "$cpub" "$(mib "$rssb")" "$pa" "$pb"
  echo "$n $adv $d $cpua $cpub $rssa $rssb" >>"$SAMPLES"
  for node in A B; do cp "$OUT/cur-$d-$node.log" "$OUT/$d-$node-$n-$adv.log"; done
  stop_all
}

echo "usage: bench/scale.sh [N...]"
echo "machine: $(nproc) CPUs, $(uname -r), load at start: $(load3), other java processes: $(pgrep -c -x java || true)"
echo "floatd: $FLOATD (FLOATD_JAVA_OPTS='${FLOATD_JAVA_OPTS:-}')  keepalived: $(keepalived --version 2>&1 | head -1)"
echo "N: ${COUNTS[*]}  warm-up ${WARM_S} s, window ${WINDOW_S} s, work dir: $OUT"
echo
for n in "${COUNTS[@]}"; do
  for adv in ${ADVERTS:-1 0.1}; do
    for d in ${DAEMONS:-floatd keepalived}; do one_run "$d" "$n" "$adv"; done
  done
done
echo
echo "load at end: $(load3), other java processes: $(pgrep -c -x java || true)"
echo
echo "CPU: % of one core over the window; RSS: VmRSS at its end (keepalived: parent + VRRP child)"
{
  echo "N|advert_int|floatd Master CPU %|keepalived Master CPU %|floatd Master RSS MiB|keepalived Master RSS MiB|floatd Backup CPU %|keepalived Backup CPU %|floatd Backup RSS MiB|keepalived Backup RSS MiB"
  for n in "${COUNTS[@]}"; do
    for adv in ${ADVERTS:-1 0.1}; do
      awk -v n="$n" -v adv="$adv" '$1 == n && $2 == adv { c[$3] = $4; cb[$3] = $5; r[$3] = $6 / 1024; rb[$3] = $7 / 1024 }
        function f(a, k, fmt) { return (k in a) ? sprintf(fmt, a[k]) : "NA" }
        END { printf "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n", n, adv, f(c, "floatd", "%.2f"), f(c, "keepalived", "%.2f"),
          f(r, "floatd", "%.1f"), f(r, "keepalived", "%.1f"), f(cb, "floatd", "%.2f"), f(cb, "keepalived", "%.2f"),
          f(rb, "floatd", "%.1f"), f(rb, "keepalived", "%.1f") }' "$SAMPLES"
    done
  done
} | column -t -s'|' -o' | '
echo "(targets, floatd Master, 255 instances: advert_int 1 below 2 % of one core and 128 MiB RSS; advert_int 0.1 below 10 %)"
exit 0
