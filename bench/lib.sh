# Shell helpers shared by the bench/*.sh rigs (sourced, not run): the repository root, the JDK, the tools a rig
# needs, a bounded wait for a quiet machine, and the test classpath of the Java benchmarks. A namespace rig sets
# NSA and NSB (namespace names) and appends every process it starts to PIDS; on exit, cleanup kills those, anything
# left inside the two namespaces (keepalived children, notify scripts), and deletes the namespaces.
BENCH=${0##*/}
PIDS=()
# the repository root: this file's parent directory
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

log() { echo "$*" >&2; }
die() { echo "$BENCH: $*" >&2; exit 1; }
now() { date +%s%N; }

# whole_numbers USAGE N...: exit 2 with USAGE on stderr unless every N is a whole number
whole_numbers() {
  local usage=$1 n
  shift
  for n in "$@"; do
    case $n in ''|*[!0-9]*) echo "$usage" >&2; exit 2 ;; esac
  done
}

# use_jdk: exports JAVA_HOME: the caller's, else the JDK 25 that bin/java-home finds
use_jdk() {
  JAVA_HOME=${JAVA_HOME:-$("$ROOT/bin/java-home")}
  export JAVA_HOME
}

# needs_root: exit 2 unless root (network namespaces)
needs_root() {
  [ "$(id -u)" = 0 ] || { echo "$BENCH: needs root (network namespaces)" >&2; exit 2; }
}

# needs CMD...: exit 2 unless every CMD is on PATH
needs() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "$BENCH: $c not found" >&2; exit 2; }
  done
}

# needs_root_and CMD...: exit 2 unless root with the floatd distribution built and every CMD on PATH
needs_root_and() {
  needs_root
  [ -f "$ROOT/cli/target/floatd-cli.jar" ] || { echo "$BENCH: floatd not built; run: bin/build" >&2; exit 2; }
  needs "$@"
}

