package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the catalogue says of {@code dont_track_primary}: floatd does not put an instance in FAULT when the link of
 * its own interface goes down (keepalived does, unless {@code dont_track_primary}); {@code track_interface} names
 * the links that do. A Master whose link goes down here stays Master.
 */
@Timeout(90)
class OwnInterfaceLinkTest {

    @Test
    void aMastersOwnLinkGoingDownIsNoFaultWithoutTrackInterface() throws Exception {
        try (Lan lan = Lan.create("ol", 2)) {
            try (FloatdProcess fd = FloatdProcess.start(lan.host(1), notify -> """
                    vrrp_instance VI_1 {
                      state BACKUP
                      interface %s
                      virtual_router_id 72
                      priority 100
                      advert_int 1
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                      virtual_ipaddress {
                        10.199.0.100/24 dev %s
                      }
                      notify "%s"
                    }
                    """.formatted(Lan.IFNAME, Lan.address(1), Lan.address(0), Lan.IFNAME, notify))) {
                fd.awaitState("MASTER", Duration.ofSeconds(20));
                lan.host(1).exec("ip", "link", "set", Lan.IFNAME, "down");
                Thread.sleep(3_000); // a FAULT would come within one advert interval of the link event
                assertEquals(List.of("BACKUP", "MASTER"), fd.notifications().stream().map(l -> l.split(" ")[1]).toList(),
                        fd.log());
            }
        }
    }
}
