#!/usr/bin/env bash
# usage: bench/startup.sh [--deb] [--no-cds] [REPS]
#
# Start-up and memory benchmark, floatd (bin/floatd, the distribution as built) beside keepalived, in the same rig
# and the same run (root; network namespaces). Two namespaces joined by a veth pair (eth0 on both sides, 10.198.0.1
# and 10.198.0.2). The daemon runs in A with one VRRPv3 instance, advert_int 1, unicast to B, as the address owner
# (priority 255, state MASTER; VIP 10.198.0.100/24: keepalived removes a VIP equal to the interface's own address at
# start and then cannot bind its unicast source), so it sends its first advert at once; nothing runs in B.
# Per repetition and variant (floatd variants, then keepalived, same configuration):
#   (i)  tcpdump on B's eth0 (nanosecond wall-clock stamps) waits for adverts from A; the daemon is started with
#        `ip netns exec A sh -c 'date +%s%N >t0; exec DAEMON'`; reported: first advert on the wire - t0.
#   (ii) 10 s after the start, idle (Master, one advert a second): VmRSS from /proc/PID/status and Pss from
#        /proc/PID/smaps_rollup; keepalived: the sum of its two processes (parent and VRRP child).
# Variants: floatd = bin/floatd as built (with the build's AppCDS archive cli/target/floatd.jsa when it is there);
#   --deb adds floatd-deb = /usr/bin/floatd of packaging/target/floatd_*.deb extracted (dpkg-deb -x) into the work
#   directory, on its bundled runtime and /usr/lib/floatd/floatd.jsa; --no-cds adds floatd-nocds = bin/floatd with
#   the JDK's own CDS archive in place of floatd.jsa (-XX:SharedArchiveFile=JDK/lib/server/classes.jsa), i.e. a
#   build without the archive (-Dfloatd.cds.skip=true).
# FLOATD_JAVA_OPTS is passed through to every floatd variant (extra JVM options, e.g. to compare a variant).
# Output: every sample, the load average before and after, then the medians side by side, on stdout; work files in
# bench/out/<timestamp>/ (git-ignored).
set -euo pipefail

usage() { echo "usage: bench/startup.sh [--deb] [--no-cds] [REPS]" >&2; exit 2; }
VARIANTS=(floatd)
while [ $# -gt 0 ]; do
  case $1 in
    --deb) VARIANTS+=(floatd-deb); shift ;;
    --no-cds) VARIANTS+=(floatd-nocds); shift ;;
    --train-cds) echo "startup.sh: --train-cds is gone: the build makes cli/target/floatd.jsa (bin/build)" >&2; exit 2 ;;
    -*) usage ;;
    *) break ;;
  esac
done
VARIANTS+=(keepalived)
REPS=${1:-5}
case $REPS in ''|*[!0-9]*) usage ;; esac
[ "$REPS" -ge 1 ] || usage

. "$(dirname "$(readlink -f "$0")")/lib.sh"
FLOATD=$ROOT/bin/floatd
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

CONF_F=$(owner_conf floatd "$OUT/floatd.conf"); CONF_K=$(owner_conf keepalived "$OUT/keepalived.conf")

# --- one run -------------------------------------------------------------------------------------------------
SAMPLES=$OUT/samples.txt   # daemon rep first_advert_ms rss_kib pss_kib
: >"$SAMPLES"

one_run() {
  local d=$1 rep=$2 pid rss=0 pss=0 p pids
  watch_first_advert
  if [ "$d" != keepalived ]; then
    run_stamped FLOATD_JAVA_OPTS="$(java_opts "$d")" -- \
      "$(launcher "$d")" run -f "$CONF_F" --control-socket "$OUT/ctl/control.sock" >"$OUT/cur-$d.log" 2>&1 &
  else
    run_stamped -- keepalived --dont-fork --log-console -f "$CONF_K" -p "$OUT/ka.pid" -r "$OUT/ka.vrrp.pid" --vrrp \
      >"$OUT/cur-$d.log" 2>&1 &
  fi
  pid=$!; PIDS+=("$pid")
  first_advert 1000 || die "$d rep $rep: no advert within 10 s (logs: $OUT): $(cat "$OUT/adverts.txt" "$OUT/tcpdump.err")"
  sleep_until "$IDLE_S"   # idle until IDLE_S after the start
  if [ "$d" != keepalived ]; then
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
  stop_pid "$pid"
  printf 'sample  %-12s rep %2d  start->first advert %7s ms  idle RSS %6d KiB  PSS %6d KiB\n' "$d" "$rep" "$FIRST_MS" "$rss" "$pss"
  echo "$d $rep $FIRST_MS $rss $pss" >>"$SAMPLES"
}

