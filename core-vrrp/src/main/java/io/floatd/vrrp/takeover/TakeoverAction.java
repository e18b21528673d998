package io.floatd.vrrp.takeover;

import io.floatd.vrrp.provider.Holder;
import java.lang.System.Logger.Level;
import java.net.InetAddress;

/**
 * What the driver must do after a step of the takeover machine. The machine itself does no I/O. Provider calls
 * carry an operation number; the driver answers each with exactly one {@link TakeoverEvent.OpEnded} (a cancelled
 * call too), and the machine never starts a call while another is running.
 */
public sealed interface TakeoverAction {

    /** A provider call. */
    sealed interface Call extends TakeoverAction {
        long op();
    }

    /** Read who holds the IP ({@code FloatingIpProvider.holder()}). */
    record ReadHolder(long op) implements Call {
    }

    /** Make this node the holder; {@code seen} is the holder just read, or null when the provider reads for itself. */
    record Acquire(long op, Holder seen) implements Call {
    }

    /** Give the IP up if this node holds it ({@code FloatingIpProvider.release()}). */
    record Release(long op) implements Call {
    }

    /** Remove what an earlier run of this node left behind ({@code FloatingIpProvider.clearStale()}). */
    record ClearStale(long op) implements Call {
    }

    /** Move the IP, which the last read found on this node, to the Master at {@code peer}. */
    record HandOver(long op, InetAddress peer) implements Call {
    }

    /** Cut the running call {@code op} short (interrupt it); its {@link TakeoverEvent.OpEnded} still follows. */
    record Cancel(long op) implements TakeoverAction {
    }

    /** A mastership's gratuitous ARP/NA rounds begin ({@code alreadySent} of the first burst were part of the acquire). */
    record StartAnnouncing(int alreadySent) implements TakeoverAction {
    }

    /** The mastership's gratuitous ARP/NA rounds end. */
    record StopAnnouncing() implements TakeoverAction {
    }

    /** Tell the election that the IP this Master held is on a configured peer: it goes Backup and waits. */
    record YieldToPeer(String holder) implements TakeoverAction {
    }

    /** Tell the election that the IP is free (or back on this node) while it waits after a yield: take mastership. */
    record Reclaim() implements TakeoverAction {
    }

    /** A takeover began (the instance entered MASTER): a new timeline, a new gate for notify_master. */
    record TakeoverBegan() implements TakeoverAction {
    }

    /** A milestone of the running takeover's timeline. */
    record Mark(String what, Object detail) implements TakeoverAction {
    }

    /** The takeover ended (written, found held, failed or superseded): notify_master may run; the timeline is logged. */
    record Settled() implements TakeoverAction {
    }

    /** One line for the operator. */
    record Log(Level level, String message) implements TakeoverAction {
    }

    /** Count one of {@code stat}. */
    record Count(Stat stat) implements TakeoverAction {
    }

    /** What the machine counts; the driver keeps the counters. */
    enum Stat {
        ACQUIRE, RELEASE, SKIPPED_WRITE, RETRY, FAILURE, REACQUIRE, YIELD, HANDOVER, DAMPED
    }
}
