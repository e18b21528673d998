package io.floatd.vrrp.runtime;

import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One {@code floating_ip} block of a running instance: what it moves, with which provider, and the orchestrator that
 * moves it. Each block has its own orchestrator (its own threads, breaker, holder read, timeline and counters), so
 * one block's slow or failing provider does not hold back the others.
 *
 * @param address what the block moves as written ({@code address} or {@code allocation_id}), or its provider's name
 *     when it names nothing (a linux-l2 block: the instance's virtual_ipaddress)
 * @param provider the provider's name
 */
public record BlockTakeover(String address, String provider, TakeoverOrchestrator orchestrator) {
    public BlockTakeover {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(orchestrator, "orchestrator");
    }

    /**
     * Done when every block's takeover of the latest MASTER transition has settled: what notify_master waits for
     * (the notify dispatcher caps the wait, as with one block). {@code null} when there is no block.
     */
    static CompletionStage<?> allSettled(List<BlockTakeover> blocks) {
        if (blocks.isEmpty()) {
            return null;
        }
        if (blocks.size() == 1) {
            return blocks.getFirst().orchestrator().takeoverSettled();
        }
        return CompletableFuture.allOf(blocks.stream()
                .map(b -> b.orchestrator().takeoverSettled().toCompletableFuture())
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Waits until every block has nothing left to do (a release on stop), all at once: each block drains on a thread
     * of its own, so the whole wait is one {@code millis}, not one per block.
     */
    static void drainAll(List<BlockTakeover> blocks, long millis, boolean close) throws InterruptedException {
        List<Thread> drains = new java.util.ArrayList<>();
        for (BlockTakeover b : blocks) {
            drains.add(Thread.ofVirtual().name("drain-" + b.address()).start(() -> {
                try {
                    b.orchestrator().drain(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (close) {
                    b.orchestrator().close();
                }
            }));
        }
        for (Thread t : drains) {
            t.join(millis + 1000);
        }
    }
}
