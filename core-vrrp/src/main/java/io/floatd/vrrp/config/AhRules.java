package io.floatd.vrrp.config;

import java.util.Optional;

/** What {@code auth_type AH} asks of the rest of a vrrp_instance, with keepalived 2.2.7's verdicts. */
final class AhRules {
    /**
     * keepalived: "Initial state master is incompatible with AH authentication - clearing". A Master that starts
     * without having heard the peer's sequence number would send numbers the peer drops as replays.
     */
    static final String INITIAL_MASTER = "state MASTER is incompatible with auth_type AH: starting as BACKUP, as"
            + " keepalived does (an instance learns the AH sequence number from its peer's adverts before it takes over)";

    private AhRules() {
    }

    /** AH authenticates the IP header, which floatd's UDP transport does not carry. */
    static Optional<String> transportProblem(boolean udp) {
        return udp
                ? Optional.of("auth_type AH needs VRRP over IP (the AH header protects the IP header);"
                        + " remove the transport udp block or use auth_type PASS")
                : Optional.empty();
    }

    /**
     * Whether the initial state MASTER is cleared: always, except for the address owner (priority 255). keepalived
     * gives an instance with {@code state MASTER} and no {@code priority} line priority 255, so that one keeps its
     * MASTER too.
     *
     * @param priority the configured priority, or null when the instance has no priority line
     */
    static boolean clearsInitialMaster(InitialState state, Integer priority) {
        return state == InitialState.MASTER && priority != null && priority != 255;
    }
}
