package io.floatd.testing.sim;

import static io.floatd.testing.sim.Scenario.MS;
import static io.floatd.testing.sim.Scenario.S;

import io.floatd.testing.sim.Scenario.Cloud;
import io.floatd.testing.sim.SimOptions.Fault;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Derives a scenario from a seed: the cluster (2 or 3 nodes, priorities 150/100(/50), VRRPv3 with advert_int 1 s or
 * 0.1 s), the cloud shape and whether the provider recognises the peers, a policy with short re-check and warm
 * intervals, then a faulty period of 10 to 90 s in which a random subset of the fault kinds strikes at a random
 * pace (every fault ends by the end of the period; a crashed or stopped cloud node may stay down), then a healthy
 * period of the settle bound plus an observation window.
 */
public final class ScenarioGenerator {
    /** After the settle bound, the run goes on this long (at least) so the settled cluster is watched too. */
    static final long OBSERVE = 10 * S;
    /** The share of scenarios that are calm: partitions alone, spaced by the settle time. */
    static final double CALM_SHARE = 0.2;

    private ScenarioGenerator() {
    }

    public static Scenario generate(long seed, SimOptions o) {
        SplittableRandom r = new SplittableRandom(seed);
        Cloud cloud = pick(r, o.clouds());
        int n = pick(r, o.nodeCounts());
        int advert = r.nextBoolean() ? 100 : 10;
        List<Integer> prios = n == 2 ? List.of(150, 100) : List.of(150, 100, 50);
        boolean recognised = cloud == Cloud.LINUX_L2 || r.nextDouble() >= o.unrecognisedShare();
        boolean release = cloud == Cloud.LINUX_L2 || r.nextDouble() < 0.15;
        long attempt = between(r, 1000, 3000) * MS;
        long initialBackoff = between(r, 50, 200) * MS;
        long maxBackoff = between(r, 500, 2000) * MS;
        TakeoverPolicy policy = TakeoverPolicy.custom()
                .attemptTimeout(Duration.ofNanos(attempt))
                .backoff(Duration.ofNanos(initialBackoff), Duration.ofNanos(maxBackoff))
                .deadline(Duration.ofSeconds(between(r, 5, 30)))
                .recheckInterval(Duration.ofMillis(between(r, 2000, 10000)))
                .warmInterval(r.nextDouble() < 0.1 ? Duration.ZERO : Duration.ofMillis(between(r, 2000, 10000)))
                .build();
        long delay = between(r, 100, 5000) * 1000;
        Scenario.Net net = new Scenario.Net(delay, r.nextBoolean() ? 0 : between(r, 0, 2000) * 1000,
                r.nextBoolean() ? 0 : r.nextDouble() * 0.01, r.nextBoolean() ? 0 : r.nextDouble() * 0.02);
        Scenario.Api api = switch (cloud) {
            case EC2 -> {
                long min = between(r, 10, 60) * MS;
                yield new Scenario.Api(min, min + between(r, 20, 250) * MS, 0, 0, 0);
            }
            case DIGITALOCEAN -> {
                long min = between(r, 30, 100) * MS;
                long action = between(r, 500, 1500) * MS;
                yield new Scenario.Api(min, min + between(r, 50, 300) * MS, action,
                        action + between(r, 0, 2500) * MS, between(r, 100, 500) * MS);
            }
            case LINUX_L2 -> new Scenario.Api(0, 0, 0, 0, 0);
        };
        int initialHolder = cloud == Cloud.LINUX_L2 || r.nextDouble() < 0.4 ? -1 : r.nextInt(n);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            starts.add(between(r, 0, 2000) * MS);
        }
        long faulty = between(r, 10, 90) * S;
        long settle = Invariants.settleBound(new Scenario(seed, cloud, prios, advert, recognised, release, policy, net,
                api, initialHolder, starts, 0, 0, List.of()));

