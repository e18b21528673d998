#!/usr/bin/env bash
# usage: bench/footprint.sh [--wakeups] [--scale] [REPS]
#
# Idle footprint benchmark (issue 19): memory and CPU of one node alone and idle as Master, floatd (bin/floatd, the
# distribution as built, with the launcher's JVM flags) with each provider beside keepalived, in the same rig and the
# same run (root; network namespaces fpA<pid>, fpB<pid>). The two namespaces are joined by a veth pair (eth0 on both
# sides, 10.195.0.1/24 and 10.195.0.2/24). The daemon runs in A with one VRRPv3 instance, advert_int 1, unicast to
# B, state MASTER and priority 255 (it sends its first advert at once, as in bench/startup.sh); nothing answers in B
# (a silent peer). B holds the clouds: bench's Java helper io.floatd.it.FootprintClouds (the CLI's test class path)
# serves, on B's address, Ec2TestEndpoint with the node's instance and the peer's and one Elastic IP,
# ImdsTestEndpoint (IMDSv2: the node's instance id, region, MAC, ENI) and DoTestEndpoint (the API and the droplet
# metadata service, both droplets, one reserved IP).
# Variants, each with the same instance:
#   floatd-aws   floating_ip { provider aws; address EIP } (instance and region from the metadata service; the
#                environment points the SDK at the test EC2 and IMDS, with fake static credentials)
#   floatd-do    floating_ip { provider digitalocean; address RESERVED_IP; token_file F } (the droplet from the
#                metadata service; DIGITALOCEAN_API_URL and DIGITALOCEAN_METADATA_URL name the test endpoint)
#   floatd-l2    virtual_ipaddress { 10.195.0.100/24 dev eth0 } (the linux-l2 provider)
#   keepalived   the same instance and VIP (keepalived --dont-fork --vrrp; its parent and VRRP child are summed)
#   jvm-floor    no daemon: the JDK's java with the launcher's JVM flags (read off bin/floatd's exec line) running an
#                empty main that sleeps (no jar, no floatd.jsa): the floor under any daemon on this JVM (no advert)
# Per repetition and variant: tcpdump on B's eth0 stamps the first advert from A (first advert - t0, t0 written by
# `sh -c 'date +%s%N >t0; exec DAEMON'`); at IDLE_S (45) s after the start: VmRSS (/proc/PID/status) and Pss
# (/proc/PID/smaps_rollup); CPU: utime+stime ticks (/proc/PID/stat) over the WINDOW_S (30) s from IDLE_S, in % of
# one core, and the same window from the threads' schedstat run times (/proc/PID/task/*/schedstat, nanoseconds: a
# resolution the 10 ms ticks lack; a thread that ends inside the window loses its part). A floatd run counts only if
# the daemon logged its takeover (the provider's line) and is still Master at the end.
#   --wakeups  then, per floatd variant, one more run as under its systemd unit (NOTIFY_SOCKET, to a listener of the
#              script's, and WATCHDOG_USEC for WatchdogSec=30s) with a track_file, and with -XX:NativeMemoryTracking=summary,
#              -Xlog:gc*,safepoint and -Xlog:jit+compilation=debug: per-thread CPU time and times scheduled
#              (schedstat) and voluntary context switches over the same window, named through jcmd Thread.print;
#              the GCs, safepoints and JIT compilations inside the window; jcmd VM.native_memory summary at its end;
#              then `perf trace -s` (per-thread system call counts) over a second window of WINDOW_S.
#   --scale    then the 255-instance line: bench/scale.sh 255 (CPU at advert_int 1 and 0.1, floatd linux-l2 vs
#              keepalived), whose table is printed as it is.
# LATE_S (unset by default): one more CPU window of WINDOW_S from LATE_S s, for a daemon past its JIT warm-up (the
# first window, at 45 s, measures a daemon whose advert path is still interpreted: BENCHMARKS.md "Footprint").
# REPS 0 skips the table (e.g. --wakeups alone). FLOATD_JAVA_OPTS is passed to every floatd variant (and the floor),
# FLOATD_ARGS to every `floatd run` (e.g. --status-address off); VARIANTS (default "floatd-aws floatd-do floatd-l2 keepalived jvm-floor")
# picks the variants; IDLE_S and WINDOW_S override the times. The test classes are compiled (test-compile) first.
# Output: every sample, the load average at each and before and after, then the medians side by side, on stdout;
# work files in bench/out/footprint-<timestamp>/ (git-ignored).
set -euo pipefail

