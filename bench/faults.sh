#!/usr/bin/env bash
# Faults benchmark (issue 8): takeover completion time while the cloud test endpoint throttles, answers 5xx or
# times out on half of all calls, AWS (Ec2TestEndpoint, AWS SDK) beside DigitalOcean (DoTestEndpoint, its HTTP
# client) and Hetzner (HetznerTestEndpoint, its HTTP client), and the time a takeover takes when the endpoint is down for 30 s. It runs the providers' FaultsTest
# classes (the real TakeoverOrchestrator and provider over HTTP on 127.0.0.1; no network, no root) and prints
# p50/p90/max per mix from the figures they write. Nothing is installed into ~/.m2.
#   bench/faults.sh [takeovers=20]
# Env: MAX_LOAD_WAIT=seconds to wait for a 1-min load < 1 (default 300); OUT=file for the raw lines.
set -eu
. "$(dirname "$(readlink -f "$0")")/lib.sh"
cd "$ROOT"
use_jdk
takeovers=${1:-20}
whole_numbers "usage: bench/faults.sh [takeovers=20]" "$takeovers"
mkdir -p bench/out
out=${OUT:-$ROOT/bench/out/faults-$(date -u +%Y%m%dT%H%M%SZ).txt}
: > "$out"
# build first, so that the wait below is for the machine, not for the compiler
./mvnw -B -q -pl providers/aws,providers/digitalocean,providers/hetzner -am test-compile -Dfloatd.fuzz.skip=true
wait_for_quiet
echo "start: $(date -u +%FT%TZ) load $(load3) (waited ${WAITED}s for load < 1)"
status=0
./mvnw -B -q -pl providers/aws,providers/digitalocean,providers/hetzner -am verify -Dfloatd.fuzz.skip=true \
  -Dtest=FaultsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfloatd.faults.takeovers="$takeovers" -Dfloatd.faults.mixes=none,throttle,5xx,timeout,mixed -Dfloatd.faults.out="$out" > "$out.log" 2>&1 || status=$?
echo "end:   $(date -u +%FT%TZ) load $(load3) (maven exit $status; log $out.log)"
echo
awk '
  function field(line, key,   n, i, a, kv) {
    n = split(line, a, " ")
    for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (kv[1] == key) return kv[2] }
    return "NA"
  }
  $1 == "FAULTS" {
    cloud = $2; mix = $3
    fig[cloud, mix] = field($0, "p50") "/" field($0, "p90") "/" field($0, "max")
    held[cloud, mix] = field($0, "held_p50") "/" field($0, "held_p90") "/" field($0, "held_max")
    hw[cloud, mix] = field($0, "held_writes")
    n[cloud, mix] = field($0, "n") "+" field($0, "held")
    if (!(mix in seen)) { seen[mix] = 1; order[++m] = mix }
  }
  $1 == "FAULTS-OUTAGE" {
    outage[$2] = field($0, "total_ms") " ms (" field($0, "after_return_ms") " ms after it returned; " \
      field($0, "requests_while_down") " requests while down, breaker opened " field($0, "breaker_opens") "x)"
  }
  END {
    printf "takeover completion, entering MASTER -> acquire confirmed (ms, p50/p90/max), half of all calls failing\n"
    printf "%-10s | %-8s | %-18s | %-18s | %-18s | %-22s | %-22s | %-22s | %s\n", "mix", "n", "aws", "digitalocean", \
      "hetzner", "aws, IP held", "digitalocean, IP held", "hetzner, IP held", "writes when held (aws/do/hz)"
    for (i = 1; i <= m; i++) {
      x = order[i]
      printf "%-10s | %-8s | %-18s | %-18s | %-18s | %-22s | %-22s | %-22s | %s/%s/%s\n", x, n["aws", x], \
        fig["aws", x], fig["digitalocean", x], fig["hetzner", x], held["aws", x], held["digitalocean", x], \
        held["hetzner", x], hw["aws", x], hw["digitalocean", x], hw["hetzner", x]
    }
    printf "\nendpoint down for 30 s from the start of the takeover (deadline 45 s):\n"
    printf "  aws:          %s\n  digitalocean: %s\n  hetzner:      %s\n", outage["aws"], outage["digitalocean"], \
      outage["hetzner"]
  }' "$out"
exit "$status"
