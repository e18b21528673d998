#!/usr/bin/env bash
# AWS takeover benchmark: floatd vs keepalived + a notify_master script calling the aws CLI, both against the
# test EC2 endpoint (Ec2TestEndpoint) inside a network namespace. Root (namespaces); nothing leaves the machine.
#   bench/aws-takeover.sh [--shape ipv6|two-eips|route-table] [failovers=20] [reps=5] [aws=/usr/bin/aws]
#   --shape ipv6: an IPv6 address moved between ENIs (mode secondary_ip) beside a single EIP and keepalived + aws CLI
#   --shape two-eips: two floating_ip blocks (two Elastic IPs) beside one, and keepalived + aws CLI once and twice
#   --shape route-table: an overlay IP's route in two route tables (mode route_table) beside a single EIP and
#                        keepalived + aws ec2 replace-route twice
# Env: SKIP_BUILD=1 to reuse the built modules; MAX_LOAD_WAIT=seconds to wait for a 1-min load < 1 (default 300).
set -eu
main=io.floatd.it.AwsTakeoverBench
if [ "${1:-}" = --shape ]; then
  case "${2:-}" in
    ipv6) main=io.floatd.it.AwsIpv6TakeoverBench ;;
    two-eips) main=io.floatd.it.AwsTwoEipsTakeoverBench ;;
    route-table) main=io.floatd.it.AwsRouteTableBench ;;
    *) echo "unknown --shape ${2:-}" >&2; exit 2 ;;
  esac
  shift 2
fi
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-$("$root/bin/java-home")}
for tool in keepalived iptables; do
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
done
# Debian's aws CLI (v2.9); the pip one on PATH, if any, is not what a Debian host runs
[ -x /usr/bin/aws ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl cli -am test-compile
fi
cp_file=$root/cli/target/bench.classpath
./mvnw -B -q -pl cli dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
# ~/.m2 is shared by every worktree on this machine: another branch's `install` can replace the floatd SNAPSHOT
# jars at any time, so floatd's own modules come from this tree's target/ directories, not from ~/.m2
cp="cli/target/test-classes:cli/target/classes"
for entry in $(tr ':' ' ' < "$cp_file"); do
  case "$entry" in
    */io/floatd/floatd-*-SNAPSHOT*.jar)
      art=$(basename "$(dirname "$(dirname "$entry")")")          # floatd-core-vrrp, floatd-provider-aws, ...
      case "$art" in floatd-core-vrrp) mod=core-vrrp ;; floatd-provider-*) mod=providers/${art#floatd-provider-} ;; *) mod= ;; esac
      if [ -n "$mod" ] && [ -d "$root/$mod/target/classes" ]; then
        case "$entry" in *-tests.jar) entry=$root/$mod/target/test-classes ;; *) entry=$root/$mod/target/classes ;; esac
      fi ;;
  esac
  cp="$cp:$entry"
done
# bounded wait for a quiet machine (2 shared cores): the figures are printed with the load they were taken at
waited=0
while awk '{exit !($1 >= 1.0)}' /proc/loadavg && [ "$waited" -lt "${MAX_LOAD_WAIT:-300}" ]; do
  sleep 15; waited=$((waited + 15))
done
echo "start: $(uptime) (waited ${waited}s for load < 1)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dsun.net.httpserver.nodelay=true -cp "$cp" \
  "$main" "$@"
echo "end:   $(uptime)"
