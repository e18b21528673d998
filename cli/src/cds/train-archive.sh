#!/usr/bin/env bash
# usage: train-archive.sh JAVA JAR ARCHIVE [SECONDS]
#
# Writes ARCHIVE, a dynamic AppCDS archive of the classes `floatd run` loads up to and past its first advert, so a
# launcher that passes -XX:SharedArchiveFile=ARCHIVE maps them instead of loading them from the jars (the first
# advert 0.1-0.2 s sooner). A training run: JAVA (a Java 25 runtime with its default CDS archive: the one that
# will run the archive) runs JAR `run --dry-run` on train.conf (next to this script: UDP transport on loopback,
# address owner, so it advertises at once; no network; without root, no VIP) with -XX:ArchiveClassesAtExit for
# SECONDS (default 4), then SIGTERM; then the archive is checked with -Xshare:on.
# The JVM options are the launchers' (bin/floatd, packaging's /usr/bin/floatd): keep them in step.
# CDS validates the jars' paths relative to each other, their sizes and their mtimes, not their directory: the
# jars may move (the .deb), but not be touched or rebuilt (a stale archive is ignored by -Xshare:auto).
# It never fails the build: on any failure it prints a warning, removes ARCHIVE and exits 0.
set -u
JVM_OPTS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:MaxRAM=256m -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=10
  -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 -XX:ServiceThreadCleanupInterval=60000)

java=${1:?usage: train-archive.sh JAVA JAR ARCHIVE [SECONDS]}
jar=${2:?usage: train-archive.sh JAVA JAR ARCHIVE [SECONDS]}
archive=${3:?usage: train-archive.sh JAVA JAR ARCHIVE [SECONDS]}
seconds=${4:-4}
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/floatd-cds-XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

warn() {
  echo "[WARNING] floatd CDS archive not made: $* (floatd works without it, starting slower)" >&2
  if [ -f "$work/train.log" ]; then sed 's/^/[WARNING]   /' "$work/train.log" | tail -20 >&2; fi
  rm -f "$archive"
  exit 0
}

[ -x "$java" ] || warn "no java at $java"
[ -f "$jar" ] || warn "no jar at $jar"
rm -f "$archive"
mkdir -p "$(dirname "$archive")" || warn "cannot create $(dirname "$archive")"

# a port of its own (two builds on one host), in the range Linux does not hand out as ephemeral ports
port=$(( 20000 + (RANDOM * 32768 + RANDOM + $$) % 12000 ))
sed "s/udp port 5112/udp port $port/" "$here/train.conf" >"$work/train.conf"
# without CAP_NET_RAW/CAP_NET_ADMIN (a build as a user) linux-l2 cannot open its sockets, even in a dry run: then the
# instance has no virtual_ipaddress, hence no provider (its classes and the takeover's are then not in the archive)
sed '/virtual_ipaddress {/,/}/d' "$work/train.conf" >"$work/train-no-vip.conf"

train() {   # train CONF: one training run; 0 when it reached MASTER and stopped cleanly
  rm -f "$archive"
  "$java" "${JVM_OPTS[@]}" -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=error -Xlog:cds+dynamic=error \
    -jar "$jar" run --dry-run -f "$1" --status-address 127.0.0.1:0 --control-socket "$work/control.sock" >"$work/train.log" 2>&1 </dev/null &
  pid=$!
  for ((i = 0; i < seconds * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if ! grep -q 'Entering MASTER' "$work/train.log"; then
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
    return 1
  fi
  kill -TERM "$pid" 2>/dev/null
  # the archive is written at exit: a few seconds on a busy machine
  for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && warn "the training run did not exit within 60 s of SIGTERM"
  wait "$pid"; rc=$?
  pid=""
  # 0: floatd's clean stop on SIGTERM (it reached MASTER, so its signal handler was installed)
  [ "$rc" = 0 ] || warn "the training run exited with $rc"
}

if ! train "$work/train.conf"; then
  if grep -q 'cannot start: linux-l2' "$work/train.log"; then
    echo "[INFO] floatd CDS training: linux-l2 cannot open its sockets here (not root?): training without a VIP" >&2
    train "$work/train-no-vip.conf" || warn "the training run did not reach MASTER in ${seconds} s"
  else
    warn "the training run did not reach MASTER in ${seconds} s"
  fi
fi
[ -s "$archive" ] || warn "the training run wrote no archive"
"$java" "${JVM_OPTS[@]}" -XX:SharedArchiveFile="$archive" -Xshare:on -jar "$jar" --version >"$work/check.log" 2>&1 \
  || { cat "$work/check.log" >>"$work/train.log"; warn "the archive does not load (-Xshare:on)"; }
echo "[INFO] floatd CDS archive: $archive ($(( $(stat -c %s "$archive") / 1024 / 1024 )) MiB, trained ${seconds} s)"
