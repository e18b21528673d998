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
