package io.floatd.vrrp.codec;

/**
 * The AH sequence number of one {@code auth_type AH} instance, with keepalived 2.2.7's rules: one counter serves
 * both directions. Sending adds one and puts the result in the header (the first advert carries 1); receiving
 * accepts a number only when it is above the counter, and then the counter takes it. So a Backup that takes over
 * carries on above the last number its Master used. A peer restarted with its counter at 0 that starts sending as
 * Master has its adverts dropped as replays here; this node then takes over, its next advert carries a number above
 * the restarted peer's counter, the peer takes that number (keepalived's Master also "syncs" to a lower-priority
 * advert's number) and its following adverts are accepted again: the higher priority wins within an advert or two.
 *
 * <p>RFC 2402 §3.3.2 forbids cycling the counter: at 0xFFFFFFFE it stops (keepalived's limit), so the peers drop
 * this node's adverts and one of them takes over; {@link #resetIfExhausted} starts again from 0 when this node
 * becomes Master after that, as keepalived does. At one advert a second that is 136 years away.
 */
public final class AhSequence {
    /** keepalived stops counting above 0xFFFFFFFD. */
    public static final long LAST = 0xFFFF_FFFEL;

    private long counter;
    private boolean exhausted;

    /** The number for the next advert sent. */
    public synchronized long next() {
        if (counter >= LAST) {
            exhausted = true;
        } else {
            counter++;
        }
        return counter;
    }

    /**
     * Whether a verified advert's number is new: above the counter, which then takes it.
     *
     * @return true when accepted; false for a replay (equal or below)
     */
    public synchronized boolean accept(long sequence) {
        if (sequence > counter) {
            counter = sequence;
            exhausted = false;
            return true;
        }
        return false;
    }

    /** The counter: the last number sent or accepted. */
    public synchronized long current() {
        return counter;
    }

    /** Becoming Master after the counter stopped: start again from 0. */
    public synchronized void resetIfExhausted() {
        if (exhausted) {
            exhausted = false;
            counter = 0;
        }
    }
}
