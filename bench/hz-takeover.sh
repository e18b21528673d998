#!/usr/bin/env bash
# usage: bench/hz-takeover.sh [REPS [LOCKED]]
#
# Hetzner Cloud floating-IP takeover benchmark (root; network namespaces; nothing leaves them). Runs
# HetznerTakeoverBenchTest (cli tests): two nodes and "the cloud" (HetznerTestEndpoint, the Hetzner Cloud API v1 + the
# metadata service over plain HTTP on 10.199.0.12; an assign action succeeds 500 ms after its POST), VRRPv3
# advert_int 0.1, unicast, node0 priority 150 / node1 priority 100. kill -9 of the Master (node0) -> node1's assign
# request and -> the action's success, and node1's entering MASTER -> its assign request, REPS (default 10) kills
# each for floatd --provider hetzner and for keepalived + the usual Hetzner recipe (the floating IP as keepalived's
# virtual_ipaddress, a notify_master script curling the assign, up to 10 tries with sleep 3); then LOCKED (default 3)
# kills each with the first assign answered 423 locked. Waits (bounded, MAX_LOAD_WAIT seconds, default 300) for load
# < 1 first. Output: samples and tables on stdout, full Maven output in bench/out/hz-takeover-<timestamp>.log.
set -euo pipefail

REPS=${1:-10}
LOCKED=${2:-3}
. "$(dirname "$(readlink -f "$0")")/lib.sh"
whole_numbers "usage: bench/hz-takeover.sh [REPS [LOCKED]]" "$REPS" "$LOCKED"
logged_bench keepalived curl

logged_run hz-bench env FLOATD_HZ_BENCH=1 FLOATD_HZ_BENCH_REPS="$REPS" FLOATD_HZ_BENCH_LOCKED="$LOCKED" \
  ./mvnw -B -q -pl cli -am verify -Dtest='HetznerTakeoverBenchTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfloatd.fuzz.skip=true -Dfloatd.cds.skip=true