usage() { echo "usage: bench/footprint.sh [--wakeups] [--scale] [REPS]" >&2; exit 2; }
WAKEUPS=0; SCALE=0
while [ $# -gt 0 ]; do
  case $1 in
    --wakeups) WAKEUPS=1; shift ;;
    --scale) SCALE=1; shift ;;
    -*) usage ;;
    *) break ;;
  esac
done
REPS=${1:-3}
case $REPS in ''|*[!0-9]*) usage ;; esac
read -r -a VARIANTS <<<"${VARIANTS:-floatd-aws floatd-do floatd-l2 keepalived jvm-floor}"
LATE_S=${LATE_S:-}
case $LATE_S in *[!0-9]*) usage ;; esac

. "$(dirname "$(readlink -f "$0")")/lib.sh"
FLOATD=$ROOT/bin/floatd
needs_root_and keepalived tcpdump ip
IDLE_S=${IDLE_S:-45}
WINDOW_S=${WINDOW_S:-30}
HZ=$(getconf CLK_TCK)
use_jdk

OUT=$ROOT/bench/out/footprint-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT"
chmod 755 "$OUT"
NSA=fpA$$; NSB=fpB$$
IPA=10.195.0.1; IPB=10.195.0.2; VIP=10.195.0.100
DO_TOKEN=dop_v1_footprint_bench_fake_token_0000000000000000000000000000000000
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the clouds' class path: the CLI's test classes, floatd's modules from this tree (~/.m2 is shared) -----------
cd "$ROOT"
CP=$(cli_test_classpath) || die "cli test-compile / build-classpath failed"

# --- the JVM floor: an empty main, compiled here, run with the launcher's flags --------------------------------
mkdir -p "$OUT/floor"
printf 'public class Idle { public static void main(String[] a) throws Exception { Thread.sleep(Long.MAX_VALUE); } }\n' \
  >"$OUT/floor/Idle.java"
"$JAVA_HOME/bin/javac" -d "$OUT/floor" "$OUT/floor/Idle.java" || die "javac of the floor's empty main failed"
# the -X options of bin/floatd's exec line (its CDS archive is floatd's, so not passed)
read -r -a FLOOR_FLAGS <<<"$(awk '/^exec "\$java_home\/bin\/java"/, /-jar/' "$FLOATD" | grep -o -- '-X[^ "]*' | tr '\n' ' ')"
[ ${#FLOOR_FLAGS[@]} -gt 0 ] || die "no JVM flags found on bin/floatd's exec line"

# --- rig and clouds --------------------------------------------------------------------------------------------
rig $IPA $IPB 24
TOKEN_FILE=$OUT/do-token
(umask 077; echo "$DO_TOKEN" >"$TOKEN_FILE")
ip netns exec "$NSB" "$JAVA_HOME/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx128m -cp "$CP" \
  io.floatd.it.FootprintClouds $IPB $IPA $IPB "$DO_TOKEN" "$OUT/clouds.env" >"$OUT/clouds.log" 2>&1 &
PIDS+=("$!")
for ((i = 0; i < 600; i++)); do [ -f "$OUT/clouds.env" ] && break; sleep 0.1; done
[ -f "$OUT/clouds.env" ] || die "the clouds did not start within 60 s: $(tail -5 "$OUT/clouds.log")"
. "$OUT/clouds.env"
log "footprint.sh: clouds in $NSB: EC2 $EC2_URL, IMDS $IMDS_URL, DigitalOcean $DO_URL"

conf() {   # conf VARIANT -> path
  local d=$1 moving preamble=
  case $d in
    floatd-aws) moving=$(printf '    floating_ip {\n        provider aws\n        address %s\n    }' "$EIP") ;;
    floatd-do) moving=$(printf '    floating_ip {\n        provider digitalocean\n        address %s\n        token_file %s\n    }' \
      "$RESERVED_IP" "$TOKEN_FILE") ;;
    *) moving=$(vip_block "$VIP/24") ;;
  esac
  if [ "${TRACK_FILE:-}" ]; then   # the wake-up runs: a track_file, watched as users' are
    moving=$(printf '%s\n    track_file {\n        app_weight\n    }' "$moving")
    preamble=$(printf 'track_file app_weight {\n    file %s\n    weight 1\n}' "$TRACK_FILE")
  fi
  owner_conf "$d" "$OUT/$d.conf" "$moving" "$preamble"
}