# install_missing CMD[=PACKAGE]...: installs (apt-get, quietly) the package of every CMD that is missing; a CMD
# with a slash is a path that must be executable (e.g. /usr/bin/aws=awscli: Debian's, not a pip one on PATH)
install_missing() {
  local spec cmd pkg
  for spec in "$@"; do
    cmd=${spec%%=*}; pkg=${spec#*=}
    case $cmd in
      */*) [ -x "$cmd" ] && continue ;;
      *) command -v "$cmd" >/dev/null && continue ;;
    esac
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
  done
}

# wait_for_quiet: waits, at most MAX_LOAD_WAIT seconds (default 300) in 15 s steps, for a 1-minute load < 1 (2
# shared cores): the figures are printed with the load they were taken at. Sets WAITED (seconds waited).
wait_for_quiet() {
  WAITED=0
  while awk '{exit !($1 >= 1.0)}' /proc/loadavg && [ "$WAITED" -lt "${MAX_LOAD_WAIT:-300}" ]; do
    sleep 15; WAITED=$((WAITED + 15))
  done
}

# load3: the 1, 5 and 15-minute load averages
load3() { cut -d' ' -f1-3 /proc/loadavg; }

# cli_test_classpath: prints the classpath of cli's tests, compiling what is stale first (test-compile). ~/.m2 is
# shared by every worktree on this machine: another branch's `install` can replace the floatd SNAPSHOT jars at any
# time, so floatd's own modules come from this tree's target/ directories (the reactor resolves them there), not
# from ~/.m2.
cli_test_classpath() {
  # a relative output file: each module of the reactor writes its own, and cli's is the one read
  (cd "$ROOT" && ./mvnw -B -q -pl cli -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath -Dfloatd.fuzz.skip=true -Dfloatd.cds.skip=true >/dev/null)
  echo "$ROOT/cli/target/test-classes:$ROOT/cli/target/classes:$(cat "$ROOT/cli/target/bench.classpath")"
}

cleanup() {
  set +e
  cleanup_quiet 2>/dev/null   # no "Killed" job notices
}
cleanup_quiet() {
  local p ns
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  for ns in "$NSA" "$NSB"; do
    if ip netns list | grep -qw "$ns"; then
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
      ip netns del "$ns" 2>/dev/null
    fi
  done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}

# rig IPA IPB PREFIX: namespaces NSA and NSB joined by a veth pair, eth0 on both sides, IPA/PREFIX and IPB/PREFIX
rig() {
  local a=$1 b=$2 len=$3 ns
  ip netns add "$NSA"; ip netns add "$NSB"
  ip link add "v${NSA}" netns "$NSA" type veth peer name "v${NSB}" netns "$NSB"
  ip -n "$NSA" link set "v${NSA}" name eth0; ip -n "$NSB" link set "v${NSB}" name eth0
  ip -n "$NSA" addr add "$a/$len" dev eth0; ip -n "$NSB" addr add "$b/$len" dev eth0
  for ns in "$NSA" "$NSB"; do ip -n "$ns" link set lo up; ip -n "$ns" link set eth0 up; done
}

# kib FILE KEY: the kB value of KEY in a /proc file, 0 if absent
kib() {
  awk -v k="$2:" '$1 == k { print $2; found = 1; exit } END { if (!found) print 0 }' "$1" 2>/dev/null || echo 0
}

# cpu_ticks PID...: utime + stime (all threads) summed over the processes, in clock ticks; a vanished process adds 0
cpu_ticks() {
  local p t=0 s
  for p in "$@"; do
    # the fields after the command name, which may contain spaces: utime and stime are fields 14 and 15 of the line
    s=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || s=0
    t=$(( t + ${s:-0} ))
  done
  echo "$t"
}

# rss_kib PID...: VmRSS summed over the processes
rss_kib() {
  local p t=0
  for p in "$@"; do t=$(( t + $(kib "/proc/$p/status" VmRSS) )); done
  echo "$t"
}

# --- Maven-run benchmarks (do-takeover, hz-takeover): the figures come from a test's tagged output lines ----------

# logged_bench CMD...: needs root and every CMD; cd to the root, the JDK, LOG=bench/out/<bench>-<timestamp>.log;
# waits for a quiet machine and prints the load before the run
logged_bench() {
  needs_root
  needs "$@"
  cd "$ROOT"
  use_jdk
  mkdir -p bench/out
  LOG=bench/out/${BENCH%.sh}-$(date +%Y%m%d-%H%M%S).log
  wait_for_quiet
  echo "$BENCH: load before the run: $(uptime) (waited ${WAITED}s for load < 1)"
}

# logged_run TAG CMD...: CMD's output into LOG (its last 50 lines and exit 1 if it fails); prints the lines tagged
# TAG without the tag, then the load after the run and where LOG is
logged_run() {
  local tag=$1
  shift
  "$@" >"$LOG" 2>&1 || { tail -50 "$LOG"; echo "$BENCH: failed, see $LOG" >&2; exit 1; }
  grep "$tag" "$LOG" | sed "s/^$tag //"
  echo "$BENCH: load after the run: $(uptime)"
  echo "$BENCH: full output in $LOG"
}

# --- namespace rigs with daemons (failover, scale, startup, footprint): NSA, NSB, IPA, IPB, OUT and FLOATD set ---

# instance_head NAME STATE VRID PRIORITY ADVERT VERSION SRC PEER: the head of a unicast vrrp_instance on eth0; the
# caller prints the rest of its body (e.g. vip_block) and the closing brace
instance_head() {
  printf 'vrrp_instance %s {\n    state %s\n    interface eth0\n    virtual_router_id %s\n    priority %s\n' "$1" "$2" "$3" "$4"
  printf '    advert_int %s\n    version %s\n    unicast_src_ip %s\n    unicast_peer {\n        %s\n    }\n' "$5" "$6" "$7" "$8"
}

# vip_block CIDR: a virtual_ipaddress block with the one address CIDR on eth0
vip_block() {
  printf '    virtual_ipaddress {\n        %s dev eth0\n    }\n' "$1"
}

# node_role NODE: A is the Master (priority 150), B the Backup (100); sets NODE_NS, NODE_PRIO, NODE_SRC, NODE_PEER
node_role() {
  if [ "$1" = A ]; then
    NODE_NS=$NSA NODE_PRIO=150 NODE_SRC=$IPA NODE_PEER=$IPB
  else
    NODE_NS=$NSB NODE_PRIO=100 NODE_SRC=$IPB NODE_PEER=$IPA
  fi
}

# start_node DAEMON NODE CONF: floatd (FLOATD) or keepalived in NODE's namespace, in the background, its output in
# OUT/cur-DAEMON-NODE.log; sets STARTED_PID (floatd: the JVM; keepalived: its parent, the VRRP child's pid in
# OUT/ka-NODE.vrrp.pid)
start_node() {
  local d=$1 n=$2 c=$3
  node_role "$n"
  if [ "$d" = floatd ]; then
    # a control socket per daemon: both nodes share this host's /run/floatd
    ip netns exec "$NODE_NS" "$FLOATD" run -f "$c" --control-socket "$OUT/ctl-$n/control.sock" >"$OUT/cur-$d-$n.log" 2>&1 &
  else
    rm -f "$OUT/ka-$n.pid" "$OUT/ka-$n.vrrp.pid"
    ip netns exec "$NODE_NS" keepalived --dont-fork --log-console -f "$c" -p "$OUT/ka-$n.pid" -r "$OUT/ka-$n.vrrp.pid" --vrrp \
      >"$OUT/cur-$d-$n.log" 2>&1 &
  fi
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
}

# kill_ns NS: SIGKILL to every process in the namespace
kill_ns() {
  local p
  for p in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
}

# stop_pid PID [TRIES]: SIGTERM, up to TRIES (default 100) x 50 ms, then SIGKILL; reaps it
stop_pid() {
  local p=$1 i
  kill -TERM "$p" 2>/dev/null || true
  for ((i = 0; i < ${2:-100}; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$p" 2>/dev/null || true
  { wait "$p" || true; } 2>/dev/null
}

# start_tcpdump FILE TCPDUMP_ARG...: tcpdump on NSB's eth0 (nanosecond wall-clock stamps, comparable with
# date +%s%N) into FILE, its stderr in OUT/tcpdump.err; returns once it listens (on a loaded machine tcpdump has been
# seen not to start within 10 s: up to 3 attempts); sets DUMP_PID
start_tcpdump() {
  local f=$1 attempt i
  shift
  for attempt in 1 2 3; do
    ip netns exec "$NSB" tcpdump -i eth0 -n -l -tt --time-stamp-precision=nano "$@" >"$f" 2>"$OUT/tcpdump.err" &
    DUMP_PID=$!; PIDS+=("$DUMP_PID")
    for ((i = 0; i < 1000; i++)); do grep -q 'listening on' "$OUT/tcpdump.err" 2>/dev/null && break; sleep 0.01; done
    grep -q 'listening on' "$OUT/tcpdump.err" && break
    log "tcpdump attempt $attempt did not start within 10 s: $(cat "$OUT/tcpdump.err"; ps -o stat=,wchan= -p "$DUMP_PID")"
    { kill -9 "$DUMP_PID"; wait "$DUMP_PID"; } 2>/dev/null || true
  done
  grep -q 'listening on' "$OUT/tcpdump.err" || die "tcpdump did not start: $(cat "$OUT/tcpdump.err")"
}

# --- the owner rigs (startup, footprint): one daemon in NSA sends its first advert at once ----------------------

# watch_first_advert: clears A (its processes, VIP and the run's files) and starts tcpdump on B for A's first advert
# (OUT/adverts.txt)
watch_first_advert() {
  kill_ns "$NSA"
  ip -n "$NSA" addr del "$VIP/24" dev eth0 2>/dev/null || true
  rm -f "$OUT/t0" "$OUT/adverts.txt" "$OUT/tcpdump.err" "$OUT/ka.pid" "$OUT/ka.vrrp.pid"
  start_tcpdump "$OUT/adverts.txt" -c 1 "ip proto 112 and src host $IPA"
  sleep 0.2
}

# run_stamped [ENV_ARG...] -- CMD... &: CMD in NSA through env ENV_ARG..., the wall clock (ns) written to OUT/t0 just
# before CMD starts. Run it in the background: the subshell execs, so $! is CMD's pid (ip, env and sh exec in turn)
run_stamped() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  exec ip netns exec "$NSA" env ${envs[@]+"${envs[@]}"} sh -c 'date +%s%N >"$1"; shift; exec "$@"' sh "$OUT/t0" "$@"
}

# first_advert TRIES: waits up to TRIES x 10 ms for the advert in OUT/adverts.txt and stops tcpdump; 1 if none came,
# else sets T0 (the start, ns) and FIRST_MS (start -> first advert on the wire)
first_advert() {
  local i ta
  for ((i = 0; i < $1; i++)); do grep -q VRRP "$OUT/adverts.txt" 2>/dev/null && break; sleep 0.01; done
  { kill "$DUMP_PID"; wait "$DUMP_PID"; } 2>/dev/null || true
  grep -q VRRP "$OUT/adverts.txt" || return 1
  T0=$(cat "$OUT/t0"); ta=$(awk '/VRRP/ { sub(/\./, "", $1); print $1; exit }' "$OUT/adverts.txt")
  FIRST_MS=$(awk -v a="$T0" -v b="$ta" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
}

# sleep_until SECONDS: until SECONDS after T0
sleep_until() {
  sleep "$(awk -v a="$T0" -v n="$(now)" -v s="$1" 'BEGIN { r = s - (n - a) / 1e9; printf "%.3f", r < 0 ? 0 : r }')"
}

# owner_conf DAEMON FILE [BODY [PREAMBLE]]: an owner's configuration into FILE, whose path it prints: keepalived's
# global_defs naming it, PREAMBLE (if any), then VI_1: state MASTER, VRID 52, priority 255, advert_int 1, VRRPv3,
# unicast IPA -> IPB, BODY (default: VIP/24 on eth0)
owner_conf() {
  local d=$1 f=$2
  {
    [ "$d" = keepalived ] && printf 'global_defs {\n    router_id owner\n}\n'
    [ "${4:-}" ] && printf '%s\n' "$4"
    instance_head VI_1 MASTER 52 255 1 3 "$IPA" "$IPB"
    if [ "${3:-}" ]; then printf '%s\n' "$3"; else vip_block "$VIP/24"; fi
    echo "}"
  } >"$f"
  echo "$f"
}
