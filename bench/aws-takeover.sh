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
. "$(dirname "$(readlink -f "$0")")/lib.sh"
cd "$ROOT"
use_jdk
# Debian's aws CLI (v2.9); the pip one on PATH, if any, is not what a Debian host runs
install_missing keepalived iptables /usr/bin/aws=awscli
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl cli -am test-compile
fi
cp=$(cli_test_classpath)
wait_for_quiet
echo "start: $(uptime) (waited ${WAITED}s for load < 1)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dsun.net.httpserver.nodelay=true -cp "$cp" \
  "$main" "$@"
echo "end:   $(uptime)"