        List<Scenario.At> ev = new ArrayList<>();
        if (o.faults().contains(Fault.PARTITION) && r.nextDouble() < CALM_SHARE) {
            // calm: partitions alone, each on a settled cluster and followed by the settle time, so the per-episode
            // bounds apply to them (a partition on top of other trouble is judged by the per-minute bound only)
            long t = settle + between(r, 0, 5000) * MS;
            int count = (int) between(r, 1, 3);
            for (int i = 0; i < count; i++) {
                long end = emitPartition(r, t, Long.MAX_VALUE, n, ev);
                t = end + settle + between(r, 1000, 5000) * MS;
            }
            faulty = t - settle;
        } else {
            Set<Fault> kinds = EnumSet.noneOf(Fault.class);
            for (Fault f : o.faults()) {
                if (r.nextDouble() < 0.5 && !(f == Fault.API && cloud == Cloud.LINUX_L2)) {
                    kinds.add(f);
                }
            }
            if (kinds.isEmpty()) {
                List<Fault> allowed = o.faults().stream()
                        .filter(f -> !(f == Fault.API && cloud == Cloud.LINUX_L2)).toList();
                if (!allowed.isEmpty()) {
                    kinds.add(allowed.get(r.nextInt(allowed.size())));
                }
            }
            if (!kinds.isEmpty()) {
                List<Fault> list = List.copyOf(kinds);
                long meanGap = between(r, 1000, 8000) * MS;
                long t = 0;
                while (true) {
                    t += (long) (-Math.log(1 - r.nextDouble()) * meanGap);
                    if (t >= faulty) {
                        break;
                    }
                    emit(r, list.get(r.nextInt(list.size())), t, faulty, n, cloud, ev);
                }
            }
        }
        // the end of the faulty period: at least one daemon runs (a no-op when it does)
        ev.add(new Scenario.At(faulty, new Scenario.Start(r.nextInt(n))));

