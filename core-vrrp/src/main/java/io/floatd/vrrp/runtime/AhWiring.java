package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.AhPacket;
import io.floatd.vrrp.codec.AhSequence;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.AuthType;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.event.TransitionListener;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.transport.AhTransport;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;

/** Where an {@code auth_type AH} instance differs from the others: its socket and its key. */
final class AhWiring {
    private AhWiring() {
    }

    /** VRRPv2 with {@code auth_type AH} (the parser lets AH through only for VRRPv2 over IPv4). */
    static boolean usesAh(InstanceConfig ic) {
        return ic.version() == 2 && ic.authentication() != null && ic.authentication().type() == AuthType.AH;
    }

    static VrrpTransport open(InstanceConfig ic, InetAddress source, DropCounters drops) throws IOException {
        if (!(source instanceof Inet4Address source4)) {
            throw new IOException("VRRP_Instance(" + ic.name() + ") auth_type AH is IPv4 only, but the source is "
                    + source.getHostAddress());
        }
        return io.floatd.vrrp.transport.AhMismatchWatch.openAh(source4, ic.interfaceName(), drops);
    }

    /**
     * Gives the instance's key to its socket; adverts for its VRID are signed and verified with it from now on.
     *
     * @return the instance's sequence counter, or null when the instance does not use AH
     */
    static AhSequence register(VrrpTransport transport, InstanceConfig ic) {
        if (transport instanceof AhTransport ah) {
            // keepalived leaves the TTL out of the ICV for an instance with unicast peers, and covers it for multicast
            return ah.register(ic.virtualRouterId(), ic.name(), AhPacket.key(ic.authentication().password().reveal()),
                    !ic.unicastPeers().isEmpty());
        }
        return null;
    }

    /** keepalived: a counter that stopped at its limit starts again from 0 when the instance becomes Master. */
    static void resetOnMaster(AhSequence sequence, InstanceRunner runner) {
        if (sequence != null) {
            runner.addListener(resetOnMaster(sequence));
        }
    }

    static TransitionListener resetOnMaster(AhSequence sequence) {
        return t -> {
            if (t.to() == VrrpState.MASTER) {
                sequence.resetIfExhausted();
            }
        };
    }
}
