package io.floatd.vrrp.takeover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.fsm.VrrpEvent;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.event.Transition;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator against a scripted provider (the provider is the collaborator here; providers themselves
 * are tested against endpoints that speak their APIs).
 */
class TakeoverOrchestratorTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<VrrpEvent> events = new ConcurrentLinkedQueue<>();
    private TakeoverOrchestrator orchestrator;

    @AfterEach
    void close() {
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    /** A provider whose behaviour each test scripts. */
    private class Scripted implements FloatingIpProvider {
        volatile Holder holder = Holder.nobody();
        volatile int failAcquires;
        volatile boolean retryable = true;
        volatile long acquireMillis;

        @Override
        public Holder holder() throws ProviderException {
            log.add("holder");
            return holder;
        }

        @Override
        public void acquire() throws ProviderException {
            log.add("acquire");
            sleep(acquireMillis);
            if (failAcquires > 0) {
                failAcquires--;
                throw new ProviderException(retryable ? "test: RequestLimitExceeded" : "test: UnauthorizedOperation", retryable);
            }
            holder = Holder.self("me");
        }

        /** What each acquire attempt was told about the holder ("none" when it was not told). */
        final List<String> hints = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void acquire(Holder seen) throws ProviderException {
            hints.add(seen == null ? "none" : seen.kind().name());
            acquire();
        }

        @Override
        public void release() {
            log.add("release");
            holder = Holder.nobody();
        }

        @Override
        public boolean releasesByDefault() {
            return true;
        }
    }

    private TakeoverOrchestrator start(Scripted p, TakeoverPolicy policy) {
        orchestrator = new TakeoverOrchestrator("VI_1", p, NanoClock.SYSTEM, false, policy, events::add);
        return orchestrator;
    }

    private static TakeoverPolicy.Builder fast() {
        return TakeoverPolicy.custom().backoff(Duration.ofMillis(10), Duration.ofMillis(40))
                .attemptTimeout(Duration.ofMillis(500)).deadline(Duration.ofSeconds(5))
                .recheckInterval(Duration.ofSeconds(60));
    }

    private static Transition to(VrrpState from, VrrpState to) {
        return new Transition("VI_1", from, to, "test", 100, System.nanoTime());
    }

    private long count(String op) {
        synchronized (log) {
            return log.stream().filter(op::equals).count();
        }
    }

    @Test
    void ipAlreadyHeldMakesNoWriteCall() {
        Scripted p = new Scripted();
        p.holder = Holder.self("me");
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        assertEquals(0, count("acquire"));
        assertEquals(1, o.stats().skippedWrites());
        assertTrue(o.lastTakeover().toString().contains("already held, no write"), o.lastTakeover().toString());
    }

    @Test
    void aRehearsalRunsTheTakeoverPathOnItsOwnStandInAndSettlesSilently() {
        Logger logger = Logger.getLogger("floatd.takeover");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        try {
            // the control: a real takeover's line reaches this handler
            TakeoverOrchestrator o = start(new Scripted(), fast().build());
            o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
            await(() -> lines.stream().anyMatch(l -> l.contains("takeover: entered MASTER")));
            lines.clear();
            assertTrue(TakeoverRehearsal.rehearse(NanoClock.SYSTEM), "the rehearsal's takeover settled");
        } finally {
            logger.removeHandler(h);
        }
        assertEquals(List.of(), lines, "a rehearsal is silent: no takeover line a user would take for a real one");
    }

    /** What notify_master waits for (keepalived runs it after adding the addresses): the write's answer. */
    @Test
    void theTakeoverSettlesWhenTheWriteIsAnsweredAndASupersedingTransitionSettlesItAtOnce() throws Exception {
        Scripted p = new Scripted();
        p.acquireMillis = 300;
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        java.util.concurrent.CompletableFuture<Void> first = o.takeoverSettled().toCompletableFuture();
        await(() -> count("acquire") == 1);
        assertTrue(!first.isDone(), "settled while the write was still in flight");
        first.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(p.holder.isSelf(), "settled only after the write");

        o.onTransition(to(VrrpState.MASTER, VrrpState.BACKUP));
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        java.util.concurrent.CompletableFuture<Void> second = o.takeoverSettled().toCompletableFuture();
        o.onTransition(to(VrrpState.MASTER, VrrpState.FAULT));
        assertTrue(second.isDone(), "a newer transition releases whatever waited for the older takeover");
    }

    @Test
    void retryableFailuresAreRetriedWithBackoffUntilTheTakeoverCompletes() {
        Scripted p = new Scripted();
        p.failAcquires = 3;
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        assertEquals(4, count("acquire"));
        assertEquals(3, o.stats().retries());
        assertEquals(0, o.stats().failures());
        assertTrue(p.holder.isSelf());
        List<String> marks = o.lastTakeover().marks().stream().map(Timeline.Mark::what).toList();
        // the timeline names every attempt: a failed write's retry reads first
        assertEquals(List.of("entered MASTER", "holder read", "acquire sent", "holder read", "acquire sent",
                "holder read", "acquire sent", "holder read", "acquire sent", "acquire confirmed"), marks);
    }

    /**
     * Issue 4: the holder read is not repeated by the write, but a retry (effect unknown) reads again, as an attempt
     * of its own, and hands what it read to the write.
     */
    @Test
    void theFirstAttemptReusesTheHolderReadAndEveryRetryReadsAgain() {
        Scripted p = new Scripted();
        p.holder = Holder.peer("i-peer");
        p.failAcquires = 2;
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        assertEquals(List.of("PEER", "PEER", "PEER"), p.hints);
        assertEquals(List.of("holder", "acquire", "holder", "acquire", "holder", "acquire"), List.copyOf(log));
        assertEquals(6, o.stats().calls(), "each read and each write is an attempt of its own");
        assertTrue(p.holder.isSelf());
    }

    /** A write that failed but was carried out (the answer was lost): the retry's read finds the IP ours, no write. */
    @Test
    void aWriteThatLandedDespiteItsErrorIsNotSentAgain() {
        Scripted p = new Scripted() {
            @Override
            public void acquire() throws ProviderException {
                log.add("acquire");
                holder = Holder.self("me");
                throw new ProviderException("test: timed out after the request went out", true);
            }
        };
        p.holder = Holder.peer("i-peer");
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        assertEquals(List.of("holder", "acquire", "holder"), List.copyOf(log));
        assertTrue(o.lastTakeover().toString().contains("acquire confirmed"), o.lastTakeover().toString());
    }

    @Test
    void fatalFailureIsReportedOnceAndNotRetried() {
        Scripted p = new Scripted();
        p.failAcquires = 100;
        p.retryable = false;
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        assertEquals(1, count("acquire"));
        assertEquals(1, o.stats().failures());
        assertEquals("test: UnauthorizedOperation", o.lastError());
    }

    @Test
    void aHungCallIsCutAtTheAttemptTimeoutAndRetried() {
        Scripted p = new Scripted();
        p.acquireMillis = 2000;
        TakeoverOrchestrator o = start(p, fast().attemptTimeout(Duration.ofMillis(150)).build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        // the retry reads first (the cut write's effect is unknown): here the write had landed, so nothing more
        await(() -> count("holder") >= 2);
        p.acquireMillis = 0;
        await(() -> o.lastTakeover() != null);
        assertTrue(o.stats().retries() >= 1);
        assertTrue(p.holder.isSelf());
        assertTrue(o.lastTakeover().toString().contains("acquire confirmed"), o.lastTakeover().toString());
    }

    @Test
    void theDeadlineEndsRetriesWithOneFailure() {
        Scripted p = new Scripted();
        p.failAcquires = Integer.MAX_VALUE;
        long start = System.nanoTime();
        TakeoverOrchestrator o = start(p, fast().deadline(Duration.ofMillis(400)).build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < 3000, "took " + took + " ms for a 400 ms deadline");
        assertEquals(1, o.stats().failures());
        assertTrue(count("acquire") >= 3, "retried: " + count("acquire"));
    }

    @Test
    void anAcquireNeverLandsAfterTheReleaseThatFollowedIt() {
        Scripted p = new Scripted();
        p.failAcquires = Integer.MAX_VALUE;
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> count("acquire") >= 2);
        o.onTransition(to(VrrpState.MASTER, VrrpState.BACKUP));
        await(() -> count("release") == 1);
        int releasedAt;
        synchronized (log) {
            releasedAt = log.indexOf("release");
        }
        sleep(300);
        synchronized (log) {
            assertFalse(log.subList(releasedAt, log.size()).contains("acquire"), log.toString());
        }
        assertTrue(o.lastTakeover().toString().contains("superseded"), o.lastTakeover().toString());
    }

    /**
     * Issue 13 (simulation seeds 163, 46, 8): a write in flight is not cut short when the node's next task writes too
     * (here the release of a Linux VIP): a cut request may still be carried out by the API, after the release. The
     * release waits for the acquire's answer, so the IP ends released and nothing lands after it.
     */
    @Test
    void aFormerMastersReleaseWaitsForItsAcquireSoNothingLandsAfterIt() {
        Scripted p = new Scripted() {
            @Override
            public void acquire() throws ProviderException {
                log.add("acquire-read");
                sleep(400);
                log.add("acquire-write");
                holder = Holder.self("me");
            }
        };
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> count("acquire-read") == 1);
        o.onTransition(to(VrrpState.MASTER, VrrpState.BACKUP));
        // the scripted release logs before it clears the holder: wait for both
        await(() -> count("release") == 1 && p.holder.kind() == Holder.Kind.NOBODY);
        assertEquals(List.of("holder", "acquire-read", "acquire-write", "release"), List.copyOf(log));
        await(() -> o.lastTakeover() != null);
        assertTrue(o.lastTakeover().toString().contains("superseded"), o.lastTakeover().toString());
        assertEquals(0, o.stats().failures(), "a superseded takeover is not a failure");
    }

    @Test
    void aMasterWhoseIpMovedToAPeerYields() {
        Scripted p = new Scripted();
        TakeoverOrchestrator o = start(p, fast().recheckInterval(Duration.ofMillis(100)).build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> p.holder.isSelf());
        p.holder = Holder.peer("i-0peer");
        await(() -> !events.isEmpty());
        assertEquals(new VrrpEvent.HolderMovedToPeer("i-0peer"), events.poll());
        assertEquals(1, o.stats().yields());
        long acquiresBefore = count("acquire");
        // the state machine answers with MASTER -> BACKUP; the yielded node does not touch the peer's IP
        o.onTransition(to(VrrpState.MASTER, VrrpState.BACKUP));
        sleep(350);
        assertEquals(0, count("release"));
        assertEquals(acquiresBefore, count("acquire"));
        // the peer lets go: the yielded node is told the IP is free
        p.holder = Holder.nobody();
        await(() -> events.peek() instanceof VrrpEvent.HolderFree);
    }

    /**
     * Issue 13's heal in the other order: this Master, holding the IP, hears the higher Master first and steps down;
     * that Master may never hear it, so this node moves the IP to it through the provider's hand-over.
     */
    @Test
    void aMasterThatStepsDownToAHigherMasterHandsItTheIp() throws Exception {
        java.net.InetAddress higher = java.net.InetAddress.getByName("10.0.0.3");
        List<java.net.InetAddress> handedTo = Collections.synchronizedList(new ArrayList<>());
        Scripted p = new Scripted() {
            @Override
            public boolean handsOver() {
                return true;
            }

            @Override
            public void handOver(java.net.InetAddress peer) {
                log.add("handOver");
                handedTo.add(peer);
                holder = Holder.peer("i-higher");
            }

            @Override
            public boolean releasesByDefault() {
                return false; // a cloud IP
            }
        };
        TakeoverOrchestrator o = start(p, fast().handOverGrace(Duration.ofMillis(20)).build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> p.holder.isSelf() && o.lastTakeover() != null);
        o.onTransition(new Transition("VI_1", VrrpState.MASTER, VrrpState.BACKUP, "higher priority advert", 100,
                System.nanoTime(), higher));
        await(() -> !handedTo.isEmpty());
        assertEquals(List.of(higher), handedTo);
        assertEquals(List.of("holder", "acquire", "holder", "handOver"), List.copyOf(log), "read, then hand over");
        await(() -> o.stats().handovers() == 1);
    }

    /**
     * Issue 4's split-brain rule, the heal: the other Master took the IP during the partition; this Master, which
     * held it, hears the other and outranks it. It reads the holder at once and takes the IP back, rather than
     * leaving it on the new Backup until its next re-check (60 s here) and then yielding to it.
     */
    @Test
    void aMasterThatHearsTheOtherMasterAfterASplitTakesBackTheIpAtOnceInsteadOfYielding() throws Exception {
        Scripted p = new Scripted();
        TakeoverOrchestrator o = start(p, fast().build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> p.holder.isSelf() && o.lastTakeover() != null);
        p.holder = Holder.peer("i-0peer"); // the peer, Master on its side of the partition, took it
        long reads = count("holder");
        o.onOtherMasterHeard("VI_1", java.net.InetAddress.getByName("10.0.0.3"), 100);
        await(() -> p.holder.isSelf());
        assertEquals(reads + 1, count("holder"), "one holder read, at once, not at the next re-check");
        assertEquals(1, o.stats().reacquires());
        assertEquals(0, o.stats().yields(), "no yield: this Master heard its peer and outranks it");
        assertTrue(events.isEmpty(), events.toString());

        // the other keeps advertising (it does not hear our answer): at most one read per re-check interval
        for (int i = 0; i < 20; i++) {
            o.onOtherMasterHeard("VI_1", java.net.InetAddress.getByName("10.0.0.3"), 100);
        }
        sleep(200);
        assertEquals(reads + 1, count("holder"), log.toString());
    }

    @Test
    void aMasterTakesBackAnIpFoundOnNobody() {
        Scripted p = new Scripted();
        TakeoverOrchestrator o = start(p, fast().recheckInterval(Duration.ofMillis(100)).build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> p.holder.isSelf());
        p.holder = Holder.other("i-0stranger");
        await(() -> o.stats().reacquires() >= 1 && p.holder.isSelf());
        assertTrue(events.isEmpty(), "a stranger is not a peer: no yield");
    }

    /**
     * A Backup reads the holder every warm_interval so its connection and code are warm for the next election; it
     * never writes, and a free IP is no event for it (only a node that yielded reclaims a free IP).
     */
    @Test
    void aBackupReadsTheHolderEveryWarmIntervalAndNothingElse() {
        Scripted p = new Scripted();
        p.holder = Holder.nobody();
        TakeoverOrchestrator o = start(p, fast().warmInterval(Duration.ofMillis(50)).build());
        o.onTransition(to(VrrpState.INIT, VrrpState.BACKUP));
        await(() -> count("holder") >= 3);
        p.holder = Holder.peer("i-0peer");
        await(() -> Holder.peer("i-0peer").equals(o.lastHolder()));
        o.onTransition(to(VrrpState.BACKUP, VrrpState.FAULT));
        long before = count("holder");
        await(() -> count("holder") >= before + 2);
        assertEquals(0, count("acquire") + count("release"));
        assertTrue(events.isEmpty(), "reads of a Backup raise no events: " + events);
    }

    @Test
    void warmIntervalZeroOrALocalProviderMeansNoReadsWhileBackup() {
        Scripted p = new Scripted();
        TakeoverOrchestrator o = start(p, fast().warmInterval(Duration.ZERO).build());
        o.onTransition(to(VrrpState.INIT, VrrpState.BACKUP));
        sleep(200);
        assertEquals(0, count("holder"));
        o.close();

        Scripted local = new Scripted() {
            @Override
            public boolean acquireChecksHolder() {
                return true;
            }
        };
        TakeoverOrchestrator l = start(local, fast().warmInterval(Duration.ofMillis(20)).build());
        l.onTransition(to(VrrpState.INIT, VrrpState.BACKUP));
        sleep(200);
        assertEquals(0, count("holder"), "nothing goes cold in a local provider");
    }

    @Test
    void aMasterStopsTheWarmReadsAndRechecksInstead() {
        Scripted p = new Scripted();
        TakeoverOrchestrator o = start(p, fast().warmInterval(Duration.ofMillis(30))
                .recheckInterval(Duration.ofSeconds(60)).build());
        o.onTransition(to(VrrpState.INIT, VrrpState.BACKUP));
        await(() -> count("holder") >= 2);
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        long after = count("holder");
        sleep(200);
        assertEquals(after, count("holder"), "as Master only the 60 s re-check reads");
    }

    @Test
    void theCircuitBreakerOpensOnABrokenApiAndStopsHammeringIt() {
        Scripted p = new Scripted();
        p.failAcquires = Integer.MAX_VALUE;
        TakeoverOrchestrator o = start(p, fast().deadline(Duration.ofMillis(1500))
                .circuitBreaker(4, 50, Duration.ofSeconds(30)).build());
        o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
        await(() -> o.lastTakeover() != null);
        assertEquals(CircuitBreaker.State.OPEN, o.breakerState());
        assertTrue(count("acquire") <= 4, "calls after the breaker opened must not reach the API: " + count("acquire"));
        assertTrue(o.lastError().contains("circuit breaker is open"), o.lastError());
    }

    /**
     * Issue 8: an API that fails every second call must still be called. With the old default (open at 50 % of the
     * last 10) this alternation opened the breaker and refused the calls a takeover needed.
     */
    @Test
    void theDefaultBreakerStaysClosedWhileHalfOfAllCallsFail() {
        java.util.Random coin = new java.util.Random(42);
        Scripted p = new Scripted() {
            @Override
            public Holder holder() throws ProviderException {
                log.add("holder");
                if (coin.nextBoolean()) {
                    throw new ProviderException("test: 503 Unavailable", true);
                }
                return holder;
            }

            @Override
            public void acquire() throws ProviderException {
                log.add("acquire");
                if (coin.nextBoolean()) {
                    throw new ProviderException("test: 503 Unavailable", true);
                }
                holder = Holder.self("me");
            }
        };
        TakeoverOrchestrator o = start(p, fast().circuitBreaker(TakeoverPolicy.DEFAULT_BREAKER_MINIMUM_CALLS,
                TakeoverPolicy.DEFAULT_BREAKER_FAILURE_RATE, Duration.ofSeconds(30)).build());
        for (int i = 0; i < 12; i++) {
            p.holder = Holder.nobody();
            Timeline before = o.lastTakeover();
            o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
            await(() -> o.lastTakeover() != before);
            assertTrue(o.lastTakeover().toString().contains("acquire confirmed"), o.lastTakeover().toString());
            o.onTransition(to(VrrpState.MASTER, VrrpState.BACKUP));
            await(() -> count("release") > 0);
            log.clear();
        }
        assertEquals(CircuitBreaker.State.CLOSED, o.breakerState());
        assertEquals(0, o.stats().breakerOpens());
        assertEquals(0, o.stats().callsNotPermitted());
        assertTrue(o.stats().retries() >= 12, "half of the calls failed and were retried: " + o.stats());
    }

    /** The default opens only when all of the last 10 calls failed, logs each state change once, and counts. */
    @Test
    void theDefaultBreakerOpensOnlyWhenAllOfTheLastCallsFailedAndLogsEachChange() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("floatd.takeover");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            Scripted p = new Scripted() {
                private int n;

                @Override
                public Holder holder() throws ProviderException {
                    log.add("holder");
                    if (n++ < 10) {
                        throw new ProviderException("test: connection refused", true);
                    }
                    return holder;
                }
            };
            TakeoverOrchestrator o = start(p, fast().circuitBreaker(TakeoverPolicy.DEFAULT_BREAKER_MINIMUM_CALLS,
                    TakeoverPolicy.DEFAULT_BREAKER_FAILURE_RATE, Duration.ofMillis(300)).build());
            o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
            await(() -> o.lastTakeover() != null);
            assertTrue(o.lastTakeover().toString().contains("acquire confirmed"), o.lastTakeover().toString());
            assertEquals(11, count("holder"), "10 failed reads (the 10th opens the breaker), then the probe that succeeds: " + log + lines);
            assertEquals(1, count("acquire"));
            List<String> breaker = lines.stream().filter(l -> l.contains("circuit breaker")).toList();
            assertEquals(List.of(
                    "VRRP_Instance(VI_1) circuit breaker OPEN: 10 of the last 10 calls failed; no call for 300 ms",
                    "VRRP_Instance(VI_1) circuit breaker HALF_OPEN: after 300 ms, one call goes through to try the API",
                    "VRRP_Instance(VI_1) circuit breaker CLOSED: the API answered again; calls go through"), breaker);
            assertEquals(CircuitBreaker.State.CLOSED, o.breakerState());
            assertEquals(1, o.stats().breakerOpens());
            assertTrue(o.stats().callsNotPermitted() >= 1, "retries during the 300 ms found it open: " + o.stats());
            assertEquals(11 + 1, o.stats().calls(), "11 reads and the write reached the provider; no refused call did");
        } finally {
            jul.removeHandler(h);
        }
    }

    /**
     * Issue 8: a daemon serving 255 instances has 255 orchestrators. Each takes over and re-checks on virtual threads
     * and one shared timer: the platform threads do not grow with the instances (they were four per instance, ~100
     * MiB of stacks at 255). A closed orchestrator leaves nothing behind on the shared timer.
     */
    @Test
    void twoHundredFiftyFiveInstancesTakeOverWithoutAPlatformThreadEach() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        List<Scripted> providers = new ArrayList<>();
        List<TakeoverOrchestrator> all = new ArrayList<>();
        try {
            for (int i = 1; i <= 255; i++) {
                Scripted p = new Scripted();
                providers.add(p);
                TakeoverOrchestrator o = new TakeoverOrchestrator("VI_" + i, p, NanoClock.SYSTEM, false,
                        fast().recheckInterval(Duration.ofMillis(100)).build(), events::add);
                all.add(o);
                o.onTransition(to(VrrpState.BACKUP, VrrpState.MASTER));
            }
            await(() -> providers.stream().allMatch(p -> p.holder.isSelf()));
            long reads = count("holder");
            await(() -> count("holder") >= reads + 255); // re-checks run
            int during = threads.getThreadCount();
            assertTrue(during - before <= 4, "platform threads: " + before + " before, " + during + " with 255 instances");
        } finally {
            all.forEach(TakeoverOrchestrator::close);
        }
        sleep(100);
        long closed = count("holder");
        sleep(300);
        assertEquals(closed, count("holder"), "a closed orchestrator re-checks no more");
    }

    private static void await(BooleanSupplier c) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 10 s");
            }
            sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