# the environment of a floatd variant: the test clouds only, never a real one
floatd_env() {
  case $1 in
    floatd-aws) echo "AWS_ENDPOINT_URL_EC2=$EC2_URL AWS_ENDPOINT_URL=$EC2_URL AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDS_URL" \
      "AWS_ACCESS_KEY_ID=AKIAFLOATDTESTKEY000 AWS_SECRET_ACCESS_KEY=FLOATD-FAKE-SECRET/notARealKey+0123456789" \
      "AWS_CONFIG_FILE=/nonexistent/floatd-bench-aws-config AWS_SHARED_CREDENTIALS_FILE=/nonexistent/floatd-bench-aws-creds" ;;
    floatd-do) echo "DIGITALOCEAN_API_URL=$DO_URL DIGITALOCEAN_METADATA_URL=$DO_URL" ;;
    *) echo "" ;;
  esac
}
# the log line that says the variant's takeover is done
took_over() {
  case $1 in
    floatd-aws|floatd-do) echo "takeover: entered MASTER .*(acquire confirmed|already held)" ;;   # a later rep finds it held
    *) echo "Entering MASTER STATE" ;;
  esac
}

# --- one run ---------------------------------------------------------------------------------------------------
SAMPLES=$OUT/samples.txt   # variant rep first_advert_ms rss_kib pss_kib cpu_pct_ticks cpu_pct_sched load1
: >"$SAMPLES"
DAEMON_PID=; DAEMON_PIDS=