launcher() {   # launcher VARIANT
  case $1 in floatd-deb) echo "$DEB_ROOT/usr/bin/floatd" ;; *) echo "$FLOATD" ;; esac
}
java_opts() {   # java_opts VARIANT: FLOATD_JAVA_OPTS for it
  case $1 in
    floatd-nocds) echo "-XX:SharedArchiveFile=$("$ROOT/bin/java-home")/lib/server/classes.jsa ${FLOATD_JAVA_OPTS:-}" ;;
    *) echo "${FLOATD_JAVA_OPTS:-}" ;;
  esac
}
DEB_ROOT=$OUT/deb
if [[ " ${VARIANTS[*]} " == *" floatd-deb "* ]]; then
  debs=("$ROOT"/packaging/target/floatd_*_amd64.deb)
  [ -f "${debs[0]}" ] || die "no packaging/target/floatd_*_amd64.deb: ./mvnw -pl packaging -am package -DskipTests"
  mkdir -p "$DEB_ROOT"; dpkg-deb -x "${debs[0]}" "$DEB_ROOT"
  log "startup.sh: floatd-deb: ${debs[0]##*/} extracted into $DEB_ROOT ($( [ -f "$DEB_ROOT/usr/lib/floatd/floatd.jsa" ] && echo "with" || echo "WITHOUT") floatd.jsa)"
fi
if [[ " ${VARIANTS[*]} " == *" floatd-nocds "* ]]; then
  [ -f "$("$ROOT/bin/java-home")/lib/server/classes.jsa" ] || die "floatd-nocds: the JDK has no lib/server/classes.jsa"
fi
# each archive must map: -Xshare:on fails where the launcher's -Xshare:auto would quietly do without
for d in "${VARIANTS[@]}"; do
  [ "$d" = keepalived ] && continue
  FLOATD_JAVA_OPTS="$(java_opts "$d") -Xshare:on" "$(launcher "$d")" --version >/dev/null 2>"$OUT/share-$d.err" \
    || die "$d: its CDS archive does not map (-Xshare:on): $(head -3 "$OUT/share-$d.err")"
done
log "startup.sh: AppCDS archive of bin/floatd: $([ -f "$ROOT/cli/target/floatd.jsa" ] && echo "cli/target/floatd.jsa" || echo none)"
log "startup.sh: $REPS repetitions of ${VARIANTS[*]}; FLOATD_JAVA_OPTS='${FLOATD_JAVA_OPTS:-}'; $(keepalived --version 2>&1 | head -1)"
LOAD_START=$(load3)
for ((rep = 1; rep <= REPS; rep++)); do
  for d in "${VARIANTS[@]}"; do one_run "$d" "$rep"; done
done
LOAD_END=$(load3)

echo
echo "load average (1/5/15 min): start $LOAD_START, end $LOAD_END; $(nproc) CPUs"
echo "daemon|n|first advert median ms|min|max|idle RSS median MiB|idle PSS median MiB"
for d in "${VARIANTS[@]}"; do
  awk -v d="$d" '$1 == d { f[++n] = $3; r[n] = $4; p[n] = $5 }
    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { mf = med(f, n); mn = f[1]; mx = f[n]; printf "%s|%d|%.1f|%.1f|%.1f|%.1f|%.1f\n", d, n, mf, mn, mx, med(r, n) / 1024, med(p, n) / 1024 }' "$SAMPLES"
done
echo "(targets: first advert within 1000 ms of start; idle RSS under 96 MiB)"
log "work files: $OUT"
