package io.floatd.vrrp.provider.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.FaultSuite;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.takeover.TakeoverPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The conformance tests every cloud provider runs, written once: each provider's {@code FaultsTest} extends this and
 * supplies a {@link Rig} (its test endpoint, speaking the cloud's published format and errors, with this node, a
 * peer and some other node, and a real provider made for this node on it). Through the real orchestrator
 * ({@link FaultSuite}, issues 4 and 8): with throttling, 5xx or time-outs on half of all calls every takeover
 * completes inside its deadline, and with the IP held already not one write reaches the cloud; the cloud down for
 * 30 s, the takeover completes soon after it returns, the circuit breaker keeping the calls few. Through the
 * provider alone: an IP held already costs no write ({@link FloatingIpProvider#acquire()} is idempotent), and
 * {@link FloatingIpProvider#holder()} tells this node, a configured peer, another node and nobody apart. The tests
 * run side by side (they mostly wait). {@code bench/faults.sh} runs them for its figures
 * ({@code -Dfloatd.faults.out=FILE}).
 */
@Execution(ExecutionMode.CONCURRENT)
public abstract class ProviderConformance {
    protected static final int TAKEOVERS = Integer.getInteger("floatd.faults.takeovers", 20);
    protected static final int HELD = Integer.getInteger("floatd.faults.held", 10);
    protected static final double FRACTION = 0.5;
    /** {@code bench/faults.sh} adds {@code none}, for the figures without faults. */
    protected static final List<String> MIXES = List.of(System.getProperty("floatd.faults.mixes",
            "throttle,5xx,timeout,mixed").split(","));

    /** The cloud's test endpoint and a provider made on it for this node, before any fault. */
    public interface Rig extends FaultSuite.Rig {
        /** Puts the IP on a node that is neither this one nor a configured peer (not through the API). */
        void giveToOther();

        /** The provider's names for this node, the peer and the other node, as {@link Holder#id()} shows them. */
        String selfId();

        String peerId();

        String otherId();
    }

    private final String cloud;
    private final Duration attempt;
    private final long seed;

    /**
     * @param cloud the provider's name, as the messages and the figures show it
     * @param attempt the client's limit for one call in these tests; a time-out answers {@link #lateMillis()}, after it
     * @param seed the seed of the fault mixes
     */
    protected ProviderConformance(String cloud, Duration attempt, long seed) {
        this.cloud = cloud;
        this.attempt = attempt;
        this.seed = seed;
    }

    /** A new rig, the IP held by nobody. */
    protected abstract Rig rig() throws Exception;

    protected final String cloud() {
        return cloud;
    }

    protected final Duration attempt() {
        return attempt;
    }

    protected final long seed() {
        return seed;
    }

    /** The daemon's defaults (backoff 0.1-2 s, deadline 30 s, breaker), without the warm reads. */
    protected TakeoverPolicy.Builder policy() {
        return TakeoverPolicy.custom().warmInterval(Duration.ZERO);
    }

    /** A time-out answers this late: after the client gave up. */
    protected long lateMillis() {
        return attempt().toMillis() + 300;
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void halfOfAllCallsFailingEveryTakeoverCompletesInsideTheDeadlineAndAHeldIpGetsNoWrite() throws Exception {
        TakeoverPolicy p = policy().build();
        List<FaultSuite.MixRun> runs = FaultSuite.runMixes(this::rig, p, MIXES, FRACTION, lateMillis(), TAKEOVERS, HELD,
                2, seed());
        FaultSuite.assertMixes(cloud(), runs, p);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anOutageOf30SecondsEndsInATakeoverSoonAfterTheEndpointReturns() throws Exception {
        Duration outage = Duration.ofSeconds(30);
        FaultSuite.outage(cloud(), this::rig, policy().deadline(outage.plusSeconds(15)).build(), outage,
                Duration.ofSeconds(3));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anAcquireOfAnIpHeldAlreadyWritesNothing() throws Exception {
        try (Rig rig = rig()) {
            rig.giveToSelf();
            rig.settle();
            int writes = rig.writes();
            rig.provider().acquire();
            rig.settle();
            assertTrue(rig.heldBySelf());
            assertEquals(writes, rig.writes(), cloud() + ": the IP was held, yet a write reached the endpoint");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theHolderIsNobodyThisNodeThePeerOrAnother() throws Exception {
        try (Rig rig = rig()) {
            FloatingIpProvider p = rig.provider();
            assertEquals(Holder.nobody(), p.holder());
            rig.giveToSelf();
            assertEquals(Holder.self(rig.selfId()), p.holder());
            rig.giveToPeer();
            assertEquals(Holder.peer(rig.peerId()), p.holder(), "the peer's private IP is our unicast_peer");
            rig.giveToOther();
            assertEquals(Holder.other(rig.otherId()), p.holder());
        }
    }
}