# sched_ns PID...: the run time (ns) of every live thread of the processes, summed
sched_ns() {
  local p
  for p in "$@"; do cat /proc/"$p"/task/*/schedstat 2>/dev/null; done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}
pct() { awk -v c="$1" -v hz="$HZ" -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", 100 * c / hz / ((b - a) / 1e9) }'; }
pct_ns() { awk -v c="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", 100 * c / (b - a) }'; }

# start_daemon VARIANT [JAVA_OPTS]: waits for the first advert; sets DAEMON_PID, DAEMON_PIDS, T0, FIRST_MS
start_daemon() {
  local d=$1 opts=${2:-} i
  watch_first_advert
  if [ "$d" = jvm-floor ]; then
    # shellcheck disable=SC2086 # FLOATD_JAVA_OPTS is words
    run_stamped -- "$JAVA_HOME/bin/java" "${FLOOR_FLAGS[@]}" ${FLOATD_JAVA_OPTS:-} -cp "$OUT/floor" Idle >"$OUT/cur.log" 2>&1 &
    DAEMON_PID=$!; PIDS+=("$DAEMON_PID"); DAEMON_PIDS=$DAEMON_PID; FIRST_MS=-
    { kill "$DUMP_PID"; wait "$DUMP_PID"; } 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do [ -s "$OUT/t0" ] && break; sleep 0.01; done
    T0=$(cat "$OUT/t0")
    return
  elif [ "$d" != keepalived ]; then
    # shellcheck disable=SC2046 # floatd_env is KEY=VALUE words without spaces
    run_stamped -u JOURNAL_STREAM $(floatd_env "$d") ${EXTRA_ENV:-} FLOATD_JAVA_OPTS="${FLOATD_JAVA_OPTS:-} $opts" -- \
      "$FLOATD" run -f "$(conf "$d")" --control-socket "$OUT/ctl/control.sock" --dump-dir "$OUT" ${FLOATD_ARGS:-} >"$OUT/cur.log" 2>&1 &
  else
    run_stamped -- keepalived --dont-fork --log-console -f "$(conf "$d")" -p "$OUT/ka.pid" -r "$OUT/ka.vrrp.pid" --vrrp \
      >"$OUT/cur.log" 2>&1 &
  fi
  DAEMON_PID=$!; PIDS+=("$DAEMON_PID")
  first_advert 2000 || die "$d: no advert within 20 s (log: $OUT/cur.log): $(tail -5 "$OUT/cur.log")"
  if [ "$d" != keepalived ]; then
    [ "$(cat /proc/$DAEMON_PID/comm 2>/dev/null)" = java ] || die "floatd pid $DAEMON_PID is not the JVM"
    DAEMON_PIDS=$DAEMON_PID
  else
    for ((i = 0; i < 200; i++)); do [ -s "$OUT/ka.vrrp.pid" ] && break; sleep 0.05; done
    DAEMON_PIDS="$(cat "$OUT/ka.pid") $(cat "$OUT/ka.vrrp.pid")"
  fi
}

stop_daemon() { stop_pid "$DAEMON_PID" 200; }

# check_master VARIANT: the takeover logged, Master still
check_master() {
  local d=$1
  [ "$d" = jvm-floor ] && { kill -0 "$DAEMON_PID" || die "the floor's JVM ended: $(tail -5 "$OUT/cur.log")"; return; }
  [ "$d" = keepalived ] && { grep -q 'Entering MASTER STATE' "$OUT/cur.log" || die "keepalived not Master: $OUT/cur.log"; return; }
  grep -Eq "$(took_over "$d")" "$OUT/cur.log" || die "$d: no takeover line ('$(took_over "$d")') in its log: $(tail -5 "$OUT/cur.log")"
  [ "$(grep -Ec 'Entering (BACKUP|FAULT) STATE' "$OUT/cur.log")" = 0 ] || die "$d left MASTER: $OUT/cur.log"
}

one_run() {
  local d=$1 rep=$2 rss=0 pss=0 p k0 k1 s0 s1 w0 w1 cpu cpus load late=-
  start_daemon "$d"
  sleep_until "$IDLE_S"
  for p in $DAEMON_PIDS; do
    rss=$(( rss + $(kib /proc/$p/status VmRSS) )); pss=$(( pss + $(kib /proc/$p/smaps_rollup Pss) ))
  done
  w0=$(now); k0=$(cpu_ticks $DAEMON_PIDS); s0=$(sched_ns $DAEMON_PIDS)
  sleep "$WINDOW_S"
  w1=$(now); k1=$(cpu_ticks $DAEMON_PIDS); s1=$(sched_ns $DAEMON_PIDS)
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu=$(pct $((k1 - k0)) "$w0" "$w1"); cpus=$(pct_ns $((s1 - s0)) "$w0" "$w1")
  if [ "$LATE_S" ]; then
    sleep_until "$LATE_S"
    w0=$(now); s0=$(sched_ns $DAEMON_PIDS)
    sleep "$WINDOW_S"
    w1=$(now); s1=$(sched_ns $DAEMON_PIDS)
    late=$(pct_ns $((s1 - s0)) "$w0" "$w1")
  fi
  check_master "$d"
  cp "$OUT/cur.log" "$OUT/$d-$rep.log"
  stop_daemon
  printf 'sample  %-11s rep %2d  first advert %7s ms  RSS %6d KiB  PSS %6d KiB  CPU %6s %% (%3d ticks)  %6s %% (schedstat)  late %6s %%  load %s\n' \
    "$d" "$rep" "$FIRST_MS" "$rss" "$pss" "$cpu" $((k1 - k0)) "$cpus" "$late" "$load"
  echo "$d $rep $FIRST_MS $rss $pss $cpu $cpus $load $late" >>"$SAMPLES"
}

echo "usage: bench/footprint.sh [--wakeups] [--scale] [REPS]"
echo "machine: $(nproc) CPUs, $(uname -r); idle ${IDLE_S} s, then a ${WINDOW_S} s window; $REPS repetitions"
echo "floatd: $FLOATD ($([ -f "$ROOT/cli/target/floatd.jsa" ] && echo "with" || echo "WITHOUT") cli/target/floatd.jsa;" \
  "FLOATD_JAVA_OPTS='${FLOATD_JAVA_OPTS:-}')  keepalived: $(keepalived --version 2>&1 | head -1)"
LOAD_START=$(load3)
echo "load average at start: $LOAD_START; other java processes: $(( $(pgrep -c -x java || true) - 1 )) (besides the clouds)"
echo
for ((rep = 1; rep <= REPS; rep++)); do
  for d in "${VARIANTS[@]}"; do one_run "$d" "$rep"; done
done
LOAD_END=$(load3)
if [ "$REPS" -gt 0 ]; then
echo
echo "load average (1/5/15 min): start $LOAD_START, end $LOAD_END; $(nproc) CPUs"
echo "RSS, PSS: medians at ${IDLE_S} s; CPU: median % of one core over ${WINDOW_S} s from ${IDLE_S} s (ticks: utime+stime; schedstat: threads' run time)"
[ "$LATE_S" ] && echo "late: CPU (schedstat) over ${WINDOW_S} s from ${LATE_S} s"
{
  echo "daemon|n|RSS MiB|PSS MiB|CPU % (ticks)|CPU % (schedstat)|late CPU %|first advert ms (median)|min|max"
  for d in "${VARIANTS[@]}"; do
    awk -v d="$d" '$1 == d { f[++n] = $3; r[n] = $4; p[n] = $5; c[n] = $6; s[n] = $7; l[n] = $9 }
      function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { late = l[1] == "-" ? "-" : sprintf("%.3f", med(l, n))
        if (f[1] == "-") { mf = "-"; lo = "-"; hi = "-" } else { mf = sprintf("%.1f", med(f, n)); lo = sprintf("%.1f", f[1]); hi = sprintf("%.1f", f[n]) }
        printf "%s|%d|%.1f|%.1f|%.3f|%.3f|%s|%s|%s|%s\n", d, n, med(r, n) / 1024, med(p, n) / 1024,
        med(c, n), med(s, n), late, mf, lo, hi }' "$SAMPLES"
  done
} | column -t -s'|' -o' | '
echo "(issue 19 targets: RSS <= 72 MiB aws, <= 64 MiB digitalocean, <= 48 MiB linux-l2; CPU <= 0.05 %; first advert <= 400 ms)"
fi

# --- wake-ups --------------------------------------------------------------------------------------------------
# threads PID FILE: one line per thread: tid run_ns times_scheduled voluntary_switches involuntary_switches
threads() {
  local t
  for t in /proc/"$1"/task/*; do
    [ -r "$t/schedstat" ] || continue
    echo "${t##*/} $(awk '{ print $1, $3 }' "$t/schedstat" 2>/dev/null)" \
      "$(awk '$1 == "voluntary_ctxt_switches:" { v = $2 } $1 == "nonvoluntary_ctxt_switches:" { n = $2 } END { print v, n }' "$t/status" 2>/dev/null)"
  done >"$2"
}

