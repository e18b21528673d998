#!/usr/bin/env bash
# Cluster simulation campaign (STYLE.md item 13): runs ClusterSimulationTest, the real VRRP and takeover machines of 2
# and 3 nodes on simulated time against simulated EC2, DigitalOcean and Linux-VIP clouds with generated faults, every
# invariant checked after every step, for N seeds from S, on every core (a parallel stream over seeds), and prints
# the figures. No network, no root. A failure prints its seed; replay it with
#   java -cp core-vrrp/target/classes:core-vrrp/target/test-classes io.floatd.testing.sim.Campaign replay SEED [lines]
# Nothing is installed into ~/.m2.
#   bench/simulate.sh [scenarios=1000000] [first seed=1]
# Env: OUT=file for the raw output.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"
cd "$ROOT"
use_jdk
scenarios=${1:-1000000}
seed=${2:-1}
case "$scenarios$seed" in *[!0-9]*) echo "usage: bench/simulate.sh [scenarios=1000000] [first seed=1]" >&2; exit 2 ;; esac
mkdir -p bench/out
out=${OUT:-$ROOT/bench/out/simulate-$(date -u +%Y%m%dT%H%M%SZ).txt}
echo "start: $(date -u +%FT%TZ) load $(load3); $scenarios scenarios from seed $seed; $(nproc) cores"
status=0
./mvnw -B -q -o verify -pl core-vrrp -Dfloatd.fuzz.skip=true -Dtest=ClusterSimulationTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dsim.scenarios="$scenarios" -Dsim.seed="$seed" > "$out" 2>&1 || status=$?
echo "end:   $(date -u +%FT%TZ) load $(load3) (maven exit $status; output $out)"
echo
# the figures: one line of totals, the most seen of each bounded figure, what the scenarios covered, failing seeds
grep -E '^(SIM|MAX|COVERAGE|FAIL) ' "$out" | sed 's/^SIM /totals: /; s/^MAX /max: /; s/^COVERAGE /covered: /' || true
if [ "$status" -ne 0 ]; then
  echo
  grep -m1 -A3 '^seed=' "$out" || tail -20 "$out"
fi
exit "$status"
