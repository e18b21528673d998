#!/usr/bin/env bash
# usage: bench/startup.sh [REPS]
#
# Start-up and memory benchmark, floatd (bin/floatd, the distribution as built) beside keepalived, in the same rig
# and the same run (root; network namespaces). Two namespaces joined by a veth pair (eth0 on both sides, 10.198.0.1
# and 10.198.0.2). The daemon runs in A with one VRRPv3 instance, advert_int 1, unicast to B, as the address owner
# (priority 255, state MASTER; VIP 10.198.0.100/24: keepalived removes a VIP equal to the interface's own address at
# start and then cannot bind its unicast source), so it sends its first advert at once; nothing runs in B.
# Per repetition and daemon (floatd, then keepalived, same configuration):
#   (i)  tcpdump on B's eth0 (nanosecond wall-clock stamps) waits for adverts from A; the daemon is started with
#        `ip netns exec A sh -c 'date +%s%N >t0; exec DAEMON'`; reported: first advert on the wire - t0.
#   (ii) 10 s after the start, idle (Master, one advert a second): VmRSS from /proc/PID/status and Pss from
#        /proc/PID/smaps_rollup; keepalived: the sum of its two processes (parent and VRRP child).
# FLOATD_JAVA_OPTS is passed through to bin/floatd (extra JVM options, e.g. to compare a variant).
# --train-cds: first a training run (floatd run in the rig for 5 s, then SIGTERM) with
#   -XX:ArchiveClassesAtExit=cli/target/floatd.jsa, the AppCDS archive bin/floatd uses when it exists;
#   without it, an existing archive is used as it is (delete cli/target/floatd.jsa to measure without).
# Output: every sample, then the medians side by side, on stdout; work files in bench/out/<timestamp>/ (git-ignored).
set -euo pipefail

TRAIN=0
if [ "${1:-}" = --train-cds ]; then TRAIN=1; shift; fi
REPS=${1:-5}
case $REPS in ''|*[!0-9]*) echo "usage: bench/startup.sh [REPS]" >&2; exit 2 ;; esac
[ "$REPS" -ge 1 ] || { echo "usage: bench/startup.sh [REPS]  (REPS >= 1)" >&2; exit 2; }

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
FLOATD=$ROOT/bin/floatd
. "$ROOT/bench/lib.sh"
needs_root_and keepalived tcpdump ip
IDLE_S=10

OUT=$ROOT/bench/out/startup-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT"
chmod 755 "$OUT"
NSA=fsA$$; NSB=fsB$$
IPA=10.198.0.1; IPB=10.198.0.2; VIP=10.198.0.100

trap cleanup EXIT
trap 'exit 130' INT TERM

# --- rig -----------------------------------------------------------------------------------------------------
rig $IPA $IPB 24

conf() {   # conf DAEMON -> path
  local d=$1 f=$OUT/$1.conf
  {
    if [ "$d" = keepalived ]; then
      printf 'global_defs {\n    router_id owner\n}\n'
    fi
    cat <<EOF
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 52
    priority 255
    advert_int 1
    version 3
    unicast_src_ip $IPA
    unicast_peer {
        $IPB
    }
    virtual_ipaddress {
        $VIP/24 dev eth0
    }
}
EOF
  } >"$f"
  echo "$f"
}
CONF_F=$(conf floatd); CONF_K=$(conf keepalived)

# --- one run -------------------------------------------------------------------------------------------------
SAMPLES=$OUT/samples.txt   # daemon rep first_advert_ms rss_kib pss_kib
: >"$SAMPLES"