        long end = faulty + settle + Math.max(OBSERVE, 2 * policy.recheckInterval().toNanos());
        if (cloud != Cloud.LINUX_L2) {
            end += Invariants.holderDownExtra(new Scenario(seed, cloud, prios, advert, recognised, release, policy, net,
                    api, initialHolder, starts, 0, 0, List.of())); // a node may stay down holding the IP
        }
        return new Scenario(seed, cloud, prios, advert, recognised, release, policy, net, api, initialHolder, starts,
                faulty, end, ev);
    }

    private static void emit(SplittableRandom r, Fault kind, long t, long faulty, int n, Cloud cloud,
            List<Scenario.At> ev) {
        int a = r.nextInt(n);
        int b = (a + 1 + r.nextInt(n - 1)) % n;
        switch (kind) {
            case PARTITION -> emitPartition(r, t, faulty, n, ev);
            case LOSS -> {
                double share = r.nextDouble() < 0.2 ? 1.0 : 0.05 + r.nextDouble() * 0.9;
                long end = Math.min(faulty, t + duration(r, 1000, 5000, 15000));
                for (int[] l : links(r, n, a, b)) {
                    ev.add(new Scenario.At(t, new Scenario.Loss(l[0], l[1], share)));
                    ev.add(new Scenario.At(end, new Scenario.Loss(l[0], l[1], 0)));
                }
            }
            case DELAY -> {
                long extra = between(r, 20, 1500) * MS;
                long end = Math.min(faulty, t + duration(r, 1000, 5000, 15000));
                for (int[] l : links(r, n, a, b)) {
                    ev.add(new Scenario.At(t, new Scenario.Delay(l[0], l[1], extra)));
                    ev.add(new Scenario.At(end, new Scenario.Delay(l[0], l[1], 0)));
                }
            }
            case API -> {
                long end = Math.min(faulty, t + duration(r, 2000, 8000, 30000));
                ev.add(new Scenario.At(t, new Scenario.ApiMix(apiFaults(r, cloud))));
                ev.add(new Scenario.At(end, new Scenario.ApiMix(ApiFaults.NONE)));
            }
            case CRASH -> {
                ev.add(new Scenario.At(t, new Scenario.Crash(a)));
                restart(r, ev, a, t + duration(r, 500, 5000, 20000), faulty, cloud);
            }
            case STOP -> {
                ev.add(new Scenario.At(t, new Scenario.Stop(a)));
                restart(r, ev, a, t + duration(r, 1000, 5000, 20000), faulty, cloud);
            }
            case HANDOVER -> {
                int who = r.nextDouble() < 0.6 ? 0 : a;
                ev.add(new Scenario.At(t, new Scenario.Handover(who)));
                ev.add(new Scenario.At(Math.min(faulty, t + duration(r, 1000, 5000, 20000)), new Scenario.Resume(who)));
            }
            case PRIORITY -> {
                ev.add(new Scenario.At(t, new Scenario.Priority(a, (int) between(r, 1, 254))));
                if (r.nextDouble() < 0.7) {
                    ev.add(new Scenario.At(Math.min(faulty, t + duration(r, 1000, 8000, 30000)),
                            new Scenario.Priority(a, 0)));
                }
            }
            case FAULT_STATE -> {
                ev.add(new Scenario.At(t, new Scenario.FaultRaised(a)));
                ev.add(new Scenario.At(Math.min(faulty, t + duration(r, 500, 4000, 15000)),
                        new Scenario.FaultCleared(a)));
            }
        }
    }

    /** One partition from {@code t}; returns when its last direction heals. */
    private static long emitPartition(SplittableRandom r, long t, long faulty, int n, List<Scenario.At> ev) {
        int a = r.nextInt(n);
        int b = (a + 1 + r.nextInt(n - 1)) % n;
        long end = t + duration(r, 300, 6000, 30000);
        long last = end;
        switch (r.nextInt(n == 3 ? 4 : 3)) {
            case 0 -> { // both directions at once, each heals on its own
                last = Math.max(last, cut(ev, t, a, b, end + between(r, 0, 3000) * MS, faulty));
                last = Math.max(last, cut(ev, t, b, a, end + between(r, 0, 3000) * MS, faulty));
            }
            case 1 -> last = cut(ev, t, a, b, end, faulty); // one direction only
            case 2 -> { // one direction, then the other; heals in either order
                last = Math.max(last, cut(ev, t, a, b, end + between(r, 0, 3000) * MS, faulty));
                last = Math.max(last, cut(ev, t + between(r, 0, 2000) * MS, b, a, end + between(r, 0, 3000) * MS,
                        faulty));
            }
            default -> { // isolate a from both others
                for (int x = 0; x < n; x++) {
                    if (x != a) {
                        last = Math.max(last, cut(ev, t, a, x, end + between(r, 0, 3000) * MS, faulty));
                        last = Math.max(last, cut(ev, t, x, a, end + between(r, 0, 3000) * MS, faulty));
                    }
                }
            }
        }
        return last;
    }

    private static long cut(List<Scenario.At> ev, long at, int from, int to, long healAt, long faulty) {
        if (at >= faulty) {
            return at;
        }
        long heal = Math.min(faulty, Math.max(healAt, at + MS));
        ev.add(new Scenario.At(at, new Scenario.Cut(from, to)));
        ev.add(new Scenario.At(heal, new Scenario.Heal(from, to)));
        return heal;
    }

    /** A crashed or stopped node comes back; one whose return falls past the faulty period may stay down (clouds). */
    private static void restart(SplittableRandom r, List<Scenario.At> ev, int node, long at, long faulty, Cloud cloud) {
        if (at < faulty) {
            ev.add(new Scenario.At(at, new Scenario.Start(node)));
        } else if (cloud == Cloud.LINUX_L2 || r.nextDouble() < 0.7) {
            // a Linux VIP left by a dead daemon answers ARP on its own: no software can settle that, so it restarts
            ev.add(new Scenario.At(faulty, new Scenario.Start(node)));
        }
    }

    /** One direction, both directions of a pair, or every link. */
    private static List<int[]> links(SplittableRandom r, int n, int a, int b) {
        return switch (r.nextInt(3)) {
            case 0 -> List.of(new int[] {a, b});
            case 1 -> List.of(new int[] {a, b}, new int[] {b, a});
            default -> {
                List<int[]> all = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (i != j) {
                            all.add(new int[] {i, j});
                        }
                    }
                }
                yield all;
            }
        };
    }

    private static ApiFaults apiFaults(SplittableRandom r, Cloud cloud) {
        double rate = 0.1 + r.nextDouble() * 0.8;
        double[] w = new double[6];
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextDouble() < 0.5 ? r.nextDouble() : 0;
            sum += w[i];
        }
        if (sum == 0) {
            w[r.nextInt(w.length)] = 1;
            sum = 1;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = w[i] / sum * rate;
        }
        long lag = cloud == Cloud.EC2 && r.nextBoolean() ? between(r, 100, 3000) * MS : 0;
        double errored = cloud == Cloud.DIGITALOCEAN && r.nextBoolean() ? r.nextDouble() * 0.3 : 0;
        long slow = cloud == Cloud.DIGITALOCEAN && r.nextBoolean() ? between(r, 500, 5000) * MS : 0;
        return new ApiFaults(w[0], w[1], w[2], w[3], w[4], w[5], lag, errored, slow);
    }

    /** An exponential duration with the given mean, clamped to [min, max] (milliseconds in, nanos out). */
    private static long duration(SplittableRandom r, long minMs, long meanMs, long maxMs) {
        long d = (long) (-Math.log(1 - r.nextDouble()) * meanMs);
        return Math.max(minMs, Math.min(maxMs, d)) * MS;
    }

    private static long between(SplittableRandom r, long lo, long hi) {
        return lo + r.nextLong(hi - lo + 1);
    }

    private static <T extends Comparable<T>> T pick(SplittableRandom r, Set<T> from) {
        List<T> l = from.stream().sorted().toList();
        return l.get(r.nextInt(l.size()));
    }

    /** The scenario in a few lines, for a failure's message. */
    public static String describe(Scenario s) {
        TakeoverPolicy p = s.policy();
        String head = String.format("%s, %d nodes %s, advert_int %s s, peers %s, release %s; attempt %s s, backoff "
                        + "%s..%s s, deadline %s s, recheck %s s, warm %s s; net %.1f ms +%.1f ms, dup %.3f, reorder "
                        + "%.3f; api %d..%d ms%s; IP first on %s; faulty until %.3f s, end %.3f s, settle bound %.3f s",
                s.cloud(), s.nodes(), s.priorities(), s.advertCentis() / 100.0,
                s.peersRecognised() ? "recognised" : "unrecognised", s.releaseOnLeave() ? "yes" : "no",
                sec(p.attemptTimeout()), sec(p.initialBackoff()), sec(p.maxBackoff()), sec(p.deadline()),
                sec(p.recheckInterval()), sec(p.warmInterval()), s.net().delayNanos() / 1e6,
                s.net().jitterNanos() / 1e6, s.net().duplicate(), s.net().reorder(),
                s.api().minLatencyNanos() / MS, s.api().maxLatencyNanos() / MS,
                s.cloud() == Cloud.DIGITALOCEAN ? String.format(", actions %d..%d ms, poll %d ms",
                        s.api().minActionNanos() / MS, s.api().maxActionNanos() / MS, s.api().pollNanos() / MS) : "",
                s.initialHolder() < 0 ? "nobody" : "n" + s.initialHolder(), s.faultyUntil() / 1e9, s.endAt() / 1e9,
                Invariants.settleBound(s) / 1e9);
        String starts = s.startAt().stream().map(t -> String.format("%.3f", t / 1e9)).collect(Collectors.joining(", "));
        String events = s.events().stream().map(Scenario.At::toString).collect(Collectors.joining("\n    "));
        return head + "\n  starts at " + starts + "\n  events:\n    " + (events.isEmpty() ? "(none)" : events);
    }

    private static String sec(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
