package io.floatd.testing;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.event.Transition;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import io.floatd.vrrp.takeover.Timeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drives takeovers through a real {@link TakeoverOrchestrator} and a real provider against a cloud's test endpoint,
 * as the daemon's state machine would (BACKUP to MASTER, then back), and measures each one from entering MASTER to
 * its last timeline mark. Shared by the AWS and DigitalOcean fault tests and {@code bench/faults.sh}; each cloud
 * says through {@link Cloud} how to place the IP and what its endpoint received.
 */
public final class TakeoverDriver implements AutoCloseable {
    /** What the driver needs of one cloud's test endpoint. */
    public interface Cloud {
        /** Waits (bounded) until no request is in the endpoint's hands and no asynchronous change is pending. */
        void settle() throws InterruptedException;

        /** Puts the IP on the peer, as the peer's own takeover would have (not through the API, not logged). */
        void giveToPeer();

        /** Puts the IP on this node, as an earlier takeover would have. */
        void giveToSelf();

        /** Whether the endpoint has the IP on this node now. */
        boolean heldBySelf();

        /** Requests received so far. */
        int requests();

        /** Write requests (association or assignment, whatever their answer) received so far. */
        int writes();
    }

    /**
     * One takeover: {@code millis} from entering MASTER to the timeline's last mark; {@code requests} and
     * {@code writes} that reached the endpoint meanwhile.
     */
    public record Outcome(boolean alreadyHeld, boolean completed, double millis, int requests, int writes,
            String timeline) {
    }

    private final String instance;
    private final TakeoverPolicy policy;
    private final Cloud cloud;
    private final TakeoverOrchestrator orchestrator;

    /** The orchestrator gets {@code provider} and {@code policy} (give it {@code warmInterval(0)} for exact counts). */
    public TakeoverDriver(String instance, FloatingIpProvider provider, TakeoverPolicy policy, Cloud cloud) {
        this.instance = instance;
        this.policy = policy;
        this.cloud = cloud;
        this.orchestrator = new TakeoverOrchestrator(instance, provider, NanoClock.SYSTEM, false, policy, e -> { });
    }

    public TakeoverOrchestrator orchestrator() {
        return orchestrator;
    }

    /** One takeover from BACKUP, with the IP on the peer or, when {@code alreadyHeld}, on this node already. */
    public Outcome takeover(boolean alreadyHeld) throws InterruptedException {
        cloud.settle();
        if (alreadyHeld) {
            cloud.giveToSelf();
        } else {
            cloud.giveToPeer();
        }
        return enterMaster(alreadyHeld, Duration.ZERO);
    }

    /**
     * Enters MASTER and waits (at most the deadline plus {@code extra} plus 10 s) for the takeover to end, then goes
     * back to BACKUP (no release: a cloud IP stays where it is).
     */
    public Outcome enterMaster(boolean alreadyHeld, Duration extra) throws InterruptedException {
        int requests = cloud.requests();
        int writes = cloud.writes();
        Timeline before = orchestrator.lastTakeover();
        long t0 = System.nanoTime();
        orchestrator.onTransition(new Transition(instance, VrrpState.BACKUP, VrrpState.MASTER, "test", 100, t0));
        long end = t0 + policy.deadline().plus(extra).toNanos() + TimeUnit.SECONDS.toNanos(10);
        while (orchestrator.lastTakeover() == before && System.nanoTime() - end < 0) {
            Thread.sleep(2);
        }
        Timeline tl = orchestrator.lastTakeover();
        orchestrator.onTransition(new Transition(instance, VrrpState.MASTER, VrrpState.BACKUP, "test", 100,
                System.nanoTime()));
        if (tl == before) {
            return new Outcome(alreadyHeld, false, Double.NaN, cloud.requests() - requests, cloud.writes() - writes,
                    "no takeover ended within " + policy.deadline().plus(extra).plusSeconds(10));
        }
        List<Timeline.Mark> marks = tl.marks();
        String last = marks.getLast().what();
        boolean completed = last.equals("acquire confirmed") || last.equals("already held, no write");
        return new Outcome(alreadyHeld, completed && cloud.heldBySelf(), marks.getLast().sinceMasterNanos() / 1e6,
                cloud.requests() - requests, cloud.writes() - writes, tl.toString());
    }

    /** p50, p90 and max of the outcomes' times, in ms (nearest rank). */
    public static double[] percentiles(List<Outcome> outcomes) {
        double[] ms = outcomes.stream().mapToDouble(Outcome::millis).sorted().toArray();
        if (ms.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {rank(ms, 0.5), rank(ms, 0.9), ms[ms.length - 1]};
    }

    private static double rank(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
    }

    /** {@code 368/2898/12466} (p50/p90/max, whole ms). */
    public static String figures(List<Outcome> outcomes) {
        return String.join("/", Arrays.stream(percentiles(outcomes)).mapToObj(v -> String.valueOf(Math.round(v))).toList());
    }

    @Override
    public void close() {
        orchestrator.close();
    }

    /** The lines one JUL logger (and its children) writes while open, formatted; e.g. {@code floatd.takeover}. */
    public static final class LogLines implements AutoCloseable {
        private final Logger logger;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String m = r.getParameters() == null ? r.getMessage()
                        : java.text.MessageFormat.format(r.getMessage(), r.getParameters());
                lines.add(System.nanoTime() + " " + m);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        public LogLines(String loggerName) {
            this.logger = Logger.getLogger(loggerName);
            logger.addHandler(handler);
        }

        /** Each line as {@code "NANOTIME message"}. */
        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /** The messages containing {@code text}, without their time stamps. */
        public List<String> containing(String text) {
            return lines().stream().filter(l -> l.contains(text)).map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        }

        @Override
        public void close() {
            logger.removeHandler(handler);
        }
    }
}