one_run() {
  local d=$1 rep=$2 dump_pid pid t0 ta i first rss=0 pss=0 p pids
  for p in $(ip netns pids "$NSA" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
  ip -n "$NSA" addr del $VIP/24 dev eth0 2>/dev/null || true
  rm -f "$OUT/t0" "$OUT/adverts.txt" "$OUT/tcpdump.err" "$OUT/ka.pid" "$OUT/ka.vrrp.pid"
  local attempt
  for attempt in 1 2 3; do
    ip netns exec "$NSB" tcpdump -i eth0 -n -l -tt --time-stamp-precision=nano -c 1 "ip proto 112 and src host $IPA" \
      >"$OUT/adverts.txt" 2>"$OUT/tcpdump.err" &
    dump_pid=$!; PIDS+=("$dump_pid")
    for ((i = 0; i < 1000; i++)); do grep -q 'listening on' "$OUT/tcpdump.err" 2>/dev/null && break; sleep 0.01; done
    grep -q 'listening on' "$OUT/tcpdump.err" && break
    log "tcpdump attempt $attempt did not start within 10 s"
    { kill -9 "$dump_pid"; wait "$dump_pid"; } 2>/dev/null || true
  done
  grep -q 'listening on' "$OUT/tcpdump.err" || die "tcpdump did not start: $(cat "$OUT/tcpdump.err")"
  sleep 0.2
  if [ "$d" = floatd ]; then
    ip netns exec "$NSA" sh -c 'date +%s%N >"$1"; shift; exec "$@"' sh "$OUT/t0" \
      "$FLOATD" run -f "$CONF_F" >"$OUT/cur-$d.log" 2>&1 &
  else
    ip netns exec "$NSA" sh -c 'date +%s%N >"$1"; shift; exec "$@"' sh "$OUT/t0" \
      keepalived --dont-fork --log-console -f "$CONF_K" -p "$OUT/ka.pid" -r "$OUT/ka.vrrp.pid" --vrrp \
      >"$OUT/cur-$d.log" 2>&1 &
  fi
  pid=$!; PIDS+=("$pid")
  for ((i = 0; i < 1000; i++)); do grep -q VRRP "$OUT/adverts.txt" 2>/dev/null && break; sleep 0.01; done
  { kill "$dump_pid"; wait "$dump_pid"; } 2>/dev/null || true
  grep -q VRRP "$OUT/adverts.txt" || die "$d rep $rep: no advert within 10 s (logs: $OUT): $(cat "$OUT/adverts.txt" "$OUT/tcpdump.err")"
  t0=$(cat "$OUT/t0"); ta=$(awk '/VRRP/ { sub(/\./, "", $1); print $1; exit }' "$OUT/adverts.txt")
  first=$(awk -v a="$t0" -v b="$ta" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
  # idle until IDLE_S after the start
  sleep "$(awk -v a="$t0" -v n="$(now)" -v s=$IDLE_S 'BEGIN { r = s - (n - a) / 1e9; printf "%.3f", r < 0 ? 0 : r }')"
  if [ "$d" = floatd ]; then
    [ "$(cat /proc/$pid/comm 2>/dev/null)" = java ] || die "floatd pid $pid is not the JVM ($(cat /proc/$pid/comm 2>/dev/null))"
    pids=$pid
  else
    pids="$(cat "$OUT/ka.pid") $(cat "$OUT/ka.vrrp.pid")"
    [ "$(cat "$OUT/ka.pid")" = "$pid" ] || die "keepalived: pid file $(cat "$OUT/ka.pid"), started $pid"
  fi
  for p in $pids; do
    rss=$(( rss + $(kib /proc/$p/status VmRSS) ))
    pss=$(( pss + $(kib /proc/$p/smaps_rollup Pss) ))
  done
  kill -TERM $pid 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  { wait "$pid" || true; } 2>/dev/null
  printf 'sample  %-10s rep %2d  start->first advert %7s ms  idle RSS %6d KiB  PSS %6d KiB\n' "$d" "$rep" "$first" "$rss" "$pss"
  echo "$d $rep $first $rss $pss" >>"$SAMPLES"
}

if [ "$TRAIN" = 1 ]; then
  rm -f "$ROOT/cli/target/floatd.jsa"
  ip netns exec "$NSA" env FLOATD_JAVA_OPTS="-XX:ArchiveClassesAtExit=$ROOT/cli/target/floatd.jsa" \
    "$FLOATD" run -f "$CONF_F" >"$OUT/train.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  sleep 5; kill -TERM "$pid"; { wait "$pid" || true; } 2>/dev/null
  [ -f "$ROOT/cli/target/floatd.jsa" ] || die "training run made no archive (log: $OUT/train.log)"
  log "startup.sh: AppCDS archive $ROOT/cli/target/floatd.jsa ($(du -h "$ROOT/cli/target/floatd.jsa" | cut -f1))"
fi
log "startup.sh: AppCDS archive: $([ -f "$ROOT/cli/target/floatd.jsa" ] && echo "cli/target/floatd.jsa" || echo none)"
log "startup.sh: $REPS repetitions; floatd: $FLOATD (FLOATD_JAVA_OPTS='${FLOATD_JAVA_OPTS:-}'); $(keepalived --version 2>&1 | head -1)"
for ((rep = 1; rep <= REPS; rep++)); do
  for d in ${DAEMONS:-floatd keepalived}; do one_run "$d" "$rep"; done
done

echo
echo "daemon|n|first advert median ms|min|max|idle RSS median MiB|idle PSS median MiB"
for d in floatd keepalived; do
  awk -v d="$d" '$1 == d { f[++n] = $3; r[n] = $4; p[n] = $5 }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { mf = med(f, n); mn = f[1]; mx = f[n]; printf "%s|%d|%.1f|%.1f|%.1f|%.1f|%.1f\n", d, n, mf, mn, mx, med(r, n) / 1024, med(p, n) / 1024 }' "$SAMPLES"
done
echo "(targets: first advert within 1000 ms of start; idle RSS under 96 MiB)"
log "work files: $OUT"
