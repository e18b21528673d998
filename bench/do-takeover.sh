#!/usr/bin/env bash
# usage: bench/do-takeover.sh [--ipv6] [FAILOVERS [REPS]]
#
# DigitalOcean reserved-IP takeover benchmark (root; network namespaces; nothing leaves them). Runs
# DigitalOceanFailoverTest#benchmark (cli tests): two nodes and "the cloud" (DoTestEndpoint, the DigitalOcean
# API v2 + the per-droplet metadata service over plain HTTP on 10.199.0.12, an assign action completes 1000 ms
# after it started), VRRPv3 advert_int 0.1, unicast, node0 priority 150 / node1 priority 100.
#   (i)  floatd --provider digitalocean: entering MASTER (its log line, ms precision, truncated) -> the assign
#        POST arriving at the endpoint, over FAILOVERS (default 20) takeovers: kill -9 of node0 (node1 takes over)
#        and node0's restart (it preempts), alternately; p50 / p99 (nearest rank).
#  (ii)  kill -9 of the Master -> assign request and -> assign action completed (the endpoint's log), floatd vs
#        keepalived + the DigitalOcean tutorial's notify_master master.sh (curl metadata id, curl metadata
#        reserved_ip/ipv4/active, POST the assign up to 10 times with sleep 3), REPS (default 10) kills each.
# --ipv6 (issue 16): then (i) and keepalived's kills again moving a reserved IPv6 (2001:db8:f0:1017::50, through
#        /v2/reserved_ipv6; keepalived's master.sh reads it through the API, as the metadata service has no IPv6
#        counterpart of reserved_ip/ipv4/active), and a table: entering MASTER -> assign request, p50 / p99, for
#        the reserved IPv4 and the reserved IPv6, floatd and keepalived, all from this one run.
# Waits (bounded, MAX_LOAD_WAIT seconds, default 300) for `uptime` load < 1 first and prints the load. Output: samples and tables on stdout,
# full Maven output in bench/out/do-takeover-<timestamp>.log (git-ignored).
set -euo pipefail

IPV6=0
if [ "${1:-}" = --ipv6 ]; then
  IPV6=1
  shift
fi
FAILOVERS=${1:-20}
REPS=${2:-10}
. "$(dirname "$(readlink -f "$0")")/lib.sh"
whole_numbers "usage: bench/do-takeover.sh [--ipv6] [FAILOVERS [REPS]]" "$FAILOVERS" "$REPS"
logged_bench keepalived curl

./mvnw -B -q -pl cli -am install -DskipTests
logged_run do-bench env FLOATD_DO_BENCH=1 FLOATD_DO_BENCH_FAILOVERS="$FAILOVERS" FLOATD_DO_BENCH_REPS="$REPS" \
  FLOATD_DO_BENCH_IPV6="$IPV6" ./mvnw -B -q -pl cli -am test -Dtest='DigitalOceanFailoverTest#benchmark' \
  -Dsurefire.failIfNoSpecifiedTests=false
