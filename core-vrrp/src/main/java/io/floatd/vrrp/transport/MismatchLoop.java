package io.floatd.vrrp.transport;

import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The receive loop of a watch for peers on the other side of a transport mismatch ({@link AhMismatchWatch},
 * {@link ProtocolMismatchWatch}): reads a protocol-112 socket until it closes; each VRRP packet (two bytes at least)
 * the watch's judge calls a mismatch counts under the watch's drop reason, and the first from each sender is logged.
 */
final class MismatchLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");

    /** The error line about a sender's first mismatching packet: a {@link System.Logger} format and its parameters. */
    record Report(String format, Object... params) {
    }

    /** Reads one received packet: null when it is no mismatch, else what to log if it is the first from its sender. */
    @FunctionalInterface
    interface Judge {
        Report judge(ReceivedDatagram d);
    }

    private final RawIpTransport raw;
    private final DropCounters drops;
    private final DropReason reason;
    private final Judge judge;
    private final Set<InetAddress> logged = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    MismatchLoop(RawIpTransport raw, DropCounters drops, DropReason reason, Judge judge) {
        this.raw = raw;
        this.drops = drops;
        this.reason = reason;
        this.judge = judge;
    }

    /** Runs the loop on a daemon thread of that name. */
    void start(String threadName) {
        Thread.ofPlatform().name(threadName).daemon(true).start(this::run);
    }

    private void run() {
        while (running) {
            ReceivedDatagram d;
            try {
                d = raw.receive(Duration.ofSeconds(1));
            } catch (IOException e) {
                return;
            }
            if (d == null || d.payload().length < 2) {
                continue;
            }
            Report report = judge.judge(d);
            if (report != null) {
                drops.increment(reason);
                if (logged.add(d.source())) {
                    LOG.log(Level.ERROR, report.format(), report.params());
                }
            }
        }
    }

    /** Senders of a mismatching packet so far. */
    Set<InetAddress> mismatchedPeers() {
        return Set.copyOf(logged);
    }

    @Override
    public void close() {
        running = false;
        raw.close();
    }
}