wakeups() {
  local d=$1 opts jcmd=$JAVA_HOME/bin/jcmd pid w0 w1 up0 up1
  opts="-XX:NativeMemoryTracking=summary -Xlog:gc*,safepoint:file=$OUT/$d-gc.log:uptime -Xlog:jit+compilation=debug:file=$OUT/$d-jit.log:uptime"
  start_daemon "$d" "$opts"
  pid=$DAEMON_PID
  sleep_until "$IDLE_S"
  up0=$(awk -v a="$T0" -v n="$(now)" 'BEGIN { printf "%.3f", (n - a) / 1e9 }')
  w0=$(now); threads "$pid" "$OUT/$d-threads0"
  sleep "$WINDOW_S"
  w1=$(now); threads "$pid" "$OUT/$d-threads1"
  up1=$(awk -v a="$T0" -v n="$(now)" 'BEGIN { printf "%.3f", (n - a) / 1e9 }')
  "$jcmd" "$pid" Thread.print >"$OUT/$d-threads.txt" 2>&1 || true
  "$jcmd" "$pid" VM.native_memory summary >"$OUT/$d-nmt.txt" 2>&1 || true
  check_master "$d"
  echo
  echo "== $d: threads over the ${WINDOW_S} s window from ${IDLE_S} s (NMT and logging on; load $(cut -d' ' -f1 /proc/loadavg))"
  # tid -> Java thread name (jcmd Thread.print: "NAME" ... nid=TID, decimal since JDK 19, 0xHEX before), else the
  # kernel's comm (15 characters)
  sed -n 's/^"\([^"]*\)".* nid=\(0x[0-9a-f]*\|[0-9]*\) .*/\2 \1/p' "$OUT/$d-threads.txt" |
    while read -r nid name; do echo "$((nid))|$name"; done >"$OUT/$d-names"
  awk -v secs="$(awk -v a="$w0" -v b="$w1" 'BEGIN { print (b - a) / 1e9 }')" -v pid="$pid" '
    FILENAME ~ /names$/ { i = index($0, "|"); name[substr($0, 1, i - 1)] = substr($0, i + 1); next }
    FILENAME ~ /threads0$/ { r0[$1] = $2; n0[$1] = $3; v0[$1] = $4; next }
    { tid = $1; if (!(tid in r0)) { r0[tid] = 0; n0[tid] = 0; v0[tid] = 0; born = "*" } else born = ""
      nm = (tid in name) ? name[tid] : ""; if (nm == "") { getline c < ("/proc/" pid "/task/" tid "/comm"); nm = c; close("/proc/" pid "/task/" tid "/comm") }
      cpu = ($2 - r0[tid]) / 1e6; runs = $3 - n0[tid]; vol = $4 - v0[tid]
      if (runs > 0 || cpu > 0) printf "%s%s|%d|%.1f|%.2f|%.4f|%.1f\n", nm, born, tid, runs / secs, vol / secs, 100 * cpu / 1e3 / secs, cpu
      tot += cpu; totr += runs }
    END { printf "TOTAL||%.1f||%.4f|%.1f\n", totr / secs, 100 * tot / 1e3 / secs, tot }' \
    "$OUT/$d-names" "$OUT/$d-threads0" "$OUT/$d-threads1" | sort -t'|' -k6 -g -r |
    { echo "thread|tid|scheduled /s|voluntary switches /s|CPU % of a core|CPU ms"; cat; } | column -t -s'|' -o' | '
  echo "(* = thread started inside the window; threads that ran nothing omitted)"
  echo "-- GC and safepoints in the window (uptime $up0-$up1 s):"
  awk -v a="$up0" -v b="$up1" '{ t = $1; gsub(/[\[\]s]/, "", t) } t + 0 >= a && t + 0 <= b' "$OUT/$d-gc.log" | head -20
  echo "   GCs: $(awk -v a="$up0" -v b="$up1" '{ t = $1; gsub(/[\[\]s]/, "", t) } t + 0 >= a && t + 0 <= b && /Pause (Young|Full).*ms$/' "$OUT/$d-gc.log" | wc -l)," \
    "safepoints: $(awk -v a="$up0" -v b="$up1" '{ t = $1; gsub(/[\[\]s]/, "", t) } t + 0 >= a && t + 0 <= b && /Safepoint "/' "$OUT/$d-gc.log" | wc -l)," \
    "JIT compilations: $(awk -v a="$up0" -v b="$up1" '{ t = $1; gsub(/[\[\]s]/, "", t) } t + 0 >= a && t + 0 <= b' "$OUT/$d-jit.log" | wc -l)" \
    "(before ${IDLE_S} s: $(awk -v a="$up0" '{ t = $1; gsub(/[\[\]s]/, "", t) } t + 0 < a' "$OUT/$d-jit.log" | wc -l))"
  echo "-- native memory (jcmd VM.native_memory summary at $up1 s), committed KiB by category:"
  awk '/^Total:/ { print "   " $0 } /^-[ ]+[A-Za-z]/ { sub(/^-[ ]+/, ""); cat = $0; sub(/ *\(.*$/, "", cat); if (match($0, /committed=[0-9]+KB/)) printf "   %-28s %8d KiB\n", cat, substr($0, RSTART + 10, RLENGTH - 12) }' "$OUT/$d-nmt.txt"
  if command -v perf >/dev/null; then
    echo "-- perf trace -s over ${WINDOW_S} s more (system calls per thread):"
    timeout -s INT "$((WINDOW_S + 5))" perf trace -s -p "$pid" -o "$OUT/$d-perf-trace.txt" -- sleep "$WINDOW_S" >/dev/null 2>&1 || true
    # one line per thread: each system call with its calls per second and its longest wait (a sleep's timeout)
    awk -v secs="$WINDOW_S" '
      /\([0-9]+\), [0-9]+ events/ { if (line != "") print line; h = $0; sub(/^ +/, "", h); sub(/, [0-9]+ events.*$/, "", h); line = "   " h ":"; next }
      /^ +[a-z_0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ / { line = line sprintf(" %s %.2f/s (max %.0f ms)", $1, $2 / secs, $7) }
      END { if (line != "") print line }' "$OUT/$d-perf-trace.txt"
  fi
  cp "$OUT/cur.log" "$OUT/$d-wakeups.log"
  stop_daemon
}

if [ "$WAKEUPS" = 1 ]; then
  # as the systemd unit runs it (Type=notify, WatchdogSec=30s: WATCHDOG=1 every 15 s), with a track_file (inotify)
  /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
while True:
    m = s.recv(4096).decode(errors="replace"); print("%.3f %s" % (time.time(), m.replace("\n", " ")), flush=True)
' "$OUT/notify.sock" >"$OUT/notify.log" 2>&1 &
  PIDS+=("$!")
  for ((i = 0; i < 100; i++)); do [ -S "$OUT/notify.sock" ] && break; sleep 0.05; done
  TRACK_FILE=$OUT/app-weight; echo 0 >"$TRACK_FILE"
  EXTRA_ENV="NOTIFY_SOCKET=$OUT/notify.sock WATCHDOG_USEC=30000000"
  echo
  echo "Wake-ups: each floatd variant once more, as above plus NOTIFY_SOCKET and WATCHDOG_USEC=30000000 (the unit's"
  echo "WatchdogSec=30s) and a track_file (weight 1, content 0), with NMT, GC/safepoint and JIT logging on"
  for d in "${VARIANTS[@]}"; do [ "$d" = keepalived ] || [ "$d" = jvm-floor ] || wakeups "$d"; done
  echo "sd_notify datagrams received: $(wc -l <"$OUT/notify.log") ($(grep -c WATCHDOG=1 "$OUT/notify.log" || true) WATCHDOG=1)"
  TRACK_FILE=; EXTRA_ENV=
fi

if [ "$SCALE" = 1 ]; then
  echo
  echo "== 255 instances (bench/scale.sh 255)"
  "$ROOT/bench/scale.sh" 255
fi
log "work files: $OUT"
