package io.floatd.vrrp.runtime;

import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.InstanceOpener.Opened;
import io.floatd.vrrp.runtime.InstanceOpener.OpenedBlock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The providers of a starting daemon, built on a thread of their own while its instances already run (sockets open,
 * Backup timers running, adverts sent as the election requires): a cloud provider's build (metadata reads, token and
 * API checks, the peers' look-up, its SDK's classes) took 0.5-1.1 s, and came before the first advert when it ran
 * first (BENCHMARKS.md, issue 19). A takeover that comes before its provider waits for it ({@link
 * io.floatd.vrrp.takeover.TakeoverOrchestrator}). Built in configuration order, one instance after the other, as
 * before; the first block that cannot be built ends the builds: it and every block not built yet fail with its error,
 * so their takeovers never make a call, and {@link #await} throws it, for the start to fail as it did when the
 * providers were built first. Each block's checks that need no I/O were made before anything started
 * ({@link InstanceOpener#open}).
 */
final class ProviderBuilds {
    private final CompletableFuture<Void> all = new CompletableFuture<>();
    private final List<OpenedBlock> blocks;
    private final Runnable builder;
    private final java.util.concurrent.atomic.AtomicBoolean begun = new java.util.concurrent.atomic.AtomicBoolean();
    /** How long {@link #await} waits: the longest takeover deadline of the blocks. */
    private final Duration bound;

    private ProviderBuilds(List<Opened> pending, Map<String, List<FloatingIpProvider>> byInstance) {
        this.blocks = pending.stream().flatMap(o -> o.blocks().stream()).toList();
        this.bound = blocks.stream().map(b -> b.policy().deadline()).max(Duration::compareTo).orElse(Duration.ZERO);
        this.builder = () -> run(pending, byInstance);
        if (pending.isEmpty()) {
            all.complete(null);
        }
    }

    /** Nothing to build (the providers were built before the daemon was made). */
    static ProviderBuilds none() {
        return new ProviderBuilds(List.of(), Map.of());
    }

    /**
     * The builds of the providers of each {@link Opened} of {@code prepared}, to {@link #begin}; each instance's
     * providers go into {@code byInstance} once built (what a reload asks of them).
     */
    static ProviderBuilds of(List<Object> prepared, Map<String, List<FloatingIpProvider>> byInstance) {
        return new ProviderBuilds(prepared.stream().filter(Opened.class::isInstance).map(Opened.class::cast)
                .filter(o -> !o.blocks().isEmpty()).toList(), byInstance);
    }

    /**
     * Begins the builds on a thread of their own (once): the daemon posts this to the VRRP loop behind its instances'
     * start, so on a small machine the first adverts do not share the CPU with a cloud SDK's class loading.
     */
    void begin() {
        if (!all.isDone() && begun.compareAndSet(false, true)) {
            Thread.ofPlatform().name("provider-build").daemon(true).start(builder);
        }
    }

    private void run(List<Opened> pending, Map<String, List<FloatingIpProvider>> byInstance) {
        for (Opened o : pending) {
            try {
                InstanceOpener.build(o.blocks());
            } catch (ProviderException | RuntimeException e) {
                fail(e);
                return;
            }
            List<FloatingIpProvider> built = o.built();
            if (built != null) {
                byInstance.put(o.config().name(), built);
            }
        }
        all.complete(null);
    }

    /** Every block not built yet fails with {@code e}: its takeover drops what waited for it and makes no call. */
    private void fail(Exception e) {
        blocks.forEach(b -> b.provider().completeExceptionally(e));
        all.completeExceptionally(e);
    }

    /**
     * Waits until every provider is built, at most {@link #bound}; throws what the first one that could not be built
     * threw (a provider still not built then fails with "not ready after N ms", and is closed when its build ends).
     */
    void await() throws ProviderException, InterruptedException {
        try {
            all.get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            ProviderException late = ProviderException.fatal("the floating_ip providers were not ready after "
                    + bound.toMillis() + " ms (the takeover deadline)");
            fail(late);
            throw late;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case ProviderException pe -> throw pe;
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** A provider could not be built: the daemon is not healthy. */
    boolean failed() {
        return all.isCompletedExceptionally();
    }
}
