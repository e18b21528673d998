package io.floatd.vrrp.track;

/**
 * The fall/rise counting of one {@code vrrp_script}, as keepalived does it. Pure and single-threaded.
 *
 * <p>A healthy check turns failed after {@code fall} consecutive failures; a failed one turns healthy after
 * {@code rise} consecutive successes. Before its first result a check is <em>unknown</em>, and that first result
 * decides at once, whatever {@code fall} and {@code rise} say (keepalived: "one success is enough", and one
 * failure too). With {@code init_fail} the check starts failed instead and needs {@code rise} successes.
 */
public final class CheckCounter {
    private final int rise;
    private final int fall;
    // 0..rise+fall-1: at or above rise the check is healthy; each result moves it one step, a state change jumps
    // to the far end, so a healthy check needs fall failures and a failed one rise successes
    private int count;
    private boolean unknown;

    public CheckCounter(int rise, int fall, boolean initFail) {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise and fall must be at least 1");
        }
        this.rise = rise;
        this.fall = fall;
        this.count = initFail ? 0 : rise - 1;
        this.unknown = !initFail;
    }

    /** {@code null} before the first result (unless init_fail), else whether the check counts as healthy. */
    public Boolean healthy() {
        return unknown ? null : count >= rise;
    }

    /**
     * Records one result.
     *
     * @return the new health if this result changed it (including the first result of an unknown check), else null
     */
    public Boolean record(boolean success) {
        Boolean before = healthy();
        boolean wasUnknown = unknown;
        unknown = false;
        int max = rise + fall - 1;
        if (success) {
            if (count < rise - 1 && !wasUnknown) {
                count++;
            } else {
                count = max;
            }
        } else {
            if (count > rise && !wasUnknown) {
                count--;
            } else {
                count = 0;
            }
        }
        Boolean after = healthy();
        return after.equals(before) ? null : after;
    }
}
