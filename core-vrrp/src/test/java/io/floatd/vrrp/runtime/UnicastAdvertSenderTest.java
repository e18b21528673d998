package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.transport.ReceivedDatagram;
import io.floatd.vrrp.transport.VrrpTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 8: a Master sends the same advert every interval, so it is encoded once per priority, not per send. */
class UnicastAdvertSenderTest {
    private record Sent(InetAddress to, byte[] message) {
    }

    private static final class Capture implements VrrpTransport {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void send(InetAddress destination, byte[] vrrpMessage) {
            sent.add(new Sent(destination, vrrpMessage));
        }

        @Override
        public ReceivedDatagram receive(Duration timeout) {
            return null;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void everyPeerGetsTheAdvertOfTheCurrentPriorityEncodedForItAndARepeatReusesTheBytes() throws Exception {
        InstanceConfig ic = ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 7
                    priority 150
                    advert_int 0.1
                    version 3
                    unicast_src_ip 10.0.0.1
                    unicast_peer {
                        10.0.0.2
                        10.0.0.3
                    }
                    virtual_ipaddress {
                        10.0.0.100
                    }
                }
                """, "t.conf").instances().getFirst();
        InetAddress src = InetAddress.getByName("10.0.0.1");
        InetAddress p2 = InetAddress.getByName("10.0.0.2");
        InetAddress p3 = InetAddress.getByName("10.0.0.3");
        List<InetAddress> vips = List.of(InetAddress.getByName("10.0.0.100"));
        Capture t = new Capture();
        UnicastAdvertSender sender = new UnicastAdvertSender(ic, t, src);

        sender.sendAdvert(150);
        sender.sendAdvert(150);
        sender.sendAdvert(0); // resigning
        sender.sendAdvert(150);

        assertEquals(8, t.sent.size());
        for (int i = 0; i < 8; i++) {
            int priority = i / 2 == 2 ? 0 : 150;
            InetAddress to = i % 2 == 0 ? p2 : p3;
            assertEquals(to, t.sent.get(i).to());
            // the VRRPv3 checksum covers the pseudo-header, so each peer's bytes are its own
            assertArrayEquals(VrrpPacket.v3(7, priority, 10, vips).encode(src, to), t.sent.get(i).message(), "send " + i);
        }
        assertEquals(t.sent.get(0).message(), t.sent.get(2).message(), "a repeat at the same priority is not encoded again");
    }
}
