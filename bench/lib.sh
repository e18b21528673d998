# Shell helpers shared by the bench/*.sh rigs (sourced, not run). The sourcing script sets NSA and NSB (namespace
# names) and appends every process it starts to PIDS; on exit, cleanup kills those, anything left inside the two
# namespaces (keepalived children, notify scripts), and deletes the namespaces.
BENCH=${0##*/}
PIDS=()

log() { echo "$*" >&2; }
die() { echo "$BENCH: $*" >&2; exit 1; }
now() { date +%s%N; }

# needs_root_and CMD...: exit 2 unless root with the floatd distribution built and every CMD on PATH
needs_root_and() {
  local c
  [ "$(id -u)" = 0 ] || { echo "$BENCH: needs root (network namespaces)" >&2; exit 2; }
  [ -f "$ROOT/cli/target/floatd-cli.jar" ] || { echo "$BENCH: floatd not built; run: bin/build" >&2; exit 2; }
  for c in "$@"; do
    command -v "$c" >/dev/null || { echo "$BENCH: $c not found" >&2; exit 2; }
  done
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
