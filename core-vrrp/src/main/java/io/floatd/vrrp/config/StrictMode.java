package io.floatd.vrrp.config;

import java.util.Optional;

/**
 * keepalived 2.2.7's strict mode ({@code vrrp_strict} in global_defs, {@code strict_mode} per instance), as far as
 * it is configuration: the rules keepalived/vrrp/vrrp.c {@code vrrp_complete_instance} applies, which are what
 * {@code keepalived -t} reports. floatd applies the same ones:
 * <ul>
 *   <li>no virtual address: refused ("No VIP specified; at least one is required"), as for VRRPv3 ({@link NoVip});
 *   <li>state MASTER only for the address owner (priority 255), BACKUP otherwise ("State MASTER must match being
 *       address owner"): the state is changed, with a warning;
 *   <li>authentication ignored ("Strict mode does not support authentication. Ignoring.");
 *   <li>preempt_delay reset ("preempt_delay is incompatible with strict mode - resetting").
 * </ul>
 * The rest of strict mode changes no election between compliant peers: keepalived refuses down_timer_adverts,
 * garp_lower_prio_*, lower_prio_no_advert and higher_prio_send_advert in strict mode (floatd refuses those keywords
 * anyway), a Master stays silent on a lower-priority advert (floatd answers none either), and its unicast check runs
 * before an instance is marked unicast in 2.2.7, so unicast instances run. What floatd does not do is keepalived's
 * no_accept firewall: in strict mode keepalived's Master drops traffic to the addresses unless it is their owner
 * (nftables/iptables rules); floatd installs no firewall rules, so its Master answers on them ({@link #NO_FIREWALL}).
 */
final class StrictMode {
    static final String NO_FIREWALL = "vrrp_strict: floatd applies keepalived's strict configuration rules but installs no"
            + " firewall rules: a Master that is not the address owner answers traffic to the virtual addresses, where"
            + " keepalived's drops it (no_accept)";

    private StrictMode() {
    }

    /** The state keepalived starts a strict instance in, if it differs from the one written, with why. */
    static Optional<InitialState> state(InitialState written, int priority) {
        InitialState owner = priority == InstanceWords.OWNER ? InitialState.MASTER : InitialState.BACKUP;
        return written == owner ? Optional.empty() : Optional.of(owner);
    }

    static String stateMessage(InitialState written, int priority, InitialState now) {
        return "state " + written + " at priority " + priority + " in strict mode: the instance starts as " + now
                + ", as keepalived starts it (\"State MASTER must match being address owner\")";
    }

    static final String AUTHENTICATION = "authentication is ignored in strict mode, as keepalived ignores it (\"Strict mode"
            + " does not support authentication\"): the instance runs without";

    static final String PREEMPT_DELAY = "preempt_delay is reset in strict mode, as keepalived resets it (\"preempt_delay is"
            + " incompatible with strict mode\"): the instance preempts at once";
}
