package io.floatd.vrrp.takeover;

import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.event.Transition;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A takeover run once per JVM on an in-memory provider, so the first real one finds its code compiled. */
public final class TakeoverRehearsal {
    private TakeoverRehearsal() {
    }


    private static final AtomicBoolean REHEARSED = new AtomicBoolean();
    private static final Duration REHEARSAL_DELAY = Duration.ofSeconds(1);

    /**
     * Runs the takeover path once, in the background and once per JVM, on an orchestrator of its own over a provider
     * that answers from memory: enter MASTER (holder read, acquire), then BACKUP. The code a first takeover runs for
     * the first time (the call sites' lambdas, spun on first use, and the classes behind them: 15 ms on a 2-CPU VM
     * before the first real AssociateAddress left) is then ready when an election is won. Silent, counted nowhere,
     * bounded to a few seconds.
     */
    public static void rehearseOnce(NanoClock clock) {
        if (!REHEARSED.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().name("takeover-rehearsal").daemon(true).start(() -> {
            try {
                Thread.sleep(REHEARSAL_DELAY); // after start-up's own work: the first advert is not delayed
                rehearse(clock);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** One rehearsal; true when its takeover settled (tests). */
    static boolean rehearse(NanoClock clock) {
        FloatingIpProvider stand = new FloatingIpProvider() {
            private volatile Holder holder = Holder.peer("rehearsal-peer");

            @Override
            public Holder holder() {
                return holder;
            }

            @Override
            public void acquire() {
                holder = Holder.self("rehearsal");
            }

            @Override
            public void release() {
                holder = Holder.nobody();
            }
        };
        TakeoverOrchestrator o = new TakeoverOrchestrator("rehearsal", stand, clock, false,
                TakeoverPolicy.defaults(), e -> { }, null);
        o.quiet();
        try {
            o.onTransition(new Transition("rehearsal", VrrpState.BACKUP, VrrpState.MASTER, "rehearsal", 100,
                    clock.nanoTime()));
            o.takeoverSettled().toCompletableFuture().get(5, TimeUnit.SECONDS);
            o.onTransition(new Transition("rehearsal", VrrpState.MASTER, VrrpState.BACKUP, "rehearsal", 100,
                    clock.nanoTime()));
            return true;
        } catch (Exception e) {
            return false; // an optimisation only
        } finally {
            o.close();
        }
    }
}
